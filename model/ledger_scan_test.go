package model

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// ledgerPathValues is ledgerPathValuesHeld with a buffer of its own.
func ledgerPathValues(doc string, path []string, yield func(string)) {
	var held []string
	ledgerPathValuesHeld(doc, path, &held, yield)
}

// ledgerLastMembers, the tests' reference for the leaf reading, sets spans[j] to the text of the last member of the
// object doc named keys[j] ("" when it has none).
func ledgerLastMembers(doc string, keys, spans []string) {
	clear(spans)
	c := ledgerScan{s: doc}
	c.ws()
	if c.i >= len(c.s) || c.s[c.i] != '{' {
		return
	}
	c.members(func(key string, start, end int) bool {
		for j, k := range keys {
			if key == k {
				spans[j] = doc[start:end]
			}
		}
		return false
	})
}

// ledgerMemberText is a member's own text, cut from a text that may run
// on past it.
func ledgerMemberText(s string) string {
	if s == "" {
		return ""
	}
	c := ledgerScan{s: s}
	c.skip()
	return s[:c.i]
}

// ledgerScanPaths are the paths the differential tests walk: every rule's
// (members and "[]" dropped: pathValues walks arrays wherever they are)
// and some that reach objects, arrays, numbers, booleans and nulls.
func ledgerScanPaths() [][]string {
	paths := [][]string{
		{"userIdentity"}, {"userIdentity", "sessionContext", "attributes", "mfaAuthenticated"}, {"resources"}, {"resources", "ARN"},
		{"readOnly"}, {"responseElements"}, {"requestParameters"}, {"eventTime"}, {"additionalEventData", "bytesTransferredIn"},
		{"requestParameters", "instancesSet", "items"}, {"responseElements", "instancesSet", "items", "instanceState", "code"},
		{"responseElements", "instancesSet", "items", "blockDeviceMapping"}, {"missing", "deeper"},
	}
	for _, r := range LedgerRules {
		for _, calls := range ledgerCallsOf(r) {
			for _, c := range calls {
				for _, p := range append([]string{c.ID}, c.Size...) {
					paths = append(paths, strings.Split(strings.ReplaceAll(p, "[]", ""), "."))
				}
			}
		}
	}
	return paths
}

func collectPath(walk func(string, []string, func(string)), doc string, path []string) []string {
	var out []string
	walk(doc, path, func(v string) { out = append(out, v) })
	return out
}

// ledgerScanAgrees compares the fast walk with pathValues on one record
// the decoder accepted.
func ledgerScanAgrees(t *testing.T, raw string, paths [][]string) {
	t.Helper()
	for _, p := range paths {
		want := collectPath(pathValues, raw, p)
		got := collectPath(ledgerPathValues, raw, p)
		if !slices.Equal(got, want) {
			t.Errorf("path %v of %.200q:\n got %q\nwant %q", p, raw, got, want)
		}
	}
	// Reading an element's keys as it is walked finds what walking to the
	// elements and reading each one again does.
	for _, calls := range ledgerCalls {
		for _, c := range calls {
			if c.itemKeys == nil {
				continue
			}
			member := first(raw, []string{c.each.member})
			var want []string
			ledgerPathValues(member, c.each.keys, func(item string) {
				spans := make([]string, len(c.itemKeys))
				ledgerLastMembers(item, c.itemKeys, spans)
				want = append(want, spans...)
			})
			var held []string
			got := collectPath(func(doc string, path []string, yield func(string)) {
				ledgerPathValuesLeaves(doc, path, &held, c.itemKeys, yield)
			}, member, c.each.keys)
			if !slices.Equal(got, want) {
				t.Errorf("%s %v of %.200q:\n got %q\nwant %q", c.each.member, c.itemKeys, raw, got, want)
			}
		}
	}
	req, resp := ledgerMembers(raw, needRequest|needResponse)
	// Asked for one, the same member (its text may run on further).
	if r, _ := ledgerMembers(raw, needRequest); !strings.HasPrefix(r, ledgerMemberText(req)) || (r == "") != (req == "") {
		t.Errorf("requestParameters alone of %.200q: %q, want %q", raw, r, req)
	}
	if _, r := ledgerMembers(raw, needResponse); !strings.HasPrefix(r, ledgerMemberText(resp)) || (r == "") != (resp == "") {
		t.Errorf("responseElements alone of %.200q: %q, want %q", raw, r, resp)
	}
	var top map[string]json.RawMessage // encoding/json keeps the last too
	if err := json.Unmarshal([]byte(raw), &top); err != nil {
		return // not an object: nothing to find
	}
	for name, got := range map[string]string{"requestParameters": req, "responseElements": resp} {
		want := string(top[name])
		if !strings.HasPrefix(want, "{") {
			want = "" // only an object can name a resource
		}
		// The member that ended the reading runs on to the record's end.
		if !strings.HasPrefix(got, want) || (got == "") != (want == "") {
			t.Errorf("%s of %.200q: %q, want %q", name, raw, got, want)
		}
		// Walked from there, it yields what the whole record's walk does.
		for _, p := range paths {
			if len(p) < 2 || p[0] != name {
				continue
			}
			full := collectPath(pathValues, raw, p)
			if !strings.HasPrefix(want, "{") {
				continue // a member of another kind is no member here
			}
			if part := collectPath(ledgerPathValues, got, p[1:]); !slices.Equal(part, full) {
				t.Errorf("%v from the member of %.200q: %q, want %q", p, raw, part, full)
			}
		}
	}
}

