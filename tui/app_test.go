package tui

import (
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"lazytrail/fetch/memory"
	"lazytrail/model"
)

func TestFilterKeepsOnlyMatchingRows(t *testing.T) {
	app, _ := newTestApp(t, 80, 24, mixedEvents(30))
	if !strings.Contains(content(app), "adam") {
		t.Fatal("unfiltered list should show adam's rows")
	}
	press(app, "/")
	typeText(app, "skeddly-")
	got := content(app)
	if strings.Contains(got, "adam") || strings.Contains(got, "alice") {
		t.Errorf("filtered list still shows other users:\n%s", got)
	}
	if n := strings.Count(got, "skeddly-a1b2"); n < 10 {
		t.Errorf("want the 10 skeddly rows on screen, found %d:\n%s", n, got)
	}
	if !strings.Contains(got, "10 of 30 loaded match") {
		t.Errorf("status should count matches:\n%s", got)
	}
	press(app, "enter")
	if s := look(t, app); strings.Contains(s.footer(), "keep filter") || !strings.Contains(s.info(), " filter skeddly-") {
		t.Errorf("enter should leave the bar with the filter on:\n%s", s.text())
	}
}

func TestFilterKeepsCursorOnSameEventOrNearest(t *testing.T) {
	app, _ := newTestApp(t, 80, 24, mixedEvents(30))
	press(app, "j", "j", "j") // event 3: skeddly
	if got := look(t, app).selectedEvent(); got != 3 {
		t.Fatalf("three j select event 3, got %d", got)
	}
	press(app, "/")
	typeText(app, "skeddly")
	if got := look(t, app).selectedEvent(); got != 3 {
		t.Errorf("cursor moved off the selected event: got %d want 3", got)
	}
	press(app, "esc") // clears the filter
	typeText(app, "/adam")
	// event 3 is not adam's; the nearest older adam event is 4
	if got := look(t, app).selectedEvent(); got != 4 {
		t.Errorf("want the nearest adam event 4, got %d", got)
	}
}

func TestEscInFilterBarClearsFilter(t *testing.T) {
	app, _ := newTestApp(t, 80, 24, mixedEvents(30))
	press(app, "/")
	typeText(app, "adam")
	press(app, "esc")
	if s := look(t, app); strings.Contains(s.footer(), "keep filter") || strings.Contains(s.info(), "filter") || !strings.Contains(s.info(), "30 events loaded") {
		t.Errorf("esc should clear the filter:\n%s", s.text())
	}
	if !strings.Contains(content(app), "alice") {
		t.Error("all rows should be back")
	}
}

func TestKeysInFilterBarAreText(t *testing.T) {
	app, src := newTestApp(t, 80, 24, mixedEvents(30))
	press(app, "/")
	for _, k := range []string{"q", "j", "?", "R", "t", "r", "y", "G", "w"} {
		if cmd := press(app, k); isQuit(cmd) {
			t.Fatalf("%q quit from the filter bar", k)
		}
	}
	if s := look(t, app); !strings.Contains(s.info(), "/qj?RtryGw") {
		t.Errorf("typed keys should be text:\n%s", s.text())
	}
	press(app, "esc") // clears the filter: every row is back
	if s := look(t, app); s.front() != "" || !strings.Contains(s.title(), "TIME (UTC)") || s.selectedEvent() != 0 || src.Closed() {
		t.Errorf("a binding fired from the filter bar (an overlay %q, local time, a move, or r closed the stream: %v):\n%s", s.front(), src.Closed(), s.text())
	}
	if !isQuit(press(app, "ctrl+c")) {
		t.Error("ctrl+c should still quit")
	}
}

func TestEnterOpensDetailAt80x24(t *testing.T) {
	app, _ := newTestApp(t, 80, 24, mixedEvents(30))
	press(app, "j", "enter")
	got := content(app)
	for _, want := range []string{"DETAIL", "WHO", "AssumedRole", "arn:aws:sts::123456789012:assumed-role/ops/adam", "session role", "RunInstances"} {
		if !strings.Contains(got, want) {
			t.Errorf("detail lacks %q:\n%s", want, got)
		}
	}
	press(app, "tab")
	if got := content(app); !strings.Contains(got, "JSON") || !strings.Contains(got, `"eventName"`) {
		t.Errorf("tab should show the JSON pane:\n%s", got)
	}
	press(app, "tab")
	if s := look(t, app); !strings.HasPrefix(s.title(), "DETAIL") {
		t.Errorf("tab in the narrow layout should go back to detail:\n%s", s.text())
	}
	press(app, "esc")
	if s := look(t, app); s.focusedPane() != "list" || !strings.Contains(s.title(), "REGION") {
		t.Errorf("esc should go back to the list:\n%s", s.text())
	}
}

func TestTabCyclesPanesWhenWide(t *testing.T) {
	app, _ := newTestApp(t, 160, 48, mixedEvents(30))
	got := content(app)
	for _, want := range []string{"REGION", "DETAIL", "JSON"} {
		if !strings.Contains(got, want) {
			t.Errorf("wide layout lacks %s", want)
		}
	}
	if got := look(t, app).focusedPane(); got != "list" {
		t.Fatalf("the list has the keys first, focused: %q", got)
	}
	for _, want := range []string{"detail", "json", "list"} {
		press(app, "tab")
		if got := look(t, app).focusedPane(); got != want {
			t.Fatalf("tab: focused %q, want %q", got, want)
		}
	}
	press(app, "shift+tab")
	if got := look(t, app).focusedPane(); got != "json" {
		t.Errorf("shift+tab: focused %q, want json", got)
	}
}

