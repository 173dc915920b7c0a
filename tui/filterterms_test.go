package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// lookupApp is an app over a source that pushes down what LookupEvents
// would; asked is what each fresh query pushed down.
func lookupApp() (app *App, asked func() []string) {
	src := lookupSource(nil)
	src.Start = testNow.Add(-time.Hour)
	app = New(Config{Source: src, Location: time.UTC})
	app.Init()
	return app, func() []string { pushed, _ := plansAsked(src); return pushed }
}

// The filter bar takes LookupEvents' attribute names (the spelling
// --lookup uses) as the exact terms they are, and any other word with "="
// is an unknown key, never a user-name prefix that scans 90 days.
func TestFilterBarTakesAttributeNames(t *testing.T) {
	app, asked := lookupApp()
	app.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	press(app, "/")
	typeText(app, "EventName=RunInstances")
	press(app, "enter")
	if asked := asked(); len(asked) != 1 || asked[0] != "EventName=RunInstances" {
		t.Fatalf("enter on EventName=RunInstances asked %v, want it pushed down", asked)
	}
	if got := plain(content(app)); !strings.Contains(got, "pushed down EventName=RunInstances") {
		t.Errorf("the status bar does not say what was pushed down:\n%s", got)
	}

	press(app, "/")
	for range len("EventName=RunInstances") {
		press(app, "backspace")
	}
	typeText(app, "Colour=blue")
	if got := plain(content(app)); !strings.Contains(got, "unknown key Colour") {
		t.Errorf("Colour=blue is not an unknown key on the info line:\n%s", got)
	}
	press(app, "enter")
	if asked := asked(); len(asked) != 1 {
		t.Errorf("an unknown key started a query: %v", asked)
	}
}

// A prefix term whose value is a whole event name means a scan of the
// range; enter says so on the info line and offers the exact form.
func TestFilterBarOffersTheExactForm(t *testing.T) {
	app, _ := lookupApp()
	app.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	press(app, "/")
	typeText(app, "event:RebootInstances")
	press(app, "enter")
	want := "event:RebootInstances scans the whole range; event=RebootInstances asks the API"
	if got := plain(content(app)); !strings.Contains(got, want) {
		t.Errorf("the info line does not offer the exact form %q:\n%s", want, got)
	}
	press(app, "/")
	for range len("event:RebootInstances") {
		press(app, "backspace")
	}
	typeText(app, "event:Reboot")
	press(app, "enter")
	if got := plain(content(app)); strings.Contains(got, "asks the API") {
		t.Errorf("a prefix that is no whole name got the hint:\n%s", got)
	}
}
