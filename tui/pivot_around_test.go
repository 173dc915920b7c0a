package tui

import (
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"lazytrail/model"
)

// p's "everything within ±15 minutes" over an event deep in a pushed-down
// filter's list: a fresh query over [t-15m, t+15m] with no filter and no
// plan (every region and account of the source), through T's machinery
// (T marks the range as the one in force); the list shows exactly the
// events of that window, by the test's own count, and lands on the event;
// backspace opens the query it left again (following, if it was) and
// lands on the event there.
func TestPivotAroundTheEvent(t *testing.T) {
	evs, _ := dimEvents(t, 600)
	src := lookupSource(evs)
	app := New(Config{Source: src, Location: time.UTC})
	app.Init()
	app.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	pump(t, app)
	press(app, "/")
	typeText(app, "user=adam")
	press(app, "enter")
	pump(t, app)
	if got := plansOf(src); got[len(got)-1] != "Username=adam" {
		t.Fatalf("user=adam was not pushed down: %v", got)
	}
	for range 100 { // adam's events are every third minute: to minute 300
		press(app, "j")
		pump(t, app)
	}
	from := look(t, app).selectedEvent()
	if from != 300 {
		t.Fatalf("100 j over adam's events selected minute %d", from)
	}
	at := testNow.Add(-300 * time.Minute)

	press(app, "F") // follow mode: off in the pivot's past range, on again after
	press(app, "p")
	menu := plain(content(app))
	pick := regexp.MustCompile(`(\d)  everything within ±15 minutes of this event, every region and account`).FindStringSubmatch(menu)
	if pick == nil {
		t.Fatalf("the pivot menu offers no time pivot:\n%s", menu)
	}
	press(app, pick[1])
	pump(t, app)
	reqs := src.Requests()
	last := reqs[len(reqs)-1]
	if want := (model.Range{Since: at.Add(-15 * time.Minute), Until: at.Add(15 * time.Minute)}); last.Range != want || last.Plan != "" {
		t.Fatalf("the time pivot asked %+v, want the range %+v and no plan", last, want)
	}
	// The test's own count: every event within the window, whatever its
	// user, region or account.
	want, regions, accounts := 0, map[string]bool{}, map[string]bool{}
	for _, e := range evs {
		if d := e.Time.Sub(at); d >= -15*time.Minute && d <= 15*time.Minute {
			want++
			regions[e.Region], accounts[e.Account] = true, true
		}
	}
	if len(regions) < 3 || len(accounts) < 2 {
		t.Fatalf("the window holds too few regions %v or accounts %v to tell", regions, accounts)
	}
	s := look(t, app)
	if app.follow.on {
		t.Error("follow mode stayed on in a range that ended in the past")
	}
	if app.tl.Len() != want || app.tl.Matches() != want || app.filter().String() != "" {
		t.Errorf("the window loaded %d events, %d matching %q; want %d, every one:\n%s", app.tl.Len(), app.tl.Matches(), app.filter(), want, s.text())
	}
	for i := range app.tl.Len() {
		e := app.tl.At(i)
		regions[e.Region], accounts[e.Account] = false, false
	}
	for k, missed := range regions {
		if missed {
			t.Errorf("no event of region %s in the window", k)
		}
	}
	for k, missed := range accounts {
		if missed {
			t.Errorf("no event of account %s in the window", k)
		}
	}
	if got := s.selectedEvent(); got != 300 {
		t.Errorf("the time pivot landed on minute %d, not the event's:\n%s", got, s.text())
	}
	press(app, "T")
	if got := plain(content(app)); !regexp.MustCompile(`• 9  a range you type`).MatchString(got) {
		t.Errorf("T does not show the pivot's range in force:\n%s", got)
	}
	press(app, "esc")

	// backspace: the query it left, opened again, landing on the event.
	press(app, "backspace")
	pump(t, app)
	reqs = src.Requests()
	last = reqs[len(reqs)-1]
	if !last.Range.IsZero() || last.Plan != "Username=adam" {
		t.Fatalf("backspace asked %+v, want the command line's range and Username=adam", last)
	}
	s = look(t, app)
	if !app.follow.on {
		t.Error("backspace did not follow again")
	}
	if got := s.selectedEvent(); got != 300 || !strings.Contains(s.info(), "filter user=adam ") {
		t.Errorf("backspace should return to user=adam at minute 300, at %d:\n%s", got, s.text())
	}
	// The landing is done: a fresh query (r) starts at the top.
	press(app, "r", "r")
	pump(t, app)
	if got := look(t, app).selectedEvent(); got != 0 {
		t.Errorf("after r the list starts at minute %d, not the newest", got)
	}
}

// A source that cannot open a range offers no time pivot: it would be a
// filter that finds nothing more.
func TestNoTimePivotWithoutRanges(t *testing.T) {
	evs, _ := dimEvents(t, 30)
	app, _ := newTestApp(t, 120, 30, evs) // testSource: no Ranges
	press(app, "p")
	if got := plain(content(app)); !strings.Contains(got, "PIVOT") || strings.Contains(got, "±15 minutes") {
		t.Errorf("a source without ranges offers the time pivot:\n%s", got)
	}
}