func TestCopyPutsRawRecordOnClipboard(t *testing.T) {
	evs := mixedEvents(3)
	app, _ := newTestApp(t, 80, 24, evs)
	cmd := press(app, "y")
	if cmd == nil {
		t.Fatal("y gave no command")
	}
	msg := cmd()
	if fmt.Sprintf("%T", msg) != "tea.setClipboardMsg" || fmt.Sprint(msg) != evs[0].Raw {
		t.Errorf("y should set the clipboard to the raw record, got %T %.40q", msg, fmt.Sprint(msg))
	}
	info := strings.Join(strings.Fields(plain(content(app))), " ")
	if strings.Contains(info, "copied") || !strings.Contains(info, "sent the raw record") || !strings.Contains(info, "tmux: set-clipboard on") {
		t.Errorf("the info line should say the copy went out by OSC 52 and what the terminal must allow:\n%s", plain(content(app)))
	}
}

func TestTimeZoneToggle(t *testing.T) {
	app := appWith(t, Config{Location: time.FixedZone("XYZ", 5*3600)}, 80, 24, mixedEvents(3))
	if !strings.Contains(content(app), "11-23 12:00:00") || !strings.Contains(content(app), "TIME (UTC)") {
		t.Fatalf("want UTC times first:\n%s", content(app))
	}
	press(app, "t")
	if got := content(app); !strings.Contains(got, "11-23 17:00:00") || !strings.Contains(got, "TIME (XYZ)") {
		t.Errorf("t should show local times:\n%s", got)
	}
}

func TestWrapToggle(t *testing.T) {
	app, _ := newTestApp(t, 160, 48, mixedEvents(3))
	if !strings.Contains(content(app), "wrap off") {
		t.Fatal("JSON starts unwrapped")
	}
	press(app, "w")
	if !strings.Contains(content(app), "wrap on") {
		t.Error("w should turn wrapping on")
	}
}

func TestRefreshReopensStream(t *testing.T) {
	mem := testSource(nil)
	app := New(Config{Source: mem, Location: time.UTC})
	app.Init()
	src := mem.Last()
	app.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	feed(app, mixedEvents(10), true)
	old := app.gen
	cmd := press(app, "r")
	if cmd == nil {
		t.Fatal("r should start waiting on the new stream")
	}
	if batch, ok := cmd().(tea.BatchMsg); ok {
		batch[0]() // the old stream's Close, run as a command
	}
	if opened := len(mem.Requests()); opened != 2 || !strings.Contains(look(t, app).info(), " 0 events loaded") || !src.Closed() {
		t.Errorf("r should close the stream and open a fresh one: opened=%d closed=%v\n%s", opened, src.Closed(), look(t, app).text())
	}
	app.Update(batchMsg{gen: old, batch: model.Batch{Events: mixedEvents(5)}, ok: true})
	if !strings.Contains(look(t, app).info(), " 0 events loaded") {
		t.Error("a batch from the closed stream was added")
	}
}

func TestResizeKeepsSelection(t *testing.T) {
	app, _ := newTestApp(t, 160, 48, mixedEvents(200))
	press(app, "pgdown", "j", "j")
	want := look(t, app).selectedEvent()
	if want < 3 {
		t.Fatalf("pgdown j j selected event %d", want)
	}
	for _, size := range [][2]int{{80, 24}, {200, 60}, {100, 30}, {60, 12}} {
		app.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		if got := look(t, app).selectedEvent(); got != want {
			t.Fatalf("at %v selection moved to %d, want %d (or is off screen)", size, got, want)
		}
	}
}

func TestTinyTerminalShowsMessage(t *testing.T) {
	app, _ := newTestApp(t, 50, 10, mixedEvents(30))
	if got := strings.Join(strings.Fields(content(app)), " "); !strings.Contains(got, "needs at least 60×12; this terminal is 50×10") {
		t.Errorf("want the size message, got:\n%s", content(app))
	}
	if !isQuit(press(app, "q")) {
		t.Error("q should still quit")
	}
}

// At 30×8 the whole message is on screen, wrapped within the width, and
// keys pressed meanwhile do nothing unseen.
func TestTinyTerminalMessageIsWholeAndKeysWait(t *testing.T) {
	app, _ := newTestApp(t, 30, 8, mixedEvents(30))
	got := content(app)
	for _, l := range strings.Split(got, "\n") {
		if displayWidth(l) > 30 {
			t.Errorf("line %q is wider than the terminal", l)
		}
	}
	if flat := strings.Join(strings.Fields(got), " "); !strings.Contains(flat, "needs at least 60×12; this terminal is 30×8. Enlarge it, or press q to quit.") {
		t.Fatalf("the message is cut:\n%s", got)
	}
	press(app, "j", "j", "/", "x", "enter", "R")
	app.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	if s := look(t, app); s.selectedEvent() != 0 || strings.Contains(s.footer(), "keep filter") || strings.Contains(s.info(), "filter") || s.front() != "" {
		t.Errorf("keys acted while the terminal was too small (a move, the filter bar, a filter or an overlay):\n%s", s.text())
	}
}

// q over the help or the source panel closes it; it does not quit.
func TestQClosesAnOverlay(t *testing.T) {
	app, _ := newTestApp(t, 80, 24, mixedEvents(30))
	for _, open := range []string{"?", "R"} {
		press(app, open)
		if look(t, app).front() == "" {
			t.Fatalf("%s opened nothing", open)
		}
		if isQuit(press(app, "q")) || look(t, app).front() != "" {
			t.Errorf("q over %s: quit or left it open", open)
		}
	}
	if !isQuit(press(app, "q")) {
		t.Error("q on the list should quit")
	}
}

