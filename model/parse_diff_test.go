package model

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// referenceEvent is FromRecord with encoding/json as the only decoder: the
// independent reading every record's fast decode is held to.
func referenceEvent(raw string) (Event, error) {
	e := Event{Raw: raw}
	err := func() error {
		trimmed := strings.TrimSpace(raw)
		if trimmed == "" || trimmed[0] != '{' {
			return decodeRecord(raw, &e) // the same messages; no decoder runs
		}
		r, typeErr, fatal := stdRecord(raw)
		if fatal != nil {
			return fatal
		}
		return eventOf(&r, &e, typeErr)
	}()
	if e.ID == "" && raw != "" {
		e.ID = fallbackID(raw)
	}
	if err != nil {
		e.ParseError = err.Error()
	}
	return e, err
}

// checkAgainstReference fails t when the fast decoder and the reference
// read raw differently, and reports whether the fast path read it.
func checkAgainstReference(t *testing.T, what, raw string) bool {
	t.Helper()
	got, gotErr := FromRecord(raw)
	want, wantErr := referenceEvent(raw)
	if !reflect.DeepEqual(got, want) || (gotErr == nil) != (wantErr == nil) {
		t.Errorf("%s: the fast decoder and encoding/json disagree on\n%s\n fast %+v (%v)\n std  %+v (%v)", what, raw, got, gotErr, want, wantErr)
	}
	var r record
	var scratch recordScratch
	return scanRecord(raw, &r, &scratch)
}

// fastRecord is the fast decoder's record, linked; ok false when it
// leaves raw to encoding/json.
func fastRecord(raw string) (record, bool) {
	var r record
	scratch := new(recordScratch)
	if !scanRecord(raw, &r, scratch) {
		return record{}, false
	}
	link(&r, scratch)
	linkIdentity(scratch)
	return r, true
}

// corpusRecords is every record of the shared datasets and of the repo's
// testdata (log files, arrays, JSON lines, single records, gzipped or
// not), each exactly as its file holds it, keyed by where it is from.
func corpusRecords(t *testing.T) map[string]string {
	t.Helper()
	root := moduleRoot(t)
	dirs := []string{filepath.Join(root, "..", "shared", "datasets")}
	for _, d := range []string{"model", "fetch/localtrail", "testdata", "tui"} {
		dirs = append(dirs, filepath.Join(root, d, "testdata"))
	}
	out := map[string]string{}
	for _, dir := range dirs {
		_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".json") || strings.HasSuffix(path, ".jsonl") || strings.HasSuffix(path, ".gz")) {
				return nil
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return nil
			}
			if strings.HasSuffix(path, ".gz") {
				zr, err := gzip.NewReader(bytes.NewReader(b))
				if err != nil {
					return nil
				}
				if b, err = io.ReadAll(zr); err != nil {
					return nil
				}
			}
			for i, r := range splitRecords(b) {
				out[path+"#"+itoa(i)] = r
			}
			return nil
		})
	}
	return out
}

// splitRecords finds records by encoding/json (never by the code under
// test): the elements of Records or Events (their CloudTrailEvent), of a
// top-level array, each line of JSON lines, or the one object.
func splitRecords(b []byte) []string {
	var out []string
	var env struct {
		Records []json.RawMessage
		Events  []struct{ CloudTrailEvent string }
	}
	var arr []json.RawMessage
	switch {
	case json.Unmarshal(b, &env) == nil && (env.Records != nil || env.Events != nil):
		for _, r := range env.Records {
			out = append(out, string(r))
		}
		for _, ev := range env.Events {
			out = append(out, ev.CloudTrailEvent)
		}
	case json.Unmarshal(b, &arr) == nil:
		for _, r := range arr {
			out = append(out, string(r))
		}
	case json.Valid(b):
		out = append(out, string(b))
	default:
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			if line := strings.TrimSpace(sc.Text()); line != "" {
				out = append(out, line)
			}
		}
	}
	return out
}

func moduleRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("module root not found")
		}
		dir = parent
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// TestFastDecoderCorpus: every record of the datasets and testdata, as
// the file holds it and compacted to one line (as the trail reader hands
// it over), decodes to exactly the Event encoding/json gives; and the fast
// path reads every one of them (none falls back), so real records get its
// speed.
func TestFastDecoderCorpus(t *testing.T) {
	recs := corpusRecords(t)
	if len(recs) < 100 {
		t.Fatalf("only %d records found", len(recs))
	}
	fallbacks := 0
	for what, raw := range recs {
		var compact bytes.Buffer
		if json.Compact(&compact, []byte(raw)) == nil {
			if !checkAgainstReference(t, what+" (compacted)", compact.String()) {
				fallbacks++
				t.Logf("%s: left to encoding/json", what)
			}
		}
		if !checkAgainstReference(t, what, raw) && json.Valid([]byte(raw)) {
			fallbacks++
			t.Logf("%s: left to encoding/json as the file holds it", what)
		}
	}
	if fallbacks > 0 {
		t.Errorf("%d of %d records fell back to encoding/json", fallbacks, len(recs))
	}
	t.Logf("%d records", len(recs))
	s := newSynth(3)
	for i := range 2000 {
		if !checkAgainstReference(t, "synth "+itoa(i), s.record()) {
			t.Errorf("synthetic record %d fell back to encoding/json", i)
		}
	}
}

// TestFastDecoderHostile: inputs where the two decoders could part: the
// fast path must read each exactly as encoding/json does, or leave it to
// encoding/json.
func TestFastDecoderHostile(t *testing.T) {
	for _, raw := range hostileRecords {
		checkAgainstReference(t, "hostile", raw)
	}
	// Nesting far past any stack: a value skipped, and a record refused.
	deep := `{"eventTime":"2024-01-01T00:00:00Z","requestParameters":` + strings.Repeat("[", 200000) + strings.Repeat("]", 200000) + `}`
	checkAgainstReference(t, "deep", deep)
	checkAgainstReference(t, "deep open", `{"eventTime":"2024-01-01T00:00:00Z","x":`+strings.Repeat(`{"a":`, 100000))
	mid := `{"eventTime":"2024-01-01T00:00:00Z","x":` + strings.Repeat(`{"a":`, 600) + "1" + strings.Repeat("}", 600) + `}`
	checkAgainstReference(t, "mid", mid)
}

