package tui

import (
	"bytes"
	"testing"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

// plain renders styled output as a terminal without colour would get it,
// then drops the remaining attributes, for width checks.
func plain(s string) string { return ansi.Strip(s) }

func displayWidth(s string) int { return ansi.StringWidth(s) }

// asciiScreen is View().Content as the Ascii profile (NO_COLOR) would write
// it: colours dropped, reverse and bold kept. Goldens use it so they do not
// depend on the terminal running the tests.
func asciiScreen(t testing.TB, s string) string { return profileScreen(t, s, colorprofile.Ascii) }

// profileScreen is View().Content as a terminal of profile p gets it.
func profileScreen(t testing.TB, s string, p colorprofile.Profile) string {
	var buf bytes.Buffer
	w := &colorprofile.Writer{Forward: &buf, Profile: p}
	if _, err := w.WriteString(s); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}
