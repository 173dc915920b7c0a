package tui

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"lazytrail/model"
)

// searchEvents are n events whose records name instances, more than the
// timeline tests in place for a raw: term (a few thousand).
func searchEvents(n int) []model.Event {
	rng := rand.New(rand.NewPCG(18, 4))
	evs := make([]model.Event, n)
	for i := range evs {
		id := fmt.Sprintf("i-0%07x", rng.IntN(1<<28))
		evs[i] = model.Event{ID: fmt.Sprintf("ev-%06d", i), Time: testNow.Add(-time.Duration(i) * time.Second),
			Name: "StopInstances", Source: "ec2.amazonaws.com", Region: "eu-west-1", Username: "alice",
			Resources: []model.Resource{{Type: "AWS::EC2::Instance", Name: id}},
			Raw:       fmt.Sprintf(`{"eventID":"ev-%06d","eventName":"StopInstances","requestParameters":{"instancesSet":{"items":[{"instanceId":"%s"}]}}}`, i, strings.ToUpper(id[:3])+id[3:])}
	}
	return evs
}

// wantRaw is the loaded indexes whose record holds needle, ignoring case:
// the definition of raw: for an ASCII term without upper case.
func wantRaw(evs []model.Event, needle string) []int {
	var want []int
	for i := range evs {
		if strings.Contains(strings.ToLower(evs[i].Raw), needle) {
			want = append(want, i)
		}
	}
	return want
}

func shown(a *App) []int {
	got := make([]int, a.tl.Matches())
	for i := range got {
		got[i] = a.tl.MatchIndex(i)
	}
	return got
}

// commands runs cmd and every command it batches, each in a goroutine (a
// cursor blink among them sleeps), and sends their messages on out.
func commands(cmd tea.Cmd, out chan<- tea.Msg) {
	if cmd == nil {
		return
	}
	go func() {
		switch msg := cmd().(type) {
		case nil:
		case tea.BatchMsg:
			for _, c := range msg {
				commands(c, out)
			}
		default:
			out <- msg
		}
	}()
}

// searchStep waits for the next message of a search among what cmd runs,
// dropping the rest (cursor blinks).
func searchStep(t *testing.T, msgs <-chan tea.Msg) rawMatchesMsg {
	t.Helper()
	timeout := time.After(30 * time.Second) // a hang, not a speed limit
	for {
		select {
		case msg := <-msgs:
			if m, ok := msg.(rawMatchesMsg); ok {
				return m
			}
		case <-timeout:
			t.Fatal("no search result arrived")
		}
	}
}

// A raw: keystroke over many events returns at once with the list pending
// and a command; the command's steps fill the list newest first while the
// info line says how far the search has got, and at the end the list is
// exactly the records holding the term.
func TestRawSearchStreamsIntoTheList(t *testing.T) {
	evs := searchEvents(60_000)
	app, _ := newTestApp(t, 120, 30, evs)
	t.Cleanup(app.Close)
	press(app, "/")
	typeText(app, "raw:i-0d")
	_, cmd := app.Update(tea.KeyPressMsg{Code: 'b', Text: "b"})
	if app.tl.Pending() == nil || cmd == nil {
		t.Fatalf("the keystroke did not leave the search to a command (pending %v)", app.tl.Pending() != nil)
	}
	if app.tl.Matches() != 0 || !strings.Contains(screenWords(app), "searching records 0% (0 of 60,000)") {
		t.Fatalf("a pending search shows:\n%s", plain(content(app)))
	}
	msgs := make(chan tea.Msg, 16)
	commands(cmd, msgs)
	steps, midway := 0, ""
	for {
		m := searchStep(t, msgs)
		_, next := app.Update(m)
		steps++
		if !m.found.Done && midway == "" && app.tl.Matches() > 0 {
			midway = plain(content(app))
			if want := wantRaw(evs, "i-0db"); app.tl.MatchIndex(0) != want[0] {
				t.Errorf("the first match shown is event %d, want the newest, %d", app.tl.MatchIndex(0), want[0])
			}
		}
		if m.found.Done {
			break
		}
		commands(next, msgs)
	}
	t.Logf("%d steps; a screen midway:\n%s", steps, midway)
	if got, want := shown(app), wantRaw(evs, "i-0db"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("the list holds %d events, the records holding i-0db are %d", len(got), len(want))
	}
	if words := screenWords(app); strings.Contains(words, "searching") {
		t.Errorf("the search ended but the screen still says it searches: %s", words)
	}
}

// The next keystroke cancels the search in flight: its context ends, what
// it still delivers is dropped, and the list is the new term's; esc in the
// filter bar cancels the search too, and after enter esc stops it and the
// list keeps what was found.
func TestRawSearchCancelled(t *testing.T) {
	evs := searchEvents(60_000)
	app, _ := newTestApp(t, 120, 30, evs)
	t.Cleanup(app.Close)
	press(app, "/")
	typeText(app, "raw:i-0")
	_, first := app.Update(tea.KeyPressMsg{Code: 'd', Text: "d"})
	old, oldCtx := app.tl.Pending(), app.searchCtx
	msgs := make(chan tea.Msg, 16)
	commands(first, msgs) // the first search's first step runs
	_, second := app.Update(tea.KeyPressMsg{Code: 'b', Text: "b"})
	if app.tl.Pending() == old || app.tl.Pending() == nil {
		t.Fatal("the next keystroke did not replace the search")
	}
	if oldCtx.Err() == nil {
		t.Error("the replaced search's step was not cancelled")
	}
	stale := searchStep(t, msgs) // cancelled, or done just before
	if stale.search != old {
		t.Fatal("the first command delivered another search's result")
	}
	if _, cmd := app.Update(stale); cmd != nil || app.tl.Matches() != 0 {
		t.Errorf("a cancelled search's result was taken: %d matches shown", app.tl.Matches())
	}
	commands(second, msgs)
	for {
		m := searchStep(t, msgs)
		_, next := app.Update(m)
		if m.found.Done {
			break
		}
		commands(next, msgs)
	}
	if got, want := shown(app), wantRaw(evs, "i-0db"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("after a cancelled search the list holds %d events, want %d", len(got), len(want))
	}

	// esc in the bar clears the filter, and with it the search.
	press(app, "backspace")
	if app.tl.Pending() == nil {
		t.Fatal("no search for raw:i-0d")
	}
	press(app, "esc")
	if app.tl.Pending() != nil || app.search != nil || app.tl.Matches() != len(evs) {
		t.Errorf("esc left a search running (or the list filtered: %d)", app.tl.Matches())
	}

	// After enter, esc stops the search and says where.
	press(app, "/")
	typeText(app, "raw:i-0a")
	_, cmd := app.Update(keyPress("enter"))
	commands(cmd, msgs)
	press(app, "esc")
	if app.tl.Pending() != nil || app.search != nil {
		t.Fatal("esc did not stop the search")
	}
	if words := screenWords(app); !strings.Contains(words, "search stopped at 0% (0 of 60,000)") {
		t.Errorf("the stopped search is not said: %s", words)
	}
	press(app, "/")
	_, cmd = app.Update(keyPress("enter"))
	if app.tl.Pending() == nil || cmd == nil {
		t.Error("/ enter did not search again")
	}
}
