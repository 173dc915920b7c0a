package tui

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"lazytrail/fetch/memory"
	"lazytrail/model"
)

// screenWords is the screen as one line of single spaces, so that a
// message wrapped onto two lines is found whole.
func screenWords(a *App) string { return strings.Join(strings.Fields(plain(content(a))), " ") }

// At 80×24 no message is cut: the unknown-key suggestion, the export's
// file name, the scan's time left, what was pushed down and the time
// range each wrap onto another line rather than lose their end.
func TestMessagesAreWholeAt80x24(t *testing.T) {
	t.Run("unknown key", func(t *testing.T) {
		app, _ := newTestApp(t, 80, 24, mixedEvents(30))
		press(app, "/")
		typeText(app, "skeddly- region:eu-west-1 evnt:RunInstances")
		want := model.ParseFilter("evnt:RunInstances").Err()
		if want == "" || !strings.Contains(screenWords(app), want) {
			t.Errorf("%q is not whole on screen:\n%s", want, plain(content(app)))
		}
	})
	t.Run("export file name", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "an-investigation-folder-with-a-long-name")
		if err := mkdir(dir); err != nil {
			t.Fatal(err)
		}
		app := appWith(t, Config{ExportDir: dir}, 80, 24, mixedEvents(30))
		app.Update(press(app, "e")())
		name := regexp.MustCompile(`lazytrail-\d{8}-\d{6}\.jsonl`)
		if !name.MatchString(plain(content(app))) {
			t.Errorf("the file's name is not whole on one line:\n%s", plain(content(app)))
		}
		if !strings.Contains(screenWords(app), "(the matches loaded so far; L scans to the end)") {
			t.Errorf("the export does not say what it holds:\n%s", plain(content(app)))
		}
	})
	t.Run("time left", func(t *testing.T) {
		app, _ := newTestApp(t, 80, 24, mixedEvents(30))
		press(app, "/")
		typeText(app, "skeddly- event:StartInstances region:eu-west-1")
		press(app, "enter", "L")
		// A pace that is known: a tenth of the 90 days covered in the
		// minute since L.
		app.toEnd.began, app.toEnd.covered = time.Now().Add(-time.Minute), 0.0001
		progress := []model.RegionProgress{{Region: "eu-west-1", State: model.RegionPaging, Events: 30, Oldest: testNow.Add(-9 * 24 * time.Hour)},
			{Region: "us-east-1", State: model.RegionPaging, Events: 30, Oldest: testNow.Add(-9 * 24 * time.Hour)}}
		deliver(app, model.Batch{Progress: progress}, true)
		got := screenWords(app)
		if !regexp.MustCompile(`[█░]{10} +\d+% ~\d+[hms][0-9hms]* left`).MatchString(got) {
			t.Errorf("the scan's bar and time left are not whole on screen:\n%s", plain(content(app)))
		}
	})
	t.Run("pushed down and the range", func(t *testing.T) {
		src := &memory.Source{Account: "production-account-admin", Start: testNow.Add(-90 * 24 * time.Hour), End: testNow,
			Partitions: make([]model.RegionProgress, 16),
			Describe:   func(model.Request) string { return "pushed down EventName=AuthorizeSecurityGroupIngress" }}
		app := New(Config{Source: src, Location: time.UTC})
		app.Init()
		app.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		feed(app, mixedEvents(30), true)
		got := plain(content(app))
		for _, want := range []string{"pushed down EventName=AuthorizeSecurityGroupIngress", "2026-08-25 12:00 → 2026-11-23 12:00", "back to"} {
			if !strings.Contains(got, want) {
				t.Errorf("%q is not whole on screen:\n%s", want, got)
			}
		}
	})
}

func mkdir(dir string) error { return os.MkdirAll(dir, 0o755) }
