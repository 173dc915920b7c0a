package model

import (
	"encoding/json"
	"reflect"
	"testing"
)

// collectStrings calls yield with every non-empty string reached by path.
func collectStrings(doc any, path []string, yield func(string)) {
	switch v := doc.(type) {
	case []any:
		for _, item := range v {
			collectStrings(item, path, yield)
		}
	case map[string]any:
		if len(path) > 0 {
			collectStrings(v[path[0]], path[1:], yield)
		}
	case string:
		if len(path) == 0 && v != "" {
			yield(v)
		}
	}
}

// checkPath compares pathStrings with encoding/json and collectStrings.
func checkPath(t *testing.T, doc string, path []string) {
	t.Helper()
	var want []string
	var tree any
	if json.Unmarshal([]byte(doc), &tree) != nil {
		return // only valid JSON reaches pathStrings
	}
	collectStrings(tree, path, func(s string) { want = append(want, s) })
	var got []string
	pathStrings(doc, path, func(s string) { got = append(got, s) })
	if !reflect.DeepEqual(got, want) {
		t.Errorf("pathStrings(%s, %q) = %q, encoding/json %q", doc, path, got, want)
	}
}

// TestPathStringsCorpus: every request and response of the datasets,
// along every rule's path, yields what encoding/json's tree does.
func TestPathStringsCorpus(t *testing.T) {
	n := 0
	for _, raw := range corpusRecords(t) {
		var r struct{ RequestParameters, ResponseElements json.RawMessage }
		if json.Unmarshal([]byte(raw), &r) != nil {
			continue
		}
		for _, rule := range resourceRules {
			checkPath(t, string(r.RequestParameters), rule.path)
			checkPath(t, string(r.ResponseElements), rule.path)
			n++
		}
	}
	if n == 0 {
		t.Fatal("no records")
	}
}

func FuzzPathStrings(f *testing.F) {
	f.Add(`{"instancesSet":{"items":[{"instanceId":"i-1"},{"instanceId":"i-2"},null,[{"instanceId":"i-3"}]]}}`, "instancesSet/items/instanceId")
	f.Add(`{"a":"x","a":{"b":"y"},"\u0061":[{"b":"z"}]}`, "a/b")
	f.Add(`[[["s"]],"t",""]`, "")
	f.Add("{\"k\xff\":\"v\",\"k\ufffd\":\"w\"}", "k\ufffd")
	f.Fuzz(func(t *testing.T, doc, path string) {
		var p []string
		if path != "" {
			p = splitPath(path)
		}
		checkPath(t, doc, p)
	})
}

func splitPath(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