func TestEveryLineFitsTheTerminal(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {160, 48}, {200, 60}, {60, 12}} {
		app, _ := newTestApp(t, size[0], size[1], mixedEvents(300))
		for _, keys := range [][]string{nil, {"enter"}, {"tab"}, {"?"}, {"esc", "R"}} {
			press(app, keys...)
			lines := strings.Split(plain(content(app)), "\n")
			if len(lines) != size[1] {
				t.Errorf("%v after %v: %d lines", size, keys, len(lines))
			}
			for i, l := range lines {
				if w := displayWidth(l); w != size[0] {
					t.Errorf("%v after %v: line %d is %d wide: %q", size, keys, i, w, l)
				}
			}
		}
	}
}

func TestDemandFollowsTheScreen(t *testing.T) {
	app, src := newTestApp(t, 80, 24, nil)
	rows := look(t, app).body - 1 // the list's header takes a line
	if got := lastWant(src); got != 2*rows {
		t.Errorf("first demand %d, want two screens (%d)", got, 2*rows)
	}
	loaded := 2 * rows
	feed(app, mixedEvents(loaded), true)
	rows = look(t, app).body - 1 // the status bar may have grown a line for the range
	press(app, "G")
	last := look(t, app).selectedEvent()
	if last != loaded-1 {
		t.Fatalf("G selected event %d, want the last loaded, %d", last, loaded-1)
	}
	if got, want := lastWant(src), last+2*rows-loaded; got != want {
		t.Errorf("after G, demand %d, want %d", got, want)
	}
	press(app, "g", "/")
	typeText(app, "nobody")
	if got := lastWant(src); got != 2*rows || !src.Filtered() {
		t.Errorf("a filter with no matches should ask for two screens of matches, got %d (match set: %v)", got, src.Filtered())
	}
	if !strings.Contains(content(app), "scanning") {
		t.Errorf("the status should show the scan:\n%s", content(app))
	}
	press(app, "enter", "esc")
	if got := lastWant(src); got != 0 || src.Filtered() {
		t.Errorf("esc during a scan should call Want(nil, 0), got %d", got)
	}
	if !strings.Contains(content(app), "scan stopped") || !strings.Contains(look(t, app).info(), "filter nobody") {
		t.Errorf("esc should stop the scan and keep the filter:\n%s", content(app))
	}
}

func TestFailedRegionShowsInStatusAndPanel(t *testing.T) {
	app, _ := newTestApp(t, 120, 30, mixedEvents(10))
	deliver(app, model.Batch{Progress: []model.RegionProgress{
		{Region: "eu-west-1", State: model.RegionDone, Pages: 3, Events: 120},
		{Region: "ap-south-2", State: model.RegionFailed, Err: "AccessDeniedException: not authorized \x1b]0;pwned\x07"},
		{Region: "us-east-1", State: model.RegionThrottled, Throttles: 4},
	}}, true)
	got := content(app)
	if !strings.Contains(got, "1 FAILED") || !strings.Contains(got, "1 throttled") {
		t.Errorf("status bar should count failed and throttled regions:\n%s", got)
	}
	press(app, "R")
	got = content(app)
	if !strings.Contains(got, "ap-south-2") || !strings.Contains(got, "AccessDeniedException") || strings.Contains(got, "\x07") {
		t.Errorf("the panel should list the failed region with its escaped error:\n%q", got)
	}
	if got := look(t, app).front(); got != "sources" {
		t.Errorf("R should open the sources, in front: %q", got)
	}
	press(app, "esc")
	if look(t, app).front() != "" {
		t.Error("esc should close the panel")
	}
}

func TestHelpOverlay(t *testing.T) {
	app, _ := newTestApp(t, 80, 24, mixedEvents(3))
	press(app, "?")
	if got := content(app); !strings.Contains(got, "fresh query") || !strings.Contains(got, "UTC/local") {
		t.Errorf("? should show the full help:\n%s", got)
	}
	if got := look(t, app).front(); got != "help" {
		t.Errorf("the help's footer should say how to close it, front %q", got)
	}
	press(app, "?")
	if look(t, app).front() != "" {
		t.Error("? should close the help")
	}
}

func TestLoadingRowAndEndOfHistory(t *testing.T) {
	app, _ := newTestApp(t, 80, 24, mixedEvents(3))
	if !strings.Contains(content(app), "loading…") {
		t.Error("want a loading row while the stream can deliver")
	}
	feed(app, nil, false)
	if got := content(app); strings.Contains(got, "loading…") || !strings.Contains(got, "complete") {
		t.Errorf("after the stream ended:\n%s", got)
	}
}

func TestNavigationKeys(t *testing.T) {
	app, _ := newTestApp(t, 80, 24, mixedEvents(100))
	rows := look(t, app).body - 1 // under the list's header
	steps := []struct {
		key  string
		want int
	}{{"j", 1}, {"down", 2}, {"k", 1}, {"up", 0}, {"pgdown", rows}, {"pgup", 0}, {"ctrl+d", rows / 2}, {"ctrl+u", 0}, {"G", 99}, {"g", 0}}
	for _, s := range steps {
		press(app, s.key)
		if got := look(t, app).selectedEvent(); got != s.want {
			t.Errorf("%s: selected event %d, want %d", s.key, got, s.want)
		}
	}
}

func TestInitialFilterFromConfig(t *testing.T) {
	mem := testSource(nil)
	app := New(Config{Source: mem, Filter: "skeddly-", Location: time.UTC})
	app.Init()
	src := mem.Last()
	app.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	feed(app, mixedEvents(30), true)
	if got := content(app); strings.Contains(got, "adam") || !strings.Contains(got, "10 of 30 loaded match") {
		t.Errorf("--user should filter from the start:\n%s", got)
	}
	if !src.Filtered() {
		t.Error("the first demand should carry the filter")
	}
}

