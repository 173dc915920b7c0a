package main

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"lazytrail/model"
)

// Output JSON is valid, decodes to the same record, and carries no byte a
// terminal could act on.
func TestRecordJSONIsSafeAndLossless(t *testing.T) {
	raws := []string{
		`{"eventName":"RunInstances","userAgent":"plain"}`,
		"{\"userAgent\":\"csi \u009b2J and bidi \u202egnp.exe and ok \u00e9\u4e16 and line \u2028 sep\"}",
		"{\"userAgent\":\"emoji \U0001F600\"}",
		"{\n  \"eventName\" : \"Pretty\",\n  \"n\" : [1, 2]\n}",
	}
	for _, raw := range raws {
		e := &model.Event{Raw: raw}
		out := model.RecordJSON(e)
		assertTerminalSafe(t, out)
		var a, b any
		if err := json.Unmarshal(out, &a); err != nil {
			t.Fatalf("%q: output is not JSON: %v: %q", raw, err, out)
		}
		_ = json.Unmarshal([]byte(raw), &b)
		if ja, jb := mustJSON(t, a), mustJSON(t, b); ja != jb {
			t.Errorf("record changed:\n got %s\nwant %s", ja, jb)
		}
	}
}

func TestRecordJSONWrapsInvalidRecords(t *testing.T) {
	e := &model.Event{ID: "id-1", Name: "StopInstances", Raw: "{\"oops\x1b]0;pwned\x07", ParseError: "unexpected end"}
	out := model.RecordJSON(e)
	assertTerminalSafe(t, out)
	var v map[string]string
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("wrapped output is not JSON: %v: %q", err, out)
	}
	if v["rawCloudTrailEvent"] != e.Raw || v["eventID"] != "id-1" || v["lazytrailParseError"] != "unexpected end" {
		t.Errorf("wrapped record lost data: %v", v)
	}
}

func assertTerminalSafe(t *testing.T, b []byte) {
	t.Helper()
	if !utf8.Valid(b) {
		t.Errorf("output is not valid UTF-8: %q", b)
	}
	for _, r := range string(b) {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x2028 || r == 0x2029 {
			t.Errorf("output carries %U: %q", r, b)
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
