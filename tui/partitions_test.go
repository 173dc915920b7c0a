package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"lazytrail/model"
)

// Events of two accounts (an organisation trail, --profile a,b) bring an
// ACCOUNT column from 100 columns; one account keeps the list as it was.
func TestListShowsAccountsOnceThereAreTwo(t *testing.T) {
	one := testEvent(1, "adam", "RunInstances", "eu-west-1")
	one.Account = "111122223333"
	app, _ := newTestApp(t, 120, 30, []model.Event{one})
	if got := plain(content(app)); strings.Contains(got, "ACCOUNT") {
		t.Fatalf("an ACCOUNT column for one account:\n%s", got)
	}
	two := testEvent(2, "maria", "StopInstances", "eu-west-1")
	two.Account = "444455556666"
	feed(app, []model.Event{two}, true)
	got := plain(content(app))
	if !strings.Contains(got, "ACCOUNT") || !strings.Contains(got, "444455556666") || !strings.Contains(got, "111122223333") {
		t.Fatalf("no ACCOUNT column with two accounts loaded:\n%s", got)
	}
	app.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	if got := plain(content(app)); strings.Contains(got, "ACCOUNT") {
		t.Fatalf("an ACCOUNT column at 80 columns crowds out the event and user:\n%s", got)
	}
}

// Skipped files are counted in the status bar and listed, escaped, in the
// source panel (R).
func TestSkippedFilesShowInTheStatusBarAndSourcePanel(t *testing.T) {
	app, _ := newTestApp(t, 120, 30, []model.Event{testEvent(1, "adam", "RunInstances", "eu-west-1")})
	progress := []model.RegionProgress{
		{Source: "files", Account: "111122223333", Region: "eu-west-1", State: model.RegionDone, Pages: 3, Events: 1,
			Skipped: 2, Skips: []string{"logs/a.json.gz: not valid gzip: unexpected EOF", "logs/b.json record 3: no eventTime"}},
		{Source: "files", Region: "(not log files)", State: model.RegionDone, Skipped: 1, Skips: []string{`logs/fifo: not a regular file (a FIFO)`}},
	}
	app.Update(batchMsg{gen: app.gen, batch: model.Batch{Progress: progress}, ok: true})
	got := plain(content(app))
	if !strings.Contains(got, "3 skipped (R)") || !strings.Contains(got, "2 partitions") {
		t.Fatalf("status bar does not count the skipped files:\n%s", got)
	}
	press(app, "R")
	got = plain(content(app))
	for _, want := range []string{"111122223333/eu-west-1", "SKIPPED (3)", "not valid gzip: unexpected EOF", "record 3: no eventTime", "a FIFO"} {
		if !strings.Contains(got, want) {
			t.Errorf("source panel lacks %q:\n%s", want, got)
		}
	}
}
