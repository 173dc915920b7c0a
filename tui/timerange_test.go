package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"lazytrail/fetch/memory"
	"lazytrail/model"
)

func TestParseRange(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 30, 0, 0, time.UTC)
	day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }
	for _, c := range []struct {
		text string
		want model.Range
		err  string
	}{
		{"7d", model.Range{Back: 7 * 24 * time.Hour}, ""},
		{" 36h ", model.Range{Back: 36 * time.Hour}, ""},
		{"2026-11-01", model.Range{Since: day(1)}, ""},
		{"2026-11-01 2026-11-03", model.Range{Since: day(1), Until: day(3)}, ""},
		{"2026-11-01 to 2026-11-03", model.Range{Since: day(1), Until: day(3)}, ""},
		{"2026-11-01..2026-11-03", model.Range{Since: day(1), Until: day(3)}, ""},
		{"2026-11-01T08:00 2026-11-01T09:30", model.Range{Since: day(1).Add(8 * time.Hour), Until: day(1).Add(9*time.Hour + 30*time.Minute)}, ""},
		{"3d 1d", model.Range{Since: now.Add(-72 * time.Hour), Until: now.Add(-24 * time.Hour)}, ""},
		{"", model.Range{}, "give FROM or FROM TO"},
		{"a b c", model.Range{}, "give FROM or FROM TO"},
		{"yesterday", model.Range{}, `"yesterday" is not a time`},
		{"-3d", model.Range{}, `"-3d" is not a time`},
		{"2026-11-03 2026-11-01", model.Range{}, "is not before"},
		{"\x1b[2J", model.Range{}, `"\x1b[2J" is not a time`},
	} {
		got, err := parseRange(c.text, now)
		if got != c.want || !strings.Contains(err, c.err) || (c.err == "") != (err == "") {
			t.Errorf("parseRange(%q) = %+v, %q; want %+v, %q", c.text, got, err, c.want, c.err)
		}
		if strings.ContainsRune(err, 0x1b) {
			t.Errorf("parseRange(%q): the error carries an escape: %q", c.text, err)
		}
	}
}

// T then 9 types a range: enter opens a query over it, a bad one is
// refused in place, q and esc typed there do not quit or close T.
func TestTypedTimeRange(t *testing.T) {
	src := &memory.Source{Account: "demo", Start: testNow.Add(-24 * time.Hour), End: testNow,
		Caps: model.Capabilities{Ranges: true, HistoryLimit: 90 * 24 * time.Hour, Beyond: "older events are elsewhere"}}
	// asked is the range of every query opened after the first.
	asked := func() []model.Range {
		var rs []model.Range
		for _, r := range src.Requests()[1:] {
			rs = append(rs, r.Range)
		}
		return rs
	}
	app := New(Config{Source: src, Location: time.UTC})
	app.Init()
	app.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	press(app, "T")
	for _, line := range strings.Split(plain(content(app)), "\n") {
		if strings.Contains(line, "a range you type") && !strings.HasSuffix(strings.TrimRight(line, " "), "UTC") {
			t.Fatalf("the typed range's line is cut at 80 columns: %q", line)
		}
	}
	press(app, "9")
	typeText(app, "quiet")
	if got := plain(content(app)); !strings.Contains(got, "range: quiet") || look(t, app).front() != "time range" {
		t.Fatalf("q typed into the range line acted as a key:\n%s", got)
	}
	press(app, "enter")
	if got, asked := plain(content(app)), asked(); len(asked) != 0 || !strings.Contains(got, `"quiet" is not a time`) {
		t.Fatalf("a bad range was not refused in place (asked %v):\n%s", asked, got)
	}
	for range len("quiet") {
		press(app, "backspace")
	}
	typeText(app, "2026-11-01 2026-11-03")
	press(app, "enter")
	want := model.Range{Since: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)}
	if asked := asked(); len(asked) != 1 || asked[0] != want || look(t, app).front() != "" {
		t.Fatalf("asked %v, %q in front; want one query over %+v", asked, look(t, app).front(), want)
	}
	if got := plain(content(app)); !strings.Contains(got, "2026-11-01 00:00 → 2026-11-03 00:00") {
		t.Fatalf("the status bar does not show the typed range:\n%s", got)
	}
	// r keeps the typed range; a range past 90 days says what the source keeps.
	press(app, "T", "9")
	typeText(app, "2025-01-01 2025-02-01")
	press(app, "enter")
	if got := plain(content(app)); !strings.Contains(got, "the source keeps 90 days of events: nothing before") || !strings.Contains(got, "(older events are elsewhere)") {
		t.Fatalf("a range past 90 days says nothing:\n%s", got)
	}
	press(app, "T", "9")
	if s := look(t, app); !strings.Contains(s.text(), "range: ") || !strings.Contains(s.footer(), "open the range") {
		t.Fatalf("9 should open the range line, its keys in the footer:\n%s", s.text())
	}
	press(app, "esc")
	if s := look(t, app); s.front() != "time range" || strings.Contains(s.text(), "range: ") || !strings.Contains(s.footer(), "T/esc close") {
		t.Fatalf("esc on the range line should go back to the menu:\n%s", s.text())
	}
	press(app, "esc")
	if look(t, app).front() != "" {
		t.Fatalf("esc over the menu should close it")
	}
}

// T then 9 opens an empty range line: nothing in it but what is typed (no
// ghost character from a placeholder cut to the input's width), and the
// range opened shows at 80 columns even when the status bar is full.
func TestTypedRangeHasNoGhostAndShowsAt80(t *testing.T) {
	src := &memory.Source{Account: "123456789012", Start: testNow.Add(-24 * time.Hour), End: testNow,
		Partitions: make([]model.RegionProgress, 16), Caps: model.Capabilities{Ranges: true},
		Describe: func(r model.Request) string {
			if r.Range.IsZero() {
				return ""
			}
			return "pushed down EventName=RunInstances"
		}}
	app := New(Config{Source: src, Location: time.UTC})
	app.Init()
	app.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	press(app, "T", "9")
	var rangeLine string
	for _, line := range strings.Split(plain(content(app)), "\n") {
		if strings.Contains(line, "range:") {
			rangeLine = line
		}
	}
	if got := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rangeLine), "range:")); got != "" {
		t.Fatalf("the empty range line holds %q: %q", got, rangeLine)
	}
	typeText(app, "2026-11-01 2026-11-03")
	press(app, "enter")
	feed(app, mixedEvents(60), true)
	screen := plain(content(app))
	for _, want := range []string{"2026-11-01 00:00 → 2026-11-03 00:00", "pushed down EventName=RunInstances", "back to 11-23 11:01"} {
		if !strings.Contains(screen, want) {
			t.Errorf("%q is not on the 80-column screen:\n%s", want, screen)
		}
	}
}
