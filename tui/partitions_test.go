package tui

import (
	"strings"
	"testing"
	"time"

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
	deliver(app, model.Batch{Progress: progress}, true)
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

// The R panel at 80×24: 16 regions take a line each (no row for an empty
// last error), all on screen; a region's error is read whole.
func TestSixteenRegionsFitTheSourcePanelAt80x24(t *testing.T) {
	app, _ := newTestApp(t, 80, 24, mixedEvents(30))
	regions := []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-west-1", "eu-west-2", "eu-west-3",
		"eu-central-1", "eu-north-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-southeast-2", "sa-east-1"}
	var progress []model.RegionProgress
	for i, r := range regions {
		progress = append(progress, model.RegionProgress{Region: r, State: model.RegionPaging, Pages: i, Events: 50 * i, Oldest: testNow.Add(-time.Hour)})
	}
	deliver(app, model.Batch{Progress: progress}, true)
	press(app, "R")
	body := strings.Split(bodyText(app), "\n")
	rowOf := map[string]int{}
	for i, l := range body {
		for _, r := range regions {
			if strings.HasPrefix(l, r+" ") {
				rowOf[r] = i
			}
		}
	}
	if len(rowOf) != len(regions) {
		t.Fatalf("%d of the 16 regions on screen:\n%s", len(rowOf), strings.Join(body, "\n"))
	}
	for i := 1; i < len(regions); i++ {
		if rowOf[regions[i]] != rowOf[regions[i-1]]+1 {
			t.Fatalf("%s is not on the line after %s:\n%s", regions[i], regions[i-1], strings.Join(body, "\n"))
		}
	}
	errText := "AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/ReadOnly/adam is not authorized to perform: cloudtrail:LookupEvents"
	progress[3].State, progress[3].Err = model.RegionFailed, errText
	deliver(app, model.Batch{Progress: progress}, true)
	joined := strings.Join(strings.Fields(bodyText(app)), " ")
	if !strings.Contains(joined, errText) {
		t.Errorf("the error is not whole on screen:\n%s", bodyText(app))
	}
}