// TestLedgerPathValuesAgrees holds the fast walk to pathValues' answers
// over every record the tests have: the ledger's, the decoder's, the
// stratus set's (where present) and the synthetic ones, plus records made
// to trip a structural scan (escapes, brackets and braces in strings,
// duplicate keys, non-ASCII, whitespace).
func TestLedgerPathValuesAgrees(t *testing.T) {
	paths := ledgerScanPaths()
	var raws []string
	for _, r := range readLedgerTestRecords(t, ledgerRecordsFile) {
		raws = append(raws, r.raw)
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "records", "*.json"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		raws = append(raws, string(b))
	}
	s := newSynth(7)
	for range 2000 {
		raws = append(raws, s.record())
	}
	raws = append(raws,
		`{"requestParameters":{"a":1},"responseElements":{"x":"}\"]{["},"requestParameters":{"instancesSet":{"items":[{"instanceId":"i-1"},{"instanceId":"i-\u0032"}]}}}`,
		` { "responseElements" : { "volumeId" : "vol-\\\"1" , "size" : 100 , "volumeType" : "gp3" } , "eventName" : "x" } `,
		`{"resp\u006fnseElements":{"volumeId":"vol-é\ud83d\ude00"},"requestParameters":null,"userIdentity":{"type":"[{\"\\"}}`,
		`{"requestParameters":{"instancesSet":{"items":[[{"instanceId":"a"}],[],{"instanceId":["b",null,7,true,{"x":1}]}]}},"responseElements":[]}`,
		`{"requestParameters":"str","responseElements":{"instancesSet":{"items":{"instanceId":"obj-not-array"}}}}`,
		`{"responseElements":{"instancesSet":{"items":[null,7,"s",{"instanceId":"i-x","instanceType":null},{"instanceType":"t3.micro"}]}}}`,
		`{"requestParameters":{"a":1},"responseElements":{"b":2},"request\u0050arameters":{"instanceId":"escaped-duplicate"}}`,
		`{"requestParameters":{"a":1},"responseElements":{"b":2},"note":"requestParameters\"","responseElements":{"volumeId":"late"}}`,
		`{"responseElements":{"b":2},"requestParameters":{"a":1},"x":{"requestParameters":{"nested":"not top"}}}`,
	)
	if dir := datasetDirOrEmpty(); dir != "" {
		files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range ledgerRecordsOfArray(t, b) {
				raws = append(raws, r.raw)
			}
		}
	}
	checked := 0
	for _, raw := range raws {
		// What the builder walks fast is what the decoder accepted:
		// valid JSON.
		if !json.Valid([]byte(raw)) {
			t.Fatalf("not JSON: %q", raw)
		}
		checked++
		ledgerScanAgrees(t, raw, paths)
	}
	if checked < 2000 {
		t.Errorf("only %d records checked", checked)
	}
}

// FuzzLedgerPathValues: on any record the decoder accepts, the fast walk
// finds what pathValues finds; on anything at all it neither panics nor
// hangs.
func FuzzLedgerPathValues(f *testing.F) {
	for _, r := range readLedgerTestRecords(f, ledgerRecordsFile)[:12] {
		f.Add(r.raw)
	}
	f.Add(`{"requestParameters":{"a":"\\\"}"},"responseElements":[{"b":[1,{"c":"]"}]}]}`)
	paths := ledgerScanPaths()
	f.Fuzz(func(t *testing.T, raw string) {
		for _, p := range paths[:12] {
			ledgerPathValues(raw, p, func(string) {})
		}
		ledgerMembers(raw, needRequest|needResponse)
		if !json.Valid([]byte(raw)) {
			return
		}
		ledgerScanAgrees(t, raw, paths)
	})
}

func TestLedgerScanBrokenText(t *testing.T) {
	// Not JSON: no panic, no hang, and nothing made up past the break.
	for _, s := range []string{``, `{`, `{"a`, `{"a":`, `{"a":"b`, `{"a":[1,`, `{"a":{"b":"\`, `"\`, `[`, `{"a"}`, `{"a":1 "b":2}`, `{,}`, `[,]`, `{"a"::1}`, "{\"a\":\"\x01\"}"} {
		for _, p := range [][]string{{"a"}, {"a", "b"}, {}} {
			got := collectPath(ledgerPathValues, s, p)
			for _, v := range got {
				if !strings.Contains(s, v) {
					t.Errorf("%q %v yields %q, which is not in the text", s, p, v)
				}
			}
		}
		ledgerMembers(s, needRequest)
	}
}