var hostileRecords = []string{
	`{"eventID":"a","eventID":"b","eventTime":"2024-01-01T00:00:00Z"}`,
	`{"eventID":"a","eventID":null,"eventTime":"2024-01-01T00:00:00Z"}`,
	`{"eventID":"a","EVENTID":"b","eventTime":"2024-01-01T00:00:00Z"}`,
	`{"EventName":"x","eventTime":"2024-01-01T00:00:00Z"}`,
	`{"event\u004eame":"x","eventTime":"2024-01-01T00:00:00Z"}`,
	`{"eventName":"a\u0000b\ud800c\ud83d\ude00\udc00","eventTime":"2024-01-01T00:00:00Z"}`,
	"{\"eventName\":\"a\xffb\xc3\",\"awsRegion\":\"\xe9t\xc3\xa9\",\"eventTime\":\"2024-01-01T00:00:00Z\"}",
	`{"eventName":"a\"b\\c\/d\b\f\n\r\t","eventTime":"2024-01-01T00:00:00Z"}`,
	`{"eventName":"a\x","eventTime":"2024-01-01T00:00:00Z"}`,
	`{"eventName":"a\u12","eventTime":"2024-01-01T00:00:00Z"}`,
	"{\"eventName\":\"a\tb\",\"eventTime\":\"2024-01-01T00:00:00Z\"}",
	`{"eventName":5,"eventTime":"2024-01-01T00:00:00Z"}`,
	`{"eventName":123456789012345678901234567890e999999,"eventTime":"2024-01-01T00:00:00Z"}`,
	`{"x":-0.5e+10,"y":[1,2,{"z":null}],"eventTime":"2024-01-01T00:00:00Z"}`,
	`{"x":01,"eventTime":"2024-01-01T00:00:00Z"}`,
	`{"x":1.,"eventTime":"2024-01-01T00:00:00Z"}`,
	`{"x":-,"eventTime":"2024-01-01T00:00:00Z"}`,
	`{"x":tru,"eventTime":"2024-01-01T00:00:00Z"}`,
	`{"x":[1,],"eventTime":"2024-01-01T00:00:00Z"}`,
	`{"x":{"a":1,},"eventTime":"2024-01-01T00:00:00Z"}`,
	`{"x":{"a" 1},"eventTime":"2024-01-01T00:00:00Z"}`,
	`{"eventTime":"2024-01-01T00:00:00Z",}`,
	`{"eventTime":"2024-01-01T00:00:00Z"} x`,
	"{\"eventTime\":\"2024-01-01T00:00:00Z\"}\x00",
	"{\"eventTime\":\"2024-01-01T00:00:00Z\",\"x\":\x00}",
	"{\"eventTime\":\"2024-01-01T00:00:00Z\",\"x\":[ 1 , 2 , { \"a\" : [ ] } ] }",
	`{"eventTime":"2024-01-01T00:00:00Z"}  ` + "\n\t",
	` {"eventTime":"2024-02-30T00:00:00Z"}`,
	`{"eventTime":"2024-02-29T23:59:60Z"}`,
	`{"eventTime":"2023-02-29T00:00:00Z"}`,
	`{"eventTime":"2024-02-29T00:00:00Z"}`,
	`{"eventTime":"2024-01-01t00:00:00z"}`,
	`{"eventTime":"2024-01-01T00:00:00.123Z"}`,
	`{"eventTime":"2024-01-01T00:00:00+02:00"}`,
	`{"eventTime":"+024-01-01T00:00:00Z"}`,
	`{"eventTime":"2024-01-01T00:00:00Z","readOnly":"TRUE"}`,
	`{"eventTime":"2024-01-01T00:00:00Z","readOnly":{"a":[true]}}`,
	`{"eventTime":"2024-01-01T00:00:00Z","readOnly":null}`,
	`{"eventTime":"2024-01-01T00:00:00Z","userIdentity":null}`,
	`{"eventTime":"2024-01-01T00:00:00Z","userIdentity":"x"}`,
	`{"eventTime":"2024-01-01T00:00:00Z","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/R/s","sessionContext":{"attributes":{"mfaAuthenticated":"true"},"sessionIssuer":{"userName":"R","type":"Role"}}}}`,
	`{"eventTime":"2024-01-01T00:00:00Z","userIdentity":{"type":"A"},"userIdentity":{"arn":"b"}}`,
	`{"eventTime":"2024-01-01T00:00:00Z","userIdentity":{"type":"IdentityCenterUser","onBehalfOf":{"userId":"u-1"}}}`,
	`{"eventTime":"2024-01-01T00:00:00Z","userIdentity":{"onBehalfOf":null,"sessionContext":null}}`,
	`{"eventTime":"2024-01-01T00:00:00Z","resources":[null,{"ARN":"a"},{"ARNPrefix":"p","type":"T"}]}`,
	`{"eventTime":"2024-01-01T00:00:00Z","resources":[1]}`,
	`{"eventTime":"2024-01-01T00:00:00Z","resources":[]}`,
	`{"eventTime":"2024-01-01T00:00:00Z","resources":null}`,
	`{"eventTime":"2024-01-01T00:00:00Z","resources":[{"ARN":"a"},{"ARN":"b"},{"ARN":"c"},{"ARN":"d"},{"ARN":"e"},{"arn":"f"}]}`,
	`{"eventTime":"2024-01-01T00:00:00Z","eventSource":"ec2.amazonaws.com","requestParameters":{"instancesSet":{"items":[{"instanceId":"i-1"},{"instanceId":"i-2"}]}}}`,
	`{"eventTime":"2024-01-01T00:00:00Z","eventName":"ConsoleLogin","additionalEventData":{"MFAUsed":"Yes"}}`,
	`{"eventTime":"2024-01-01T00:00:00Z","insightDetails":{"eventName":"X","eventSource":"y","state":"Start"}}`,
	`{"eventTime":"2024-01-01T00:00:00Z","eventName":"","insightDetails":{"eventName":"X"}}`,
	`{"eventTime":"2024-01-01T00:00:00Z","k\u00e9y":1,"kéy":2}`,
	`{"eventTime":"2024-01-01T00:00:00Z","userIdentity":{"ſessionContext":{}}}`,
	"\ufeff{\"eventTime\":\"2024-01-01T00:00:00Z\"}",
	"\v{\"eventTime\":\"2024-01-01T00:00:00Z\"}",
	`{"eventTime":"2024-01-01T00:00:00Z"`,
	`{"eventTime":"2024-01-01T00:00:00Z`,
	`{"eventTime":"2024-01-01T00:00:00Z","x":"\`,
	`{"eventTime":"2024-01-01T00:00:00Z","x":"\u`,
	`{"eventTime":"2024-01-01T00:00:00Z","x":[`,
	`{}`,
	`{"eventID":""}`,
	`[]`,
	`null`,
	``,
}
