package tui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"lazytrail/model"
)

// seen is the screen as a user reads it: the lines of View, plain, and as
// a terminal without colour gets them (reverse and underline kept), so
// tests can tell the selected row and the focused pane as a user does.
type seen struct {
	plain, attrs []string
	top, body    int // the body's first line and how many lines it has
}

// look renders the app's View. The body's bounds come from the layout (the
// status bar and the info line grow with what they say).
func look(t testing.TB, a *App) seen {
	t.Helper()
	c := content(a)
	s := seen{plain: strings.Split(plain(c), "\n"), attrs: strings.Split(asciiScreen(t, c), "\n"), top: a.lay.top, body: a.lay.body}
	if len(s.plain) != a.lay.height {
		t.Fatalf("the screen has %d lines, the terminal %d", len(s.plain), a.lay.height)
	}
	return s
}

// text is the whole screen, plain.
func (s seen) text() string { return strings.Join(s.plain, "\n") }

// bodyLines are the lines between the status bar and the info line.
func (s seen) bodyLines() []string { return s.plain[s.top : s.top+s.body] }

// footer is the last line: the keys of the view in front.
func (s seen) footer() string { return s.plain[len(s.plain)-1] }

// info is the info line(s) above the footer.
func (s seen) info() string {
	return strings.Join(s.plain[s.top+s.body:len(s.plain)-1], "\n")
}

// title is the first line of the body, trimmed: the list's header or an
// overlay's title.
func (s seen) title() string { return strings.TrimSpace(s.plain[s.top]) }

// front names the overlay in front by the close key its footer shows ("?/esc
// close" is the help), or "" when the panes are.
func (s seen) front() string {
	f := s.footer()
	for _, v := range []struct{ name, key string }{
		{"help", "?/esc close"}, {"sources", "R/esc close"}, {"summary", "s/esc close"},
		{"pivot", "p/esc close"}, {"time range", "T/esc close"}, {"time range", "open the range"},
	} {
		if strings.Contains(f, v.key) {
			return v.name
		}
	}
	return ""
}

var sgrRE = regexp.MustCompile("\x1b\\[([0-9;]*)m")

// spans are the texts of line drawn with SGR attribute attr switched on
// ("7" reverse, "4" underline).
func spans(line, attr string) []string {
	var out []string
	on, at := false, 0
	for _, m := range sgrRE.FindAllStringSubmatchIndex(line, -1) {
		if on && m[0] > at {
			out = append(out, line[at:m[0]])
		}
		params := line[m[2]:m[3]]
		for _, p := range strings.Split(params, ";") {
			switch p {
			case attr:
				on = true
			case "", "0", "2" + attr:
				on = false
			}
		}
		at = m[1]
	}
	if on && at < len(line) {
		out = append(out, line[at:])
	}
	return out
}

// selected is the body's row drawn in reverse video (the list's or the
// summary's cursor), plain; "" when none is.
func (s seen) selected() string {
	if i := s.selectedLine(); i >= 0 {
		return s.plain[i]
	}
	return ""
}

// selectedLine is the screen line of the selected row, or -1.
func (s seen) selectedLine() int {
	for i := s.top; i < s.top+s.body; i++ {
		if len(spans(s.attrs[i], "7")) > 0 {
			return i
		}
	}
	return -1
}

// focusedPane names the pane whose title is underlined: "list", "detail"
// or "json" (only one is ever focused).
func (s seen) focusedPane() string {
	var names []string
	for i := s.top; i < s.top+s.body; i++ {
		for _, sp := range spans(s.attrs[i], "4") {
			switch sp = strings.TrimSpace(sp); {
			case strings.HasPrefix(sp, "TIME ("):
				names = append(names, "list")
			case strings.HasPrefix(sp, "DETAIL"):
				names = append(names, "detail")
			case strings.HasPrefix(sp, "JSON"):
				names = append(names, "json")
			}
		}
	}
	return strings.Join(names, ",")
}

// selectedEvent is the index i of testEvent(i, …) in the selected row,
// read from its time (testEvent's are a minute apart from testNow), or -1
// when no row is selected.
func (s seen) selectedEvent() int {
	row := s.selected()
	m := regexp.MustCompile(`\d\d-\d\d \d\d:\d\d:\d\d`).FindString(row)
	if m == "" {
		return -1
	}
	at, err := time.ParseInLocation("2006-01-02 15:04:05", testNow.UTC().Format("2006-")+m, time.UTC)
	if err != nil {
		return -1
	}
	return int(testNow.Sub(at) / time.Minute)
}

// appWith is newTestApp with more of the Config (ExportDir, Location):
// the app a user starts with those settings, over the test source.
func appWith(t testing.TB, cfg Config, w, h int, evs []model.Event) *App {
	t.Helper()
	src := testSource(nil)
	cfg.Source = src
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	app := New(cfg)
	app.Init()
	app.Update(tea.WindowSizeMsg{Width: w, Height: h})
	feed(app, evs, true)
	return app
}

// deliver hands the app a batch of the stream in force, as its Next would
// (more: the stream goes on).
func deliver(a *App, b model.Batch, more bool) {
	a.Update(batchMsg{gen: a.gen, batch: b, ok: more})
}

// Every overlay shows its own keys in the footer, closing included, and
// none writes keys into its title; esc closes each and the list's keys
// come back.
func TestOverlaysShowTheirKeysInTheFooter(t *testing.T) {
	app, _ := newTestApp(t, 80, 24, mixedEvents(30))
	list := look(t, app).footer()
	if !strings.Contains(list, "/ filter") || !strings.Contains(list, "q quit") {
		t.Fatalf("the list's footer lacks its keys: %q", list)
	}
	for _, v := range []struct{ key, name, title string }{
		{"?", "help", ""}, {"R", "sources", "SOURCES"}, {"s", "summary", "SUMMARY by user"}, {"p", "pivot", "PIVOT"},
	} {
		press(app, v.key)
		s := look(t, app)
		if s.front() != v.name || !strings.Contains(s.footer(), v.key+"/esc close") {
			t.Errorf("%s: %q in front, footer %q", v.key, s.front(), s.footer())
		}
		if !strings.HasPrefix(s.title(), v.title) || strings.Contains(s.title(), "esc") {
			t.Errorf("%s: title %q names keys", v.key, s.title())
		}
		press(app, "esc")
		if s := look(t, app); s.front() != "" || s.footer() != list {
			t.Errorf("esc over %s: %q in front, footer %q", v.key, s.front(), s.footer())
		}
	}
}

// The sources' footer offers y only when a source runs a query to copy.
func TestSourcesFooterOffersCopyOnlyForAQuery(t *testing.T) {
	app, _ := newTestApp(t, 100, 30, mixedEvents(3))
	press(app, "R")
	if f := look(t, app).footer(); strings.Contains(f, "copy the query") {
		t.Errorf("no source runs a query, yet the footer offers to copy one: %q", f)
	}
	deliver(app, model.Batch{Progress: []model.RegionProgress{
		{Source: "athena", Region: "query", State: model.RegionPaging, Detail: "SELECT eventname FROM t"}}}, true)
	if f := look(t, app).footer(); !strings.Contains(f, "y copy the query") {
		t.Errorf("a query runs, and the footer does not offer y: %q", f)
	}
	if msg := press(app, "y")(); fmt.Sprint(msg) != "SELECT eventname FROM t" {
		t.Errorf("y copied %q", fmt.Sprint(msg))
	}
}
