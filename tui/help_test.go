package tui

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"lazytrail/model"
)

// ? shows the filter language beside the keys, scrolled with j/k at
// 80×24: every term of the README's filter table, each one that parses.
func TestHelpShowsTheFilterLanguage(t *testing.T) {
	app, _ := newTestApp(t, 80, 24, mixedEvents(3))
	press(app, "?")
	seen := bodyText(app)
	if !strings.Contains(seen, "FILTER") || !strings.Contains(seen, "scroll") {
		t.Fatalf("the first screen of help neither shows the filter's title nor says it scrolls:\n%s", seen)
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
