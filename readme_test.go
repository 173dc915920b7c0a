package main

import (
	"flag"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"lazytrail/keymap"
	"lazytrail/model"
)

// readmeSection is the text of the README from heading to the next
// heading of the same or a higher level.
func readmeSection(t *testing.T, heading string) string {
	t.Helper()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "\n"+heading+"\n")
	if !ok {
		t.Fatalf("README has no %q", heading)
	}
	level := strings.Count(strings.Fields(heading)[0], "#")
	for _, line := range strings.Split(rest, "\n") {
		if h, _, _ := strings.Cut(line, " "); strings.Trim(h, "#") == "" && len(h) > 0 && len(h) <= level {
			rest, _, _ = strings.Cut(rest, "\n"+line+"\n")
			break
		}
	}
	return rest
}

// tableRows are the rows of a section's Markdown tables, each as its cells.
func tableRows(section string) [][]string {
	var rows [][]string
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "|") || strings.HasPrefix(line, "|---") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), " | ")
		rows = append(rows, cells)
	}
	return rows[1:] // the header
}

var codeSpan = regexp.MustCompile("`([^`]+)`")

// The headless flags table names every flag lazytrail takes, and only
// those.
func TestReadmeFlagsAreTheFlags(t *testing.T) {
	var defined []string
	newFlagSet(&options{}, io.Discard).VisitAll(func(f *flag.Flag) { defined = append(defined, f.Name) })
	documented := map[string]bool{}
	for _, row := range tableRows(readmeSection(t, "## Headless")) {
		for _, m := range codeSpan.FindAllStringSubmatch(row[0], -1) {
			for _, word := range strings.Fields(m[1]) {
				if name, ok := strings.CutPrefix(word, "--"); ok {
					documented[strings.Trim(name, ",")] = true
				}
			}
		}
	}
	if len(documented) < 10 {
		t.Fatalf("the README's flags table names %d flags: is it still there?", len(documented))
	}
	for _, name := range defined {
		if !documented[name] && name != "version" {
			t.Errorf("--%s is a flag the README's table does not list", name)
		}
	}
	for name := range documented {
		if !slices.Contains(defined, name) {
			t.Errorf("the README's table lists --%s, which is no flag", name)
		}
	}
}

// The keys table names every key the help names, and the filter terms
// table every key of the language.
func TestReadmeKeysAndTermsAreWhatShips(t *testing.T) {
	keys := strings.Join(func() []string {
		var cells []string
		for _, row := range tableRows(readmeSection(t, "### Keys")) {
			cells = append(cells, row[0])
		}
		return cells
	}(), " ")
	k := keymap.DefaultKeyMap()
	for _, group := range k.FullHelp() {
		for _, b := range group {
			for _, label := range strings.Split(b.Help().Key, "/") {
				if label == "" {
					label = "/"
				}
				if !strings.Contains(keys, "`"+label+"`") {
					t.Errorf("the help names key %q (%s); the README's keys table does not", label, b.Help().Desc)
				}
			}
		}
	}
	terms := readmeSection(t, "### The filter bar")
	_, list, ok := strings.Cut(model.ParseFilter("qqqqqqqqqqqq:x").Err(), "keys are ")
	if !ok {
		t.Fatal("the parser no longer lists its keys for an unknown one")
	}
	for _, key := range strings.Fields(list) {
		if !strings.Contains(terms, "`"+key) {
			t.Errorf("the filter language has %s; the README's terms table does not show it", key)
		}
	}
}
