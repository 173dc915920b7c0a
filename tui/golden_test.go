package tui

import (
	"fmt"
	"testing"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"
)

// Golden screens of list, detail, JSON and the summary view at 80×24 and 160×48, rendered
// through the Ascii profile (as with NO_COLOR: no colours, attributes kept)
// with time pinned to UTC. Regenerate with: go test ./tui -run Golden -update
func TestGoldenScreens(t *testing.T) {
	cases := []struct {
		name string
		keys []string
	}{
		{"list", nil},
		{"detail", []string{"j", "enter"}},
		{"json", []string{"j", "enter", "tab"}},
		{"filtered", []string{"/", "s", "k", "e", "d", "enter"}},
		{"summary", []string{"s"}},
		{"summary_by_event", []string{"s", "tab"}},
	}
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		for _, c := range cases {
			t.Run(fmt.Sprintf("%s_%dx%d", c.name, size[0], size[1]), func(t *testing.T) {
				app, _ := newTestApp(t, size[0], size[1], mixedEvents(60))
				press(app, c.keys...)
				golden.RequireEqual(t, asciiScreen(t, content(app)))
			})
		}
	}
}

// The summary view coloured, as a 256-colour terminal gets it (the styles
// are those of a dark background), beside the NO_COLOR goldens above.
func TestGoldenSummaryColoured(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		t.Run(fmt.Sprintf("summary_%dx%d", size[0], size[1]), func(t *testing.T) {
			app, _ := newTestApp(t, size[0], size[1], mixedEvents(60))
			press(app, "s")
			golden.RequireEqual(t, profileScreen(t, content(app), colorprofile.ANSI256))
		})
	}
}
