package tui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"lazytrail/fetch/memory"
	"lazytrail/model"
)

// The app knows its source only through model.Source: what it offers and
// says follows from what the source answers, never from which it is.
// These tests give it sources that differ only in those answers.

// A source the command line fixed a pushdown for (--lookup): the first
// query is the fixed plan's, the line says how it was fixed and offers no
// key to change it, and enter on another exact term opens nothing.
func TestAFixedPushdownIsSaidAsTheSourceWordsIt(t *testing.T) {
	evs := mixedEvents(30) // 10 RunInstances
	fixed, _ := model.LookupFilter("EventName=RunInstances")
	src := testSource(evs)
	src.Planner = func(model.Filter) model.Plan { return model.Plan{Key: "EventName=RunInstances", Loads: fixed} }
	src.Caps = model.Capabilities{Fixed: "--lookup EventName=RunInstances"}
	app := New(Config{Source: src, Location: time.UTC})
	app.Init()
	app.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	pump(t, app)
	if got := plansOf(src); len(got) != 1 || got[0] != "EventName=RunInstances" || app.tl.Len() != 10 {
		t.Fatalf("first query pushed %q and loaded %d, want the fixed plan's 10 events", got, app.tl.Len())
	}
	info := infoText(app)
	if !strings.Contains(info, "10 loaded by --lookup EventName=RunInstances") || strings.Contains(info, "queries") || strings.Contains(info, "complete") {
		t.Errorf("the info line over a fixed pushdown: %s", info)
	}
	press(app, "/")
	typeText(app, "user=adam")
	press(app, "enter")
	if got := plansOf(src); len(got) != 1 {
		t.Errorf("a source that does not plan opened queries for a filter: %q", got)
	}
	press(app, "/")
	for range len("user=adam") {
		press(app, "backspace")
	}
	typeText(app, "event=RunInstances")
	press(app, "enter")
	if info := infoText(app); !strings.Contains(info, "complete") {
		t.Errorf("the fixed plan's own filter, read to the end: %s", info)
	}
}

// What a source cannot do has no key: without Ranges T opens no menu, and
// without Follow F neither follows nor polls.
func TestKeysFollowCapabilities(t *testing.T) {
	src := testSource(mixedEvents(30))
	app := New(Config{Source: src, Location: time.UTC})
	app.Init()
	app.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	pump(t, app)
	press(app, "T")
	if strings.Contains(plain(content(app)), "TIME RANGE") {
		t.Errorf("T over a source without ranges opened the menu:\n%s", plain(content(app)))
	}
	if cmd := press(app, "F"); cmd != nil || strings.Contains(plain(content(app)), "following") {
		t.Errorf("F over a source that cannot follow started following")
	}
	if n := len(src.Requests()); n != 1 {
		t.Errorf("%d queries opened, want the first only", n)
	}

	src.Caps = model.Capabilities{Ranges: true, Follow: true}
	press(app, "T")
	if !strings.Contains(plain(content(app)), "TIME RANGE") {
		t.Errorf("T over a source with ranges opened no menu:\n%s", plain(content(app)))
	}
}

// Follow mode polls with what the query in force pushed down: a poll
// after /event=RunInstances enter asks the source for RunInstances only,
// as the loaded events are.
func TestFollowPollsThePlanInForce(t *testing.T) {
	evs := mixedEvents(30)
	newer := testEvent(1001, "adam", "RunInstances", "eu-west-1")
	newer.Time = testNow.Add(time.Minute)
	other := testEvent(1002, "adam", "StartInstances", "eu-west-1")
	other.Time = testNow.Add(2 * time.Minute)
	src := lookupSource(append([]model.Event{newer, other}, evs...))
	src.End, src.Now = testNow, testNow.Add(5*time.Minute)
	app := New(Config{Source: src, Location: time.UTC})
	app.Init()
	app.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	press(app, "/")
	typeText(app, "event=RunInstances")
	press(app, "enter")
	pump(t, app)
	cmd := press(app, "F")
	if cmd == nil {
		t.Fatal("F did not poll")
	}
	app.Update(cmd())
	reqs := src.Requests()
	last := reqs[len(reqs)-1]
	if last.After.IsZero() || last.Plan != "EventName=RunInstances" {
		t.Fatalf("the poll asked %+v, want everything after the newest loaded, pushed down as the query in force", last)
	}
	if app.tl.At(0).ID != newer.ID || app.tl.Contains(other.ID) {
		t.Errorf("the poll added %s at the top; want the newer RunInstances only", app.tl.At(0).ID)
	}
}

