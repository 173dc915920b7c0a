package model

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// referenceRecordJSON is RecordJSON as it was before it wrote straight
// from the record (issue 18), kept unchanged as the reference the fast
// writer must agree with byte for byte.
func referenceRecordJSON(e *Event) []byte {
	if e.ParseError == "" && e.Raw != "" && !referenceHasControlByte(e.Raw) {
		return referenceEscapeUnsafe([]byte(e.Raw))
	}
	var buf bytes.Buffer
	if json.Valid([]byte(e.Raw)) && json.Compact(&buf, []byte(e.Raw)) == nil {
		return referenceEscapeUnsafe(buf.Bytes())
	}
	wrapped, _ := json.Marshal(struct {
		EventID    string `json:"eventID"`
		EventTime  string `json:"eventTime"`
		EventName  string `json:"eventName"`
		Source     string `json:"eventSource"`
		Region     string `json:"awsRegion"`
		Username   string `json:"username"`
		ParseError string `json:"lazytrailParseError"`
		Raw        string `json:"rawCloudTrailEvent"`
	}{
		EventID: e.ID, EventTime: e.Time.Format("2006-01-02T15:04:05Z"), EventName: e.Name, Source: e.Source,
		Region: e.Region, Username: e.Username, ParseError: e.ParseError, Raw: e.Raw,
	})
	return referenceEscapeUnsafe(wrapped)
}

func referenceEscapeUnsafe(b []byte) []byte {
	clean := true
	for _, c := range b {
		if c >= 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for i := 0; i < len(b); {
		if b[i] < 0x7f {
			out = append(out, b[i])
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if Printable(string(b[i:i+n])) == string(b[i:i+n]) && r != '\u2028' && r != '\u2029' {
			out = append(out, b[i:i+n]...)
		} else {
			out = appendUnicodeEscape(out, r)
		}
		i += n
	}
	return out
}

func referenceHasControlByte(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 {
			return true
		}
	}
	return false
}

// checkOutputAgainstReference fails unless RecordJSON, WriteRecordJSON and the
// jsonl and json writers give the reference's bytes for e.
func checkOutputAgainstReference(t *testing.T, what string, e *Event) {
	t.Helper()
	want := referenceRecordJSON(e)
	if got := RecordJSON(e); !bytes.Equal(got, want) {
		t.Fatalf("%s: RecordJSON\n got %q\nwant %q", what, got, want)
	}
	var out bytes.Buffer
	w := bufio.NewWriterSize(&out, 16) // small: writes cross the buffer's end
	WriteRecordJSON(w, e)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Fatalf("%s: WriteRecordJSON\n got %q\nwant %q", what, out.Bytes(), want)
	}
	for _, f := range []struct {
		name   string
		framed string
	}{{"jsonl", string(want) + "\n"}, {"json", "[\n" + string(want) + ",\n" + string(want) + "\n]\n"}} {
		out.Reset()
		format, _ := FormatNamed(f.name)
		ew := format.New(w)
		ew.Event(e)
		if f.name == "json" {
			ew.Event(e)
		}
		if err := ew.End(); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		if out.String() != f.framed {
			t.Fatalf("%s: --print %s\n got %q\nwant %q", what, f.name, out.String(), f.framed)
		}
	}
}

// hostileVariants are s with what attackers put in records spliced into
// its strings: control bytes, DEL, C1 controls, bidi overrides, line
// separators, invalid UTF-8, a 4-byte rune, the replacement character.
func hostileVariants(s string) []string {
	inserts := []string{"\x1b[31m", "\x00", "\x7f", "\u0085", "\u009b", "\u202e", "\u2028", "\u2029", "\xff", "\xc3",
		"\xed\xa0\x80", "é", "日本", "🙂", "\ufffd", "\t", "\n", "\\u001b"}
	var out []string
	for k, ins := range inserts {
		// Inside the first string value long enough, and at a spot that
		// moves with k so different byte alignments are covered.
		i := strings.Index(s, `":"`)
		if i < 0 {
			i = strings.Index(s, `": "`)
		}
		if i < 0 {
			out = append(out, s+ins)
			continue
		}
		at := i + 3 + k%8
		if at > len(s) {
			at = len(s)
		}
		out = append(out, s[:at]+ins+s[at:])
		out = append(out, s[:at]+strings.Repeat(ins, 9)+s[at:])
	}
	return out
}

