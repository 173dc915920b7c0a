package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"lazytrail/fetch/memory"
	"lazytrail/model"
)

// pushdownApp is an app over a source that pushes down what LookupEvents
// would: the plain query releases every event, a pushed attribute only
// the events whose field equals the value. asked lists what each query
// pushed down ("" for nothing).
func pushdownApp(t *testing.T, evs []model.Event) (*App, func() []string) {
	t.Helper()
	src := lookupSource(evs)
	app := New(Config{Source: src, Location: time.UTC, ExportDir: t.TempDir()})
	app.Init()
	app.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	pump(t, app)
	return app, func() []string { return plansOf(src) }
}

// pump hands the app what its stream releases until the stream ends or
// waits for demand, as the program's commands would.
func pump(t *testing.T, a *App) {
	t.Helper()
	for range 1000 {
		src := a.src.(*memory.Stream)
		if src.Idle() {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a guard against a hang, not a timing assertion
		b, ok := src.Next(ctx)
		cancel()
		a.Update(batchMsg{gen: a.gen, batch: b, ok: ok})
		if !ok {
			return
		}
	}
	t.Fatal("the stream never ended")
}

// infoText is the info line with what may have wrapped around it (the
// three lines above the footer), as one line of single spaces.
func infoText(a *App) string {
	lines := strings.Split(plain(content(a)), "\n")
	return strings.Join(strings.Fields(strings.Join(lines[len(lines)-4:len(lines)-1], " ")), " ")
}

// summaryAndExport opens the summary and reads its title, closes it, and
// exports, returning the title and the export's line.
func summaryAndExport(t *testing.T, a *App) (summary, export string) {
	t.Helper()
	press(a, "s")
	lines := strings.Split(plain(content(a)), "\n")
	var title []string
	for _, l := range lines[1:] {
		if strings.HasPrefix(strings.TrimSpace(l), "#") {
			break
		}
		title = append(title, strings.TrimSpace(l))
	}
	summary = strings.Join(title, " ")
	press(a, "esc")
	cmd := press(a, "e")
	a.Update(cmd())
	return summary, infoText(a)
}

// The first reproduction: /event=RunInstances enter pushes the
// term down, so only RunInstances events are loaded; / then esc clears the
// filter over them. That is not every event: the info line, the summary
// and the export must not say complete, and must say what loaded them.
func TestClearedPushedFilterIsNotComplete(t *testing.T) {
	evs := mixedEvents(60) // 20 RunInstances
	app, asked := pushdownApp(t, evs)
	press(app, "/")
	typeText(app, "event=RunInstances")
	press(app, "enter")
	pump(t, app)
	if got := asked(); len(got) != 2 || got[1] != "EventName=RunInstances" {
		t.Fatalf("queries %q", got)
	}
	if info := infoText(app); !strings.Contains(info, "complete") {
		t.Fatalf("the pushed filter itself is covered, yet: %s", info)
	}
	if strings.Contains(plain(content(app)), "back to") {
		t.Errorf("a query complete over its range shows 'back to':\n%s", plain(content(app)))
	}
	sum, exp := summaryAndExport(t, app)
	if !strings.Contains(sum, "20 matches, complete") || !strings.Contains(exp, "wrote 20 events (every match)") {
		t.Errorf("covered: summary %q, export %q", sum, exp)
	}

	press(app, "/", "esc")
	info := infoText(app)
	if strings.Contains(info, "complete") {
		t.Errorf("no filter over the RunInstances events only, yet: %s", info)
	}
	if !strings.Contains(info, "20 loaded by EventName=RunInstances — r queries everything") {
		t.Errorf("the info line does not say what loaded the events: %s", info)
	}
	sum, exp = summaryAndExport(t, app)
	if strings.Contains(sum, "complete") || !strings.Contains(sum, "≥ 20: the matches loaded so far (20 loaded by EventName=RunInstances") {
		t.Errorf("summary: %q", sum)
	}
	if strings.Contains(exp, "every match") || !strings.Contains(exp, "wrote 20 events (the matches loaded so far; 20 loaded by EventName=RunInstances") {
		t.Errorf("export: %q", exp)
	}
	// r, as the line says, queries everything (a second r: it discards
	// more than a screen); L reads it to the end.
	press(app, "r", "r")
	pump(t, app)
	press(app, "L")
	pump(t, app)
	if got := asked(); got[len(got)-1] != "" || !strings.Contains(infoText(app), count(len(evs))+" events loaded") {
		t.Fatalf("r asked %q and loaded: %s", got, infoText(app))
	}
	if info := infoText(app); !strings.Contains(info, "complete") {
		t.Errorf("every event loaded, yet: %s", info)
	}
}

// The second: /skeddly- enter, p 1 (everything by that user: pushed down
// as Username=), backspace back to skeddly-: only that user's events are
// loaded, not every skeddly- session's.
func TestBackFromAPushedPivotIsNotComplete(t *testing.T) {
	evs := mixedEvents(60)
	for i := range evs {
		if evs[i].Username == "skeddly-a1b2" && i%2 == 0 {
			evs[i].Username = "skeddly-c3d4" // two skeddly- sessions
		}
	}
	app, asked := pushdownApp(t, evs)
	press(app, "/")
	typeText(app, "skeddly-")
	press(app, "enter")
	pump(t, app)
	i := look(t, app).selectedEvent()
	if i < 0 {
		t.Fatal("no event selected")
	}
	user := evs[i].Username
	press(app, "p", "1")
	pump(t, app)
	if got := asked()[len(asked())-1]; got != "Username="+user {
		t.Fatalf("the pivot asked %q", got)
	}
	press(app, "backspace")
	info := infoText(app)
	if !strings.HasPrefix(info, "filter skeddly- ") {
		t.Fatalf("backspace should return to skeddly-: %s", info)
	}
	loaded := 0 // the query pushed the user down: it loaded that user's events
	for _, e := range evs {
		if e.Username == user {
			loaded++
		}
	}
	if strings.Contains(info, "complete") || !strings.Contains(info, count(loaded)+" loaded by Username="+user+" — r queries this filter") {
		t.Errorf("info line after backspace: %s", info)
	}
	sum, exp := summaryAndExport(t, app)
	if strings.Contains(sum, "complete") || !strings.Contains(sum, "the matches loaded so far") {
		t.Errorf("summary: %q", sum)
	}
	if strings.Contains(exp, "every match") || !strings.Contains(exp, "the matches loaded so far") {
		t.Errorf("export: %q", exp)
	}
}

// The third: typing over a pushed result (/maria) is a wider filter: the
// line says what loaded the events and that enter queries the filter, and
// enter does.
func TestTypingOverAPushedResultIsNotComplete(t *testing.T) {
	evs := mixedEvents(60)
	evs[5].Username = "maria"
	app, asked := pushdownApp(t, evs)
	press(app, "/")
	typeText(app, "event=RunInstances")
	press(app, "enter")
	pump(t, app)
	press(app, "/")
	for range len("event=RunInstances") {
		press(app, "backspace")
	}
	typeText(app, "maria")
	info := infoText(app)
	if strings.Contains(info, "complete") || !strings.Contains(info, "20 loaded by EventName=RunInstances — enter queries this filter") {
		t.Errorf("typing over a pushed result: %s", info)
	}
	press(app, "enter")
	pump(t, app)
	if got := asked()[len(asked())-1]; got != "" || !strings.Contains(infoText(app), " 1 of "+count(len(evs))+" loaded match") {
		t.Fatalf("enter asked %q and found: %s", got, infoText(app))
	}
	if info := infoText(app); !strings.Contains(info, "complete") || strings.Contains(info, "loaded by") {
		t.Errorf("after the query for the filter: %s", info)
	}
	sum, exp := summaryAndExport(t, app)
	if !strings.Contains(sum, "1 matches, complete") || !strings.Contains(exp, "wrote 1 events (every match)") {
		t.Errorf("summary %q, export %q", sum, exp)
	}
}

// Two exports in the same second never overwrite each other, nor a file
// already there: the second is named -2, the third -3, each whole.
func TestExportsInTheSameSecondKeepEachFile(t *testing.T) {
	exportClock = func() time.Time { return testNow }
	defer func() { exportClock = time.Now }()
	evs := mixedEvents(30)
	dir := t.TempDir()
	app := appWith(t, Config{ExportDir: dir}, 80, 24, evs)
	first := filepath.Join(dir, "lazytrail-20261123-120000.jsonl")
	// Both commands exist before either runs, as when e is pressed twice
	// quickly; they then run at once, as tea runs commands.
	cmds := []tea.Cmd{press(app, "e"), press(app, "e"), press(app, "e")}
	msgs := make([]exportedMsg, len(cmds))
	var wg sync.WaitGroup
	for i, cmd := range cmds {
		wg.Go(func() { msgs[i] = cmd().(exportedMsg) })
	}
	wg.Wait()
	want := ""
	for i := range evs {
		want += string(model.RecordJSON(&evs[i])) + "\n"
	}
	names := map[string]bool{}
	for _, m := range msgs {
		if m.err != nil {
			t.Fatal(m.err)
		}
		names[filepath.Base(m.path)] = true
		if data, _ := os.ReadFile(m.path); string(data) != want {
			t.Errorf("%s holds %d bytes, want the %d of the 30 records", m.path, len(data), len(want))
		}
	}
	for _, n := range []string{"lazytrail-20261123-120000.jsonl", "lazytrail-20261123-120000-2.jsonl", "lazytrail-20261123-120000-3.jsonl"} {
		if !names[n] {
			t.Errorf("no export named %s among %v", n, names)
		}
	}
	app.Update(msgs[2])
	// A path longer than the line is split where it must, nowhere else.
	joined := ""
	for _, l := range strings.Split(look(t, app).info(), "\n") {
		joined += strings.TrimSpace(l)
	}
	if info := infoText(app); !strings.Contains(joined, msgs[2].path) || !strings.Contains(info, filepath.Base(msgs[2].path)) {
		t.Errorf("the info line does not name the file it wrote (%s): %s", msgs[2].path, info)
	}
	// A file of the user's under the next name is left alone.
	if err := os.Remove(first); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(first, []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	m := press(app, "E")().(exportedMsg)
	if data, _ := os.ReadFile(first); string(data) != "mine\n" || m.err != nil || filepath.Base(m.path) != "lazytrail-20261123-120000.csv" {
		t.Errorf("csv export went to %s (err %v); the user's file holds %q", m.path, m.err, data)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 4 {
		t.Errorf("%d files in the folder, want the 3 exports and the csv (no temporary left)", len(entries))
	}
}

// A source that takes the whole filter (Athena): the query in force ran
// for the filter typed then; clearing it over that query's rows is not
// every event. A query stopped by esc while running is not complete
// either, though its stream has ended.
func TestWholeFilterQueryCoverageAndAStoppedQuery(t *testing.T) {
	evs := mixedEvents(30)
	query := model.RegionProgress{Source: "sql", Region: "query", State: model.RegionPaging, Detail: "SELECT …"}
	src := &memory.Source{Events: evs, Account: "sql TABLE", Start: testNow.Add(-24 * time.Hour), End: testNow,
		Partitions: []model.RegionProgress{query},
		// The source's SQL selects what the filter does: the plan is the
		// whole filter.
		Planner: func(f model.Filter) model.Plan {
			return model.Plan{Key: strings.Join(strings.Fields(f.String()), " "), Loads: f}
		},
		Caps:     model.Capabilities{Plans: true, Ranges: true, NarrowsInPlace: true, WholeFilter: true},
		Describe: func(model.Request) string { return "SQL: every term (R)" }}
	app := New(Config{Source: src, Location: time.UTC, ExportDir: t.TempDir()})
	app.Init()
	app.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	deliver(app, model.Batch{Progress: []model.RegionProgress{query}}, true)
	press(app, "esc") // the query is running: esc stops it
	if info := infoText(app); strings.Contains(info, "complete") || !strings.Contains(info, "query stopped") {
		t.Fatalf("a stopped query: %s", info)
	}
	press(app, "j") // the flash gives way to the query's state: stopped, not complete
	if info := infoText(app); strings.Contains(info, "complete") || !strings.Contains(info, "query stopped (r runs it again)") {
		t.Fatalf("a stopped query, once the message is gone: %s", info)
	}
	if sum, _ := summaryAndExport(t, app); !strings.Contains(sum, "the query was stopped; r runs it again") {
		t.Errorf("summary of a stopped query: %q", sum)
	}
	press(app, "/")
	typeText(app, "adam")
	press(app, "enter")
	pump(t, app)
	if asked := plansOf(src); len(asked) != 2 || asked[0] != "" || asked[1] != "adam" { // the first query, for no filter, then adam's
		t.Fatalf("asked %q", asked)
	}
	if info := infoText(app); !strings.Contains(info, "complete") {
		t.Errorf("the query for the filter itself: %s", info)
	}
	press(app, "/", "esc")
	if info := infoText(app); strings.Contains(info, "complete") || !strings.Contains(info, "10 loaded by the query for adam — r queries everything") {
		t.Errorf("no filter over the query for adam: %s", info)
	}
}