func TestSelectionVisibleWithoutColour(t *testing.T) {
	app, _ := newTestApp(t, 80, 24, mixedEvents(10))
	press(app, "j")
	lines := strings.Split(asciiScreen(t, content(app)), "\n")
	top := look(t, app).top
	selected := lines[top+2] // status, header, first row, second row
	if !strings.Contains(selected, "adam") || !strings.Contains(selected, "\x1b[1;7m") {
		t.Errorf("the selected row should be reverse and bold without colour: %q", selected)
	}
	for _, l := range lines[top+1 : top+4] {
		if l != selected && strings.Contains(l, "7m") {
			t.Errorf("another row is reversed: %q", l)
		}
	}
}

func TestLightBackgroundRebuildsStyles(t *testing.T) {
	app, _ := newTestApp(t, 160, 48, mixedEvents(10))
	dark := content(app)
	app.Update(tea.BackgroundColorMsg{Color: color.White})
	if app.st.StatusBar.GetBackground() != NewStyles(false).StatusBar.GetBackground() {
		t.Fatal("a white background should select the light styles")
	}
	if light := content(app); light == dark || ansi.Strip(light) != ansi.Strip(dark) {
		t.Error("the light styles should change colours only")
	}
}

func TestDetailShowsRequestParameters(t *testing.T) {
	app, _ := newTestApp(t, 80, 24, mixedEvents(10))
	press(app, "enter", "G")
	got := plain(content(app))
	if !strings.Contains(got, "REQUEST PARAMETERS") || !strings.Contains(got, `"instanceId": "i-00000000"`) {
		t.Errorf("the end of the detail should show the request parameters:\n%s", got)
	}
}

// Reading an event while a filter scan runs must not cancel the scan: esc
// first leaves the pane, and only esc on the list stops the scan.
func TestEscInDetailKeepsTheScanGoing(t *testing.T) {
	app, src := newTestApp(t, 80, 24, nil)
	feed(app, mixedEvents(60), true)
	press(app, "/")
	typeText(app, "skeddly")
	press(app, "enter", "enter")
	if s := look(t, app); !strings.HasPrefix(s.title(), "DETAIL") || !strings.Contains(s.info(), "scanning") {
		t.Fatalf("setup: want the detail pane open during a scan:\n%s", s.text())
	}
	press(app, "esc")
	if s := look(t, app); s.focusedPane() != "list" || !strings.Contains(s.info(), "scanning") || lastWant(src) == 0 {
		t.Errorf("esc in the detail pane should return to the list and keep scanning (want %d):\n%s", lastWant(src), s.text())
	}
	press(app, "esc")
	if s := look(t, app); strings.Contains(s.info(), "scanning") || !strings.Contains(s.info(), "scan stopped") || lastWant(src) != 0 {
		t.Errorf("esc on the list should stop the scan (want %d):\n%s", lastWant(src), s.text())
	}
}

// A start-up notice (such as regions guessed because DescribeRegions was
// denied) is on screen until the first key.
func TestNoticeShowsUntilFirstKey(t *testing.T) {
	src := &memory.Source{Events: mixedEvents(30), Batch: 10, Notice: "ec2:DescribeRegions denied: paging the 34 regions CloudTrail serves"}
	app := New(Config{Source: src})
	app.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	if !strings.Contains(content(app), "DescribeRegions denied") {
		t.Errorf("the notice is not on screen:\n%s", content(app))
	}
	press(app, "j")
	if strings.Contains(content(app), "DescribeRegions denied") {
		t.Errorf("the notice should clear on the next key")
	}
}

// At 80 columns the status bar leaves out what does not fit whole, rather
// than cutting a part mid-word.
func TestStatusBarDropsWholePartsWhenNarrow(t *testing.T) {
	app, _ := newTestApp(t, 80, 24, nil)
	feed(app, mixedEvents(60), true)
	top := plain(strings.SplitN(content(app), "\n", 2)[0])
	for _, part := range strings.Split(top, "│") {
		part = strings.TrimSpace(part)
		if strings.HasPrefix(part, "back to") && len(part) != len("back to 01-02 15:04") {
			t.Errorf("a status part was cut: %q in %q", part, top)
		}
		if strings.Contains(part, "→") && len(strings.Fields(part)) != 5 {
			t.Errorf("the time range was cut: %q", part)
		}
	}
	if !strings.Contains(top, "loaded") {
		t.Errorf("the loaded count must always fit: %q", top)
	}
}

// A long resource type and a long ARN wrap under the value column, and no
// detail line is wider than the pane.
func TestDetailWrapsLongResourcesUnderTheirValue(t *testing.T) {
	e := testEvent(0, "adam", "PutBucketPolicy", "eu-west-1")
	e.Resources = []model.Resource{{Type: "AWS::ServiceCatalog::CloudFormationProvisionedProduct",
		Name: "arn:aws:servicecatalog:eu-west-1:123456789012:stack/very-long-product-name-for-wrapping/pp-0123456789abcdef0123456789"}}
	app, _ := newTestApp(t, 80, 24, []model.Event{e})
	press(app, "enter")
	lines := app.detail.render(&e)
	found := false
	for i, l := range lines {
		if w := displayWidth(l); w > 80 {
			t.Errorf("line %d is %d wide: %q", i, w, plain(l))
		}
		if strings.Contains(plain(l), "AWS::ServiceCatalog") {
			found = true
			at := strings.Index(plain(l), "arn:aws:servicecatalog")
			value := displayWidth(plain(l)[:max(at, 0)]) // the value's column
			next := plain(lines[i+1])
			if at < 0 || len(next) <= value || strings.TrimSpace(next[:value]) != "" || next[value] == ' ' {
				t.Errorf("the ARN's continuation does not start under the value:\n%q\n%q", plain(l), next)
			}
		}
	}
	if !found {
		t.Fatal("the resource is not in the detail")
	}
}