// TestRecordJSONSameAsReference: over every record of the shared
// datasets, as AWS pretty-prints them and compacted as log files hold
// them, and with hostile text spliced in, the output is byte for byte
// what the reference implementation writes; what a terminal could act on
// never gets through.
func TestRecordJSONSameAsReference(t *testing.T) {
	dir := datasetDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no records in %s: %v", dir, err)
	}
	checked := 0
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var raws []json.RawMessage
		if err := json.Unmarshal(b, &raws); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for i, raw := range raws {
			var compact bytes.Buffer
			if err := json.Compact(&compact, raw); err != nil {
				t.Fatal(err)
			}
			for _, text := range append([]string{string(raw), compact.String()}, hostileVariants(compact.String())...) {
				e, _ := FromRecord(text)
				what := filepath.Base(file) + " record " + string(rune('0'+i%10))
				checkOutputAgainstReference(t, what, &e)
				checkTerminalSafe(t, what, RecordJSON(&e))
				checked++
			}
		}
	}
	t.Logf("%d records checked", checked)
}

// checkTerminalSafe fails if out holds a byte or rune a terminal acts on,
// or bytes that are no UTF-8.
func checkTerminalSafe(t *testing.T, what string, out []byte) {
	t.Helper()
	if !utf8.Valid(out) {
		t.Fatalf("%s: invalid UTF-8 reaches the output: %q", what, out)
	}
	for _, r := range string(out) {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029' || r == '\u202e' {
			t.Fatalf("%s: %U reaches the output: %q", what, r, out)
		}
	}
}

// TestRecordJSONSameAsReferenceEdges covers what the datasets do not:
// every length around the eight-byte steps, a record of one high byte,
// events that did not parse, and events with no record.
func TestRecordJSONSameAsReferenceEdges(t *testing.T) {
	base := `{"eventID":"x","eventName":"abcdefghijklmnopqrstuvwxyz"}`
	for n := 0; n <= 40; n++ {
		for _, ins := range []string{"", "\x7f", "é", "\x1f", "\x80", "\u2028"} {
			raw := base[:min(n, len(base))] + ins + base[min(n, len(base)):]
			for _, pe := range []string{"", "not an object"} {
				e := Event{ID: "x", Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Raw: raw, ParseError: pe}
				checkOutputAgainstReference(t, "edge", &e)
			}
		}
	}
	for _, e := range []Event{{}, {ParseError: "empty"}, {Raw: "\xff"}, {Raw: "é"}, {Raw: "12345678\x7f"}} {
		checkOutputAgainstReference(t, "edge", &e)
	}
}

// FuzzWriteRecordJSON holds RecordJSON and WriteRecordJSON to the
// reference implementation on any record text, parsed or not.
func FuzzWriteRecordJSON(f *testing.F) {
	f.Add(`{"eventID":"a","userAgent":"x\u001b[31m"}`, false)
	f.Add("{\"a\":\"\u202e\xff\x7f\"}", false)
	f.Add("{\"a\":\n\"b\"}", false)
	f.Add("not json \x1b", true)
	f.Fuzz(func(t *testing.T, raw string, failed bool) {
		e := Event{ID: "id", Raw: raw}
		if failed {
			e.ParseError = "bad"
		}
		checkOutputAgainstReference(t, "fuzz", &e)
		// What parses as a record is also checked the way it arrives.
		if parsed, _ := FromRecord(raw); parsed.ParseError == "" {
			checkOutputAgainstReference(t, "fuzz parsed", &parsed)
			checkTerminalSafe(t, "fuzz parsed", RecordJSON(&parsed))
		}
	})
}
