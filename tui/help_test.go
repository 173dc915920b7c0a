package tui

import (
	"os"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"lazytrail/model"
)

// ? shows the filter language beside the keys, scrolled with j/k at
// 80×24: every term of the README's filter table, each one that parses.
func TestHelpShowsTheFilterLanguage(t *testing.T) {
	app, _ := newTestApp(t, 80, 24, mixedEvents(3))
	press(app, "?")
	seen := bodyText(app)
	if !strings.Contains(seen, "FILTER") || !strings.Contains(seen, "lines 1–") || !strings.Contains(look(t, app).footer(), "scroll") {
		t.Fatalf("the first screen of help neither shows the filter's title nor says it scrolls (the footer):\n%s", look(t, app).text())
	}
	for range 40 {
		press(app, "j")
		seen += "\n" + bodyText(app)
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	// The README's table: | `term` or `term` | matches |, between its
	// heading row and the paragraph after it.
	table := regexp.MustCompile("(?s)\\| term \\| matches \\|\n\\|---\\|---\\|\n(.*?)\n\n").FindSubmatch(readme)
	if table == nil {
		t.Fatal("no filter table in the README")
	}
	keyOf := regexp.MustCompile("^`-?([a-z]+)[:=]")
	for _, row := range strings.Split(string(table[1]), "\n") {
		first := strings.Split(row, "|")[1]
		for _, code := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(first, -1) {
			m := keyOf.FindStringSubmatch("`" + code[1])
			if m == nil {
				continue // bare text (a user-name prefix), `err`
			}
			if !strings.Contains(seen, m[1]+":") && !strings.Contains(seen, m[1]+"=") {
				t.Errorf("the README's term %s is not in the help", code[1])
			}
		}
	}
	for _, term := range filterTerms {
		for _, word := range strings.Fields(term.example) {
			if err := model.ParseFilter(word).Err(); err != "" {
				t.Errorf("the help's example %q does not parse: %s", word, err)
			}
		}
		if !strings.Contains(seen, term.example) {
			t.Errorf("the help's row %q was never on screen", term.example)
		}
	}
}

// TERM=dumb: the terminal gets no escape sequences at all (the NoTTY
// profile), so reverse video cannot show the selection; a > marks the
// selected row in the list and the summary, and the first screen says so.
func TestDumbTerminalMarksTheSelection(t *testing.T) {
	app, _ := newTestApp(t, 80, 24, mixedEvents(30))
	app.Update(tea.ColorProfileMsg{Profile: colorprofile.NoTTY})
	if !strings.Contains(screenWords(app), "(TERM=dumb) shows no colour or reverse video: > marks the selected row") {
		t.Errorf("the first screen does not say why rows are marked:\n%s", plain(content(app)))
	}
	press(app, "j")
	screen := profileScreen(t, content(app), colorprofile.NoTTY)
	if strings.Contains(screen, "\x1b[") {
		t.Fatalf("escape sequences reach a dumb terminal: %q", screen)
	}
	var marked []string
	for _, l := range strings.Split(screen, "\n") {
		if strings.HasPrefix(l, ">") {
			marked = append(marked, l)
		}
	}
	if len(marked) != 1 || !strings.Contains(marked[0], "adam") || !strings.Contains(marked[0], "11-23 11:59:00") { // event 1: adam's, a minute before the newest
		t.Errorf("want the selected row (the second) alone marked, got %q:\n%s", marked, screen)
	}
	press(app, "s", "j")
	screen = profileScreen(t, content(app), colorprofile.NoTTY)
	marked = nil
	for _, l := range strings.Split(screen, "\n") {
		if strings.HasPrefix(l, ">") {
			marked = append(marked, l)
		}
	}
	if len(marked) != 1 || !strings.HasPrefix(strings.TrimSpace(marked[0][1:]), "2 ") { // the rank column
		t.Errorf("want the summary's second row alone marked, got %q:\n%s", marked, screen)
	}
	// A terminal with attributes keeps its rows unmarked.
	app2, _ := newTestApp(t, 80, 24, mixedEvents(30))
	app2.Update(tea.ColorProfileMsg{Profile: colorprofile.Ascii})
	if strings.Contains(plain(content(app2)), "\n>") {
		t.Errorf("a NO_COLOR terminal got the > marker, which reverse video already does")
	}
}