// The detail pane shows the record's context: when the session began, the
// request id, TLS, and the account that received a cross-account call.
func TestDetailShowsRecordContext(t *testing.T) {
	e, err := model.FromRecord(`{"eventVersion":"1.09","eventID":"ctx-1","eventTime":"2026-11-23T11:00:00Z",
		"eventName":"GetObject","eventSource":"s3.amazonaws.com","awsRegion":"eu-west-1","requestID":"REQ-7Q2",
		"recipientAccountId":"999988887777","tlsDetails":{"tlsVersion":"TLSv1.3"},
		"userIdentity":{"type":"AssumedRole","accountId":"123456789012","arn":"arn:aws:sts::123456789012:assumed-role/ops/adam",
			"sessionContext":{"attributes":{"creationDate":"2026-11-23T10:58:00Z","mfaAuthenticated":"true"}}}}`)
	if err != nil {
		t.Fatal(err)
	}
	app, _ := newTestApp(t, 80, 40, []model.Event{e})
	press(app, "enter")
	got := plain(content(app))
	for _, want := range []string{"session since 2026-11-23T10:58:00Z", "recipient     999988887777", "request id    REQ-7Q2", "TLS           TLSv1.3"} {
		if !strings.Contains(got, want) {
			t.Errorf("detail lacks %q:\n%s", want, got)
		}
	}
}

// t shows local time with the zone's name in the column title, not the
// word "local".
func TestLocalTimeNamesItsZone(t *testing.T) {
	zone := time.FixedZone("NPT", 5*3600+45*60)
	src := &memory.Source{Account: "demo", Start: testNow.Add(-time.Hour), End: testNow}
	app := New(Config{Source: src, Location: zone})
	app.Init()
	app.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	feed(app, mixedEvents(10), true)
	before := plain(content(app))
	press(app, "t")
	after := plain(content(app))
	if strings.Contains(before+after, "(local)") || !(strings.Contains(before, "TIME (NPT)") || strings.Contains(after, "TIME (NPT)")) {
		t.Errorf("the time column does not name the zone:\n%s\n%s", before, after)
	}
}

// An unknown key in the bar is an error with a suggestion; the view and
// the demand stay as they were (no scan starts), enter keeps the bar open,
// and mending the text applies it.
func TestFilterErrorStartsNoScan(t *testing.T) {
	app, src := newTestApp(t, 100, 24, mixedEvents(60))
	press(app, "/")
	typeText(app, "skeddly-")
	before, wantBefore := look(t, app).bodyLines(), lastWant(src)
	if !strings.Contains(look(t, app).info(), "20 of 60 loaded match") {
		t.Fatalf("setup: skeddly- matches 20 of 60:\n%s", look(t, app).text())
	}
	typeText(app, " evnt:Stop")
	if got := plain(content(app)); !strings.Contains(got, "unknown key evnt — did you mean event:?") {
		t.Fatalf("no error in the bar:\n%s", got)
	}
	if after := look(t, app).bodyLines(); strings.Join(after, "\n") != strings.Join(before, "\n") || lastWant(src) != wantBefore {
		t.Errorf("the bad text changed the view or the demand (%d -> %d):\n%s", wantBefore, lastWant(src), strings.Join(after, "\n"))
	}
	press(app, "enter")
	if !strings.Contains(look(t, app).footer(), "keep filter") {
		t.Error("enter left the bar with an error in it")
	}
	for range len("evnt:Stop") {
		press(app, "backspace")
	}
	typeText(app, "event:Stop")
	// skeddly-'s events are StartInstances: none is a Stop.
	if s := look(t, app); strings.Contains(s.info(), "unknown key") || !strings.Contains(s.info(), "/skeddly- event:Stop") || !strings.Contains(s.info(), " 0 of 60 loaded match") {
		t.Errorf("the mended text was not applied:\n%s", s.text())
	}
}

// L scans to the end: the demand opens to everything for the filter, the
// info line says so with how much of the range is covered, esc stops and
// keeps what was found, and the end of the stream reads "complete".
func TestScanToEnd(t *testing.T) {
	app, src := newTestApp(t, 80, 24, mixedEvents(60))
	press(app, "/")
	typeText(app, "skeddly-")
	press(app, "enter")
	screenWant := lastWant(src)
	press(app, "L")
	if lastWant(src) < 1<<20 || !strings.Contains(look(t, app).info(), "scanning to the end") {
		t.Fatalf("L asked for %d more (a screen was %d): not a scan to the end", lastWant(src), screenWant)
	}
	// Half the range read: the frontier is 45 of the 90 days back.
	deliver(app, model.Batch{Progress: []model.RegionProgress{
		{Region: "eu-west-1", State: model.RegionPaging, Events: 900, Oldest: testNow.Add(-45 * 24 * time.Hour)},
	}}, true)
	got := plain(content(app))
	if !strings.Contains(got, "scanning to the end") {
		t.Fatalf("the info line does not say it scans to the end:\n%s", got)
	}
	app.Update(tea.WindowSizeMsg{Width: 160, Height: 40})
	if got := plain(content(app)); !strings.Contains(got, "█████░░░░░  50%") {
		t.Errorf("no coverage bar at 160 columns:\n%s", got)
	}
	press(app, "esc")
	if s := look(t, app); lastWant(src) != 0 || strings.Contains(s.info(), "scanning to the end") || !strings.Contains(s.info(), "scan stopped") {
		t.Errorf("esc did not stop the scan: want %d\n%s", lastWant(src), s.text())
	}
	press(app, "L")
	feed(app, nil, false)
	if got := look(t, app).info(); !strings.Contains(got, "complete") || strings.Contains(got, "scanning") {
		t.Errorf("the end of the stream does not read complete:\n%s", got)
	}
}

