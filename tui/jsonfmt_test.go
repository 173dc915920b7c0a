package tui

import (
	"strings"
	"testing"
)

func plainJSON(t *testing.T, raw string) []string {
	t.Helper()
	lines, err := prettyJSON(raw, jsonPaints{})
	if err != nil {
		t.Fatalf("prettyJSON(%.60q): %v", raw, err)
	}
	return lines
}

func TestPrettyJSONIndentsAndKeepsEmptyContainers(t *testing.T) {
	got := strings.Join(plainJSON(t, `{"a":1,"b":[true,null,"x"],"c":{},"d":[]}`), "\n")
	want := `{
  "a": 1,
  "b": [
    true,
    null,
    "x"
  ],
  "c": {},
  "d": []
}`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestPrettyJSONColoursKeysAndValuesApart(t *testing.T) {
	p := jsonPaints{key: paint{"<k>", "</k>"}, str: paint{"<s>", "</s>"}, num: paint{"<n>", "</n>"}}
	lines, err := prettyJSON(`{"name":"adam","n":3}`, p)
	if err != nil {
		t.Fatal(err)
	}
	if lines[1] != `  <k>"name"</k>: <s>"adam"</s>,` || lines[2] != `  <k>"n"</k>: <n>3</n>` {
		t.Errorf("unexpected colouring: %q", lines)
	}
}

func TestPrettyJSONRejectsInvalidInput(t *testing.T) {
	for _, raw := range []string{`{"a":`, `{"a":1]`, `{"a":tru}`, `{"a":"x`, "\x1b[2J", `]`} {
		if _, err := prettyJSON(raw, jsonPaints{}); err == nil {
			t.Errorf("prettyJSON(%q) accepted invalid JSON", raw)
		}
	}
	lines := rawLines("not json \x1b]0;title\x07\nsecond")
	if len(lines) != 2 || strings.ContainsAny(strings.Join(lines, ""), "\x1b\x07") {
		t.Errorf("rawLines should escape: %q", lines)
	}
}

func TestPrettyJSONDeepNestingDoesNotRecurse(t *testing.T) {
	const depth = 100000
	raw := strings.Repeat(`{"a":`, depth) + "1" + strings.Repeat("}", depth)
	lines := plainJSON(t, raw)
	if len(lines) != 2*depth+1 {
		t.Errorf("got %d lines, want %d", len(lines), 2*depth+1)
	}
	for _, l := range lines {
		if len(l) > 2*maxJSONIndent+20 {
			t.Fatalf("indentation is not capped: line of %d bytes", len(l))
		}
	}
}

func TestPrettyJSONCutsHugeStrings(t *testing.T) {
	raw := `{"userAgent":"` + strings.Repeat("A", 1<<20) + `"}`
	lines := plainJSON(t, raw)
	if len(lines[1]) > maxJSONString+100 || !strings.Contains(lines[1], "more bytes") {
		t.Errorf("a 1 MB string should be cut with a note, line is %d bytes", len(lines[1]))
	}
}

func TestPrettyJSONEscapesStringContents(t *testing.T) {
	lines := plainJSON(t, "{\"u\":\"a\u202eb\xff\u0085\"}")
	if s := strings.Join(lines, ""); strings.Contains(s, "\u202e") || strings.Contains(s, "\xff") || strings.Contains(s, "\u0085") {
		t.Errorf("string contents reached the screen unescaped: %q", s)
	}
}

func TestJSONMember(t *testing.T) {
	raw := `{"requestParametersX":1,"x":{"requestParameters":"inner"},"requestParameters":{"a":[1,{"b":2}]},"z":3}`
	got, ok := jsonMember(raw, "requestParameters")
	if !ok || got != `{"a":[1,{"b":2}]}` {
		t.Errorf("got %q %v", got, ok)
	}
	if got, ok := jsonMember(`{"requestParameters":null}`, "requestParameters"); !ok || got != "null" {
		t.Errorf("null value: %q %v", got, ok)
	}
	if _, ok := jsonMember(`{"a":1}`, "requestParameters"); ok {
		t.Error("found a missing member")
	}
	if _, ok := jsonMember(`{"requestParameters":{"a":`, "requestParameters"); ok {
		t.Error("accepted a truncated value")
	}
}

func FuzzPrettyJSON(f *testing.F) {
	f.Add(`{"a":[1,2,{"b":null}]}`)
	f.Add(`{"a":"\u001b[2J"}`)
	f.Add("[[[[")
	f.Fuzz(func(t *testing.T, raw string) {
		lines, err := prettyJSON(raw, jsonPaints{})
		if err != nil {
			lines = rawLines(raw)
		}
		for _, l := range lines {
			assertNoControls(t, l)
		}
		jsonMember(raw, "requestParameters")
	})
}
