package tui

import (
	"strings"
	"testing"
	"unicode/utf8"

	"lazytrail/model"
)

// assertNoControls fails if s holds anything a terminal would act on other
// than the app's own SGR styling: any C0/C1 control besides ESC starting an
// SGR sequence and the newlines between lines, invalid UTF-8, or a bidi
// override.
func assertNoControls(t testing.TB, s string) {
	t.Helper()
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			// only CSI … m (SGR) is ours
			j := i + 1
			if j >= len(s) || s[j] != '[' {
				t.Fatalf("ESC not starting a CSI at byte %d: %q", i, around(s, i))
			}
			j++
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == ';' || s[j] == ':') {
				j++
			}
			if j >= len(s) || s[j] != 'm' {
				t.Fatalf("escape sequence other than SGR at byte %d: %q", i, around(s, i))
			}
			i = j + 1
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			t.Fatalf("invalid UTF-8 at byte %d: %q", i, around(s, i))
		case r < 0x20 && r != '\n', r == 0x7f, r >= 0x80 && r < 0xa0:
			t.Fatalf("control character %U at byte %d: %q", r, i, around(s, i))
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			t.Fatalf("bidi override %U at byte %d: %q", r, i, around(s, i))
		}
		i += n
	}
}

func around(s string, i int) string { return s[max(i-20, 0):min(i+20, len(s))] }

const hostile = "evil\x1b[2J\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07\x00\x9b31m\u202egnp.exe\xff\xfe\u2066x\x7f"

func hostileEvents() []model.Event {
	evs := mixedEvents(6)
	e := &evs[0]
	e.Username, e.Name, e.Region, e.Source = hostile, hostile, hostile, hostile
	e.ErrorCode, e.ErrorMessage, e.SourceIP = hostile, hostile, hostile
	e.UserAgent = strings.Repeat("A\x1b[31m", 1<<20/6) // a 1 MB user agent full of escapes
	e.Identity.ARN, e.Identity.Type, e.Identity.InvokedBy = hostile, hostile, hostile
	e.Resources = []model.Resource{{Type: hostile, Name: hostile}}
	e.ParseError = hostile
	e.Raw = `{"eventName":"` + hostile + `","requestParameters":{"k":"` + hostile + `"}}`
	evs[1].Raw = "not json " + hostile
	return evs
}

func TestHostileTextNeverReachesTheTerminal(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		app, _ := newTestApp(t, size[0], size[1], hostileEvents())
		deliver(app, model.Batch{Progress: []model.RegionProgress{
			{Region: hostile, State: model.RegionFailed, Err: hostile}}}, true)
		screens := map[string]string{"list": content(app)}
		press(app, "enter")
		screens["detail"] = content(app)
		for _, l := range append(app.detail.sc.visual, app.json.sc.visual...) {
			assertNoControls(t, l) // every line, not only those on screen
		}
		press(app, "G")
		screens["detail end"] = content(app)
		press(app, "tab")
		screens["json"] = content(app)
		press(app, "w")
		screens["json wrapped"] = content(app)
		press(app, "esc", "esc", "j", "enter", "tab")
		screens["invalid json"] = content(app)
		press(app, "esc", "esc", "R")
		screens["regions"] = content(app)
		press(app, "esc", "/")
		typeText(app, "evil\x1b[2J")
		screens["filter bar"] = content(app)
		for name, s := range screens {
			assertNoControls(t, s)
			lines := strings.Split(plain(s), "\n")
			if len(lines) != size[1] {
				t.Errorf("%v %s: %d lines, want %d", size, name, len(lines), size[1])
			}
			for i, l := range lines {
				if w := displayWidth(l); w != size[0] {
					t.Errorf("%v %s: line %d is %d cells wide", size, name, i, w)
				}
			}
		}
		if !strings.Contains(screens["detail"], `\x1b`) {
			t.Errorf("%v: the detail pane should show the escape, escaped", size)
		}
	}
}