func TestCoverageBar(t *testing.T) {
	q := model.Query{Start: testNow.Add(-100 * time.Hour), End: testNow}
	for _, c := range []struct {
		reached time.Time
		want    string
	}{
		{testNow, "░░░░░░░░░░   0%"},
		{testNow.Add(-25 * time.Hour), "███░░░░░░░  25%"},
		{testNow.Add(-100 * time.Hour), "██████████ 100%"},
		{testNow.Add(-500 * time.Hour), "██████████ 100%"},
	} {
		var s scanToEnd
		s.start(regionSummary{}, testNow)
		if got := s.status(q, regionSummary{reached: c.reached}, testNow); got != c.want {
			t.Errorf("reached %v: %q, want %q", c.reached, got, c.want)
		}
	}
	if got := (&scanToEnd{}).status(model.Query{}, regionSummary{reached: testNow}, testNow); got != "" {
		t.Errorf("no range, yet %q", got)
	}
}

// s opens the summary: the filtered events counted by user, most frequent
// first, "≥ … so far" until the stream ends and "complete" after; tab
// moves to the next grouping; enter on a row filters the list to it.
func TestSummaryView(t *testing.T) {
	evs := mixedEvents(60)
	app, _ := newTestApp(t, 100, 30, evs)
	press(app, "s")
	if s := look(t, app); s.front() != "summary" || !strings.HasPrefix(s.title(), "SUMMARY by user") {
		t.Fatalf("s did not open the summary:\n%s", s.text())
	}
	want := map[string]int{}
	for _, e := range evs {
		want[e.Username]++
	}
	got := plain(content(app))
	for user, n := range want {
		if !strings.Contains(got, fmt.Sprintf("%s ", user)) || !strings.Contains(got, fmt.Sprintf("%d ", n)) {
			t.Errorf("no row %s %d:\n%s", user, n, got)
		}
	}
	if !strings.Contains(got, "≥ 60: the matches loaded so far (L scans to the end)") {
		t.Errorf("counts before the end are not lower bounds:\n%s", got)
	}
	press(app, "tab")
	if !strings.Contains(plain(content(app)), "SUMMARY by event") {
		t.Fatalf("tab did not move to the event grouping:\n%s", plain(content(app)))
	}
	byEvent := map[string]int{}
	for _, e := range evs {
		byEvent[e.Name]++
	}
	row := strings.Fields(look(t, app).selected()) // rank, value, count, share, bar
	if len(row) < 3 || row[0] != "1" || row[2] != fmt.Sprint(byEvent[row[1]]) {
		t.Fatalf("the selected row is not the first with its count (%v), counts %v", row, byEvent)
	}
	top := row[1]
	press(app, "enter")
	if s := look(t, app); s.front() != "" || !strings.Contains(s.info(), "filter event:"+top) || !strings.Contains(s.info(), fmt.Sprintf("%d of 60 loaded match", byEvent[top])) {
		t.Errorf("enter should filter to event:%s with %d matches:\n%s", top, byEvent[top], s.text())
	}
	press(app, "s")
	feed(app, nil, false)
	if got := plain(content(app)); !strings.Contains(got, fmt.Sprintf("%d matches, complete", byEvent[top])) {
		t.Errorf("after the end the counts are not complete:\n%s", got)
	}
	press(app, "q")
	if look(t, app).front() != "" {
		t.Error("q did not close the summary")
	}
}

// e writes the filtered view as jsonl: one line per match, each the raw
// record as --print jsonl writes it (model.RecordJSON), in view order, to
// a file that appears whole (written aside, then renamed); E writes csv.
func TestExportWritesTheFilteredView(t *testing.T) {
	evs := mixedEvents(60)
	dir := t.TempDir()
	app := appWith(t, Config{ExportDir: dir}, 100, 30, evs)
	press(app, "/")
	typeText(app, "skeddly-")
	press(app, "enter")
	cmd := press(app, "e")
	if cmd == nil {
		t.Fatal("e returned no command")
	}
	msg := cmd().(exportedMsg)
	app.Update(msg)
	if msg.err != nil {
		t.Fatal(msg.err)
	}
	data, err := os.ReadFile(msg.path)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	f := model.ParseFilter("skeddly-")
	for i := range evs {
		if f.Match(&evs[i]) {
			want = append(want, string(model.RecordJSON(&evs[i])))
		}
	}
	got := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("the file holds %d lines, want the %d matches in order", len(got), len(want))
	}
	if s := plain(content(app)); !strings.Contains(s, fmt.Sprintf("wrote %d events (", len(want))) || !strings.Contains(s, "loaded so far") {
		t.Errorf("the info line does not name the export:\n%s", s)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files in the export folder, want only the export (no temporary left)", len(entries))
	}
	csvMsg := press(app, "E")().(exportedMsg)
	if csvMsg.err != nil || !strings.HasSuffix(csvMsg.path, ".csv") {
		t.Fatalf("csv export: %v %s", csvMsg.err, csvMsg.path)
	}
	rows, _ := os.ReadFile(csvMsg.path)
	if n := strings.Count(string(rows), "\n"); n != len(want)+1 {
		t.Errorf("csv has %d lines, want a header and %d rows", n, len(want))
	}
}

// An export into a folder that cannot be written says why in one line.
func TestExportFailureIsOneLine(t *testing.T) {
	app := appWith(t, Config{ExportDir: filepath.Join(t.TempDir(), "no-such-dir")}, 100, 30, mixedEvents(5))
	app.Update(press(app, "e")())
	if s := plain(content(app)); !strings.Contains(s, "export failed:") || !strings.Contains(s, "no such file") {
		t.Errorf("no failure line:\n%s", s)
	}
}