// A source with originals (rows that hold a rebuilt record): the JSON
// pane reads the selected row's original back and says where it is from;
// one that fails says so and shows the rebuilt record. A source without
// them shows the record it delivered, with no note.
func TestOriginalsAreReadBackThroughTheOptionalInterface(t *testing.T) {
	evs := mixedEvents(3)
	for i := range evs {
		evs[i].Origin = "s3://trail/AWSLogs/file-" + evs[i].ID + ".json.gz"
	}
	read := 0
	src := memory.WithOriginals(testSource(evs), func(_ context.Context, e *model.Event) (string, error) {
		read++
		if e.ID == evs[1].ID {
			return "", errors.New("access denied")
		}
		return `{"eventID":"` + e.ID + `","original":true}`, nil
	})
	app := New(Config{Source: src, Location: time.UTC})
	app.Init()
	app.Update(tea.WindowSizeMsg{Width: 160, Height: 40})
	// The update that selects a row starts reading its original: here the
	// stream's only batch, which ends it.
	_, cmd := app.Update(batchMsg{gen: app.gen, batch: model.Batch{Events: evs}, ok: false})
	if got := plain(content(app)); !strings.Contains(got, "reading the original") {
		t.Fatalf("the JSON pane does not say it reads the original:\n%s", got)
	}
	runCmds(app, cmd)
	if got := plain(content(app)); !strings.Contains(got, `"original": true`) || !strings.Contains(got, "as in s3://trail/AWSLogs/file-"+evs[0].ID) {
		t.Errorf("the original is not shown with where it is from:\n%s", got)
	}
	runCmds(app, press(app, "j"))
	// The pane's title says it, cut to the pane's width; the note is whole.
	raw, note := app.recordOf(app.list.Selected())
	if got := plain(content(app)); !strings.Contains(got, "rebuilt from the query's columns; the original could") ||
		note != "rebuilt from the query's columns; the original could not be read: access denied" || raw != evs[1].Raw {
		t.Errorf("a failed read is not said (note %q):\n%s", note, got)
	}
	runCmds(app, press(app, "k"))
	if read != 2 {
		t.Errorf("%d reads for two rows: a record read back is read again", read)
	}

	plainApp := New(Config{Source: testSource(evs), Location: time.UTC})
	plainApp.Init()
	plainApp.Update(tea.WindowSizeMsg{Width: 160, Height: 40})
	_, cmd = plainApp.Update(batchMsg{gen: plainApp.gen, batch: model.Batch{Events: evs}, ok: false})
	if got := plain(content(plainApp)); strings.Contains(got, "original") || cmd != nil {
		t.Errorf("a source without originals offers them:\n%s", got)
	}
}

// runCmds runs cmd as the program would and hands the app what it
// returns, batches included, until nothing is left.
func runCmds(a *App, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			runCmds(a, c)
		}
	default:
		_, next := a.Update(msg)
		runCmds(a, next)
	}
}

// At 80 columns a source's own state line leaves out the source's name it
// starts with, whichever source it is; the partitions are "regions" only
// when each is one region of one account.
func TestStatusWordsComeFromTheProgress(t *testing.T) {
	for _, c := range []struct{ status, source, want string }{
		{"sql RUNNING · 1.2 GB scanned · $0.01", "sql", "RUNNING 1.2 GB $0.01"},
		{"logs SCANNING · 3 groups", "logs", "SCANNING 3 groups"},
		{"RUNNING · 1 GB scanned", "sql", "RUNNING 1 GB"},
	} {
		if got := compactStatus(c.status, c.source); got != c.want {
			t.Errorf("compactStatus(%q, %q) = %q, want %q", c.status, c.source, got, c.want)
		}
	}
	regions := []model.RegionProgress{{Region: "eu-west-1"}, {Source: "lookup", Region: "us-east-1"}}
	if w := summarize(regions).word; w != "regions" {
		t.Errorf("one account's regions are called %q", w)
	}
	for _, other := range []model.RegionProgress{{Source: "lookup", Account: "prod", Region: "eu-west-1"},
		{Source: "files", Region: "(not log files)"}, {Source: "sql", Region: "query"}} {
		if w := summarize(append(regions, other)).word; w != "partitions" {
			t.Errorf("with %+v the partitions are called %q", other, w)
		}
	}
}