// p over the selected event offers everything by its user, role, key,
// resource, IP and session; a number pivots to it; backspace returns to
// the filter and the event before.
func TestPivotAndBack(t *testing.T) {
	evs := mixedEvents(60)
	app, _ := newTestApp(t, 100, 30, evs)
	press(app, "/")
	typeText(app, "event:Run")
	press(app, "enter", "j", "j")
	fromIndex := look(t, app).selectedEvent()
	if fromIndex != 7 { // RunInstances are events 1, 4, 7, …
		t.Fatalf("j j on event:Run selected event %d, want 7", fromIndex)
	}
	from := evs[fromIndex]
	press(app, "p")
	got := plain(content(app))
	for _, want := range []string{"everything by user " + from.Username, "everything by the session role ops", "everything with access key ASIAEXAMPLE",
		"everything on resource " + from.Resources[0].Name, "everything from IP 203.0.113.7", "everything in this session (ops/" + from.Username + ")"} {
		if !strings.Contains(got, want) {
			t.Errorf("pivot menu lacks %q:\n%s", want, got)
		}
	}
	if got := look(t, app).front(); got != "pivot" {
		t.Fatalf("p: %q in front", got)
	}
	press(app, "1")
	if s := look(t, app); s.front() != "" || !strings.Contains(s.info(), "filter user="+from.Username+" ") {
		t.Fatalf("pivot 1 should filter to user=%s:\n%s", from.Username, s.text())
	}
	want := 0
	for _, e := range evs {
		if e.Username == from.Username {
			want++
		}
	}
	if s := look(t, app); !strings.Contains(s.info(), fmt.Sprintf(" %d of 60 loaded match", want)) {
		t.Errorf("want %d matches after the pivot:\n%s", want, s.text())
	}
	press(app, "backspace")
	if s := look(t, app); !strings.Contains(s.info(), "filter event:Run ") || s.selectedEvent() != fromIndex {
		t.Errorf("backspace should return to event:Run at event %d, at %d:\n%s", fromIndex, s.selectedEvent(), s.text())
	}
}

// T offers time presets; a number opens a fresh query of that span (the
// filter kept), and r afterwards keeps the preset.
func TestTimePresets(t *testing.T) {
	src := &memory.Source{Account: "demo", Start: testNow.Add(-90 * 24 * time.Hour), End: testNow,
		Caps: model.Capabilities{Ranges: true}}
	// asked is the span of every query over a range T picked.
	asked := func() []time.Duration {
		var backs []time.Duration
		for _, r := range src.Requests() {
			if !r.Range.IsZero() {
				backs = append(backs, r.Range.Back)
			}
		}
		return backs
	}
	app := New(Config{Source: src, Location: time.UTC})
	app.Init()
	app.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	press(app, "/")
	typeText(app, "adam")
	press(app, "enter", "T")
	if got := plain(content(app)); !strings.Contains(got, "the last 7 days") || !strings.Contains(got, "the last 15 minutes") {
		t.Fatalf("no presets:\n%s", got)
	}
	press(app, "5")
	if asked, s := asked(), look(t, app); len(asked) != 1 || asked[0] != 7*24*time.Hour || s.front() != "" || !strings.Contains(s.info(), "filter adam ") {
		t.Fatalf("preset 5 asked %v:\n%s", asked, s.text())
	}
	if got := plain(content(app)); !strings.Contains(got, testNow.Add(-7*24*time.Hour).Format("2006-01-02 15:04")) {
		t.Errorf("the status bar does not show the new range:\n%s", got)
	}
	press(app, "r")
	if asked := asked(); len(asked) != 2 || asked[1] != 7*24*time.Hour {
		t.Errorf("r after a preset asked %v, want the preset again", asked)
	}
}

// r over more than a screen of loaded events asks first: a second r
// discards them, any other key cancels.
func TestRefreshAsksBeforeDiscarding(t *testing.T) {
	src := &memory.Source{Account: "demo", Start: testNow.Add(-time.Hour), End: testNow}
	opened := func() int { return len(src.Requests()) }
	app := New(Config{Source: src, Location: time.UTC})
	app.Init()
	app.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	feed(app, mixedEvents(200), true)
	press(app, "r")
	if opened() != 1 || !strings.Contains(plain(content(app)), "press r again to discard the 200 loaded events") {
		t.Fatalf("the first r did not ask (opened %d):\n%s", opened(), plain(content(app)))
	}
	press(app, "j", "r")
	if opened() != 1 {
		t.Fatal("r after another key discarded without asking again")
	}
	press(app, "r")
	if opened() != 2 {
		t.Errorf("the second r did not query afresh (opened %d)", opened())
	}
}

// With the cursor on the last event, applying a filter fills the screen
// with matches rather than showing one row above an empty list.
func TestFilterFromTheLastEventFillsTheScreen(t *testing.T) {
	app, _ := newTestApp(t, 80, 24, mixedEvents(90))
	press(app, "G")
	press(app, "/")
	typeText(app, "adam")
	press(app, "enter")
	rows := 0
	for _, l := range strings.Split(plain(content(app)), "\n") {
		if strings.Contains(l, " adam ") {
			rows++
		}
	}
	if want := min(30, look(t, app).body-1); rows < want {
		t.Errorf("%d rows of adam on screen, want %d:\n%s", rows, want, plain(content(app)))
	}
}

// ESC and / arriving together (alt+/) are esc then /: the text typed after
// goes to the filter bar and runs no command.
func TestAltSlashOpensTheFilter(t *testing.T) {
	app, _ := newTestApp(t, 100, 30, mixedEvents(60))
	press(app, "enter") // in the detail pane: esc must first go back to the list
	app.Update(tea.KeyPressMsg{Code: '/', Mod: tea.ModAlt})
	typeText(app, "skeddly-")
	s := look(t, app)
	if !strings.Contains(s.info(), "/skeddly-") || !strings.Contains(s.footer(), "keep filter") || s.front() != "" || s.focusedPane() != "list" {
		t.Fatalf("alt+/ then text should type into the filter bar over the list:\n%s", s.text())
	}
	if !strings.Contains(s.info(), "20 of 60 loaded match") {
		t.Errorf("the filter skeddly- is not applied:\n%s", s.text())
	}
}

// Rows of another year than the query's show the year: a 2023 record does
// not read "07-10 12:37" as if it were this July.
func TestOtherYearsShowTheYear(t *testing.T) {
	app, _ := newTestApp(t, 80, 24, mixedEvents(5))
	if got := bodyText(app); strings.Contains(got, "2026-11-23") {
		t.Fatalf("this year's rows show the year at 80 columns:\n%s", got)
	}
	old := testEvent(900, "adam", "RunInstances", "eu-west-1")
	old.Time = time.Date(2023, 7, 10, 12, 37, 0, 0, time.UTC)
	feed(app, []model.Event{old}, true)
	got := bodyText(app)
	if !strings.Contains(got, "2023-07-10 12:37") || !strings.Contains(got, "2026-11-23 12:00") {
		t.Errorf("rows of 2023 and 2026 without their years:\n%s", got)
	}
}

// F follows: a poll brings the events newer than the newest loaded to the
// top without moving the cursor off its event or the rows on screen, with
// a badge of how many arrived; g goes to them and clears it; F again stops.
func TestFollowAddsNewEventsAtTheTop(t *testing.T) {
	evs := mixedEvents(60) // the newest is at testNow
	var newer []model.Event
	for i := 1; i <= 3; i++ {
		e := testEvent(1000+i, "adam", "RunInstances", "eu-west-1")
		e.Time = testNow.Add(time.Duration(4-i) * time.Minute)
		newer = append(newer, e)
	}
	// The source holds the newer events too, past the first query's
	// end; a poll from the newest loaded up to now finds them, and
	// evs[0] again (already loaded).
	src := &memory.Source{Events: append(newer, evs...), Account: "demo", Start: testNow.Add(-time.Hour), End: testNow,
		Now: testNow.Add(5 * time.Minute), Caps: model.Capabilities{Follow: true}}
	after := func() []time.Time {
		var ts []time.Time
		for _, r := range src.Requests() {
			if !r.After.IsZero() {
				ts = append(ts, r.After)
			}
		}
		return ts
	}
	app := New(Config{Source: src, Location: time.UTC})
	app.Init()
	app.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	feed(app, evs, true)
	press(app, "j", "j", "j")
	s := look(t, app)
	selected, line := s.selectedEvent(), s.selectedLine()
	cmd := press(app, "F")
	if cmd == nil || !strings.Contains(look(t, app).info(), "following") {
		t.Fatal("F did not start following")
	}
	app.Update(cmd())
	if after := after(); len(after) != 1 || !after[0].Equal(testNow) {
		t.Fatalf("polled after %v, want the newest loaded %v", after, testNow)
	}
	s = look(t, app)
	if !strings.Contains(s.info(), " 63 events loaded") {
		t.Fatalf("the 3 new events are not loaded:\n%s", s.text())
	}
	if s.selectedEvent() != selected || s.selectedLine() != line {
		t.Errorf("the selected row moved from event %d on line %d to event %d on line %d:\n%s", selected, line, s.selectedEvent(), s.selectedLine(), s.text())
	}
	if got := plain(content(app)); !strings.Contains(got, "following · 3 new (g)") {
		t.Errorf("no badge:\n%s", got)
	}
	press(app, "g")
	s = look(t, app)
	if !strings.Contains(s.selected(), newer[0].Time.UTC().Format(timeShort)) || strings.Contains(s.text(), "new (g)") {
		t.Errorf("g did not go to the new events (the newest at the top) and clear the badge:\n%s", s.text())
	}
	press(app, "F")
	if strings.Contains(look(t, app).info(), "following") {
		t.Error("F did not stop following")
	}
}

// The planner in the TUI: enter on a filter whose best exact term differs
// from what the query pushed down opens a query pushing the new one; a
// filter without one goes back to the unpushed query; the same term
// opens nothing.
func TestFilterPlannerPushesDownOnEnter(t *testing.T) {
	src := lookupSource(nil)
	app := New(Config{Source: src, Location: time.UTC})
	app.Init()
	app.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	press(app, "/")
	typeText(app, "event=RunInstances user:ad")
	if asked, _ := plansAsked(src); len(asked) != 0 {
		t.Fatalf("typing opened queries: %v", asked)
	}
	press(app, "enter")
	if asked, _ := plansAsked(src); len(asked) != 1 || asked[0] != "EventName=RunInstances" {
		t.Fatalf("enter asked %v", asked)
	}
	if got := plain(content(app)); !strings.Contains(got, "pushed down EventName=RunInstances") {
		t.Errorf("the status bar does not say what was pushed down:\n%s", got)
	}
	press(app, "/")
	typeText(app, "x")
	press(app, "enter")
	if asked, _ := plansAsked(src); len(asked) != 1 {
		t.Errorf("the same pushed term opened another query: %v", asked)
	}
	press(app, "/")
	for range len("event=RunInstances user:adx") {
		press(app, "backspace")
	}
	typeText(app, "adam")
	press(app, "enter")
	if asked, opens := plansAsked(src); len(asked) != 1 || opens != 2 {
		t.Errorf("a filter without an exact term: lookups %v, plain opens %d; want the unpushed query again", asked, opens)
	}
}
