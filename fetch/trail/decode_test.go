package trail

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"lazytrail/fetch"
	"lazytrail/fetch/trail/trailtest"
	"lazytrail/model"
)

// decodeString decodes s through decodeStream, the reader every path of
// the program (pages, arrivals, single records) decodes files with.
func decodeString(what, s string) ([]model.Event, []fetch.Skip) {
	var evs []model.Event
	skips := decodeStream(what, strings.NewReader(s), false, 0, nil, func(e model.Event) { evs = append(evs, e) })
	return evs, skips
}

func rec(id, tm string) string {
	return fmt.Sprintf(`{"eventVersion":"1.10","eventID":%q,"eventTime":%q,"eventName":"RunInstances","awsRegion":"us-east-1","recipientAccountId":"111122223333","userIdentity":{"type":"IAMUser","userName":"adam"}}`, id, tm)
}

// ids lists the events' ids in order.
func ids(evs []model.Event) string {
	var b []string
	for _, e := range evs {
		b = append(b, e.ID)
	}
	return strings.Join(b, ",")
}

func whys(sk []fetch.Skip) string {
	var b []string
	for _, s := range sk {
		b = append(b, s.What+": "+s.Why)
	}
	return strings.Join(b, "\n")
}

func TestDecodeShapes(t *testing.T) {
	a, b, c := rec("a", "2024-01-01T00:00:03Z"), rec("b", "2024-01-01T00:00:02Z"), rec("c", "2024-01-01T00:00:01Z")
	cases := []struct {
		name, in string
		ids      string
		shared   bool // every Raw is a record of the input as it is
	}{
		{"records", `{"Records":[` + a + `,` + b + `,` + c + `]}`, "a,b,c", true},
		{"records with other keys first", `{"x":[1,{"Records":2}],"Records":[` + a + `]}`, "a", true},
		{"bom and white space", "\ufeff \r\n{ \"Records\" : [ " + a + " , " + b + " ] }\n\n", "a,b", true},
		{"array", `[` + a + `,` + b + `]`, "a,b", true},
		{"empty records", `{"Records":[]}`, "", true},
		{"json lines", a + "\n" + b + "\r\n\n" + c + "\n", "a,b,c", true},
		{"concatenated files", `{"Records":[` + a + `]}{"Records":[` + b + `]}`, "a,b", true},
		{"envelopes as lines", `{"Records":[` + a + `]}` + "\n" + `{"Records":[` + b + `,` + c + `]}`, "a,b,c", true},
		{"one record", a, "a", true},
		{"escapes and brackets in strings", `{"Records":[{"eventID":"x\"]}\\","eventTime":"2024-01-01T00:00:00Z","requestParameters":{"s":"[[[{{{\\\"","t":[["]"]]}},` + b + `]}`, `x"]}\,b`, true},
		{"trailing comma", `[` + a + `,]`, "a", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			evs, skips := decodeString("f", in)
			if got := ids(evs); got != tc.ids {
				t.Errorf("ids = %q, want %q; skips:\n%s", got, tc.ids, whys(skips))
			}
			if len(skips) > 0 {
				t.Errorf("skips:\n%s", whys(skips))
			}
			for _, e := range evs {
				if tc.shared && !strings.Contains(in, e.Raw) {
					t.Errorf("%s: Raw is not a record of the file as it is: %q", e.ID, e.Raw)
				}
				if e.Time.IsZero() || e.ParseError != "" {
					t.Errorf("%s: time %v, parse error %q", e.ID, e.Time, e.ParseError)
				}
			}
		})
	}
}

func TestDecodePrettyIsCompacted(t *testing.T) {
	var v any
	_ = json.Unmarshal([]byte(rec("a", "2024-01-01T00:00:00Z")), &v)
	pretty, _ := json.MarshalIndent(map[string]any{"Records": []any{v, v}}, "", "\t")
	evs, skips := decodeString("f", string(pretty))
	if len(evs) != 2 || len(skips) != 0 {
		t.Fatalf("%d events, skips %s", len(evs), whys(skips))
	}
	for _, e := range evs {
		if strings.ContainsAny(e.Raw, "\n\t\r") || !json.Valid([]byte(e.Raw)) {
			t.Errorf("Raw not one valid line: %q", e.Raw)
		}
		if e.Username != "adam" || e.Account != "111122223333" {
			t.Errorf("event %+v", e)
		}
	}
}

func TestDecodeTimes(t *testing.T) {
	for _, tm := range []string{"2024-01-01T00:00:00Z", "2024-01-01T00:00:00.123456Z", "2024-01-01T02:00:00+02:00", "2024-01-01T00:00:00", "20240101T000000Z"} {
		evs, skips := decodeString("f", `[`+rec("a", tm)+`]`)
		if len(evs) != 1 || len(skips) != 0 {
			t.Errorf("eventTime %q: %d events, skips %s", tm, len(evs), whys(skips))
			continue
		}
		if got := evs[0].Time.Truncate(1e9).Format("2006-01-02T15:04:05Z"); got != "2024-01-01T00:00:00Z" {
			t.Errorf("eventTime %q read as %s", tm, got)
		}
	}
}

func TestDecodeRecordSkips(t *testing.T) {
	good := rec("good", "2024-01-01T00:00:00Z")
	in := `{"Records":[` + strings.Join([]string{
		good,
		`null`,
		`{"eventID":"no-time"}`,
		`{"eventID":"odd","eventTime":"yesterday"}`,
		`{"eventID":"num","eventTime":17}`,
		`{"eventID":"bad","eventTime":"2024-01-01T00:00:00Z",}`,
		`"a string"`,
		`[1,2]`,
		`42`,
		`true`,
		rec("good2", "2024-01-01T00:00:00Z"),
	}, ",") + `]}`
	evs, skips := decodeString("f.json", in)
	if ids(evs) != "good,good2" {
		t.Errorf("ids %q", ids(evs))
	}
	want := []struct{ what, why string }{
		{"f.json record 2", "null, not a record"},
		{"f.json record 3", "no eventTime"},
		{"f.json record 4", `eventTime "yesterday" is not an RFC 3339 time`},
		{"f.json record 5", "eventTime is a JSON number"},
		{"f.json record 6", "not valid JSON"},
		{"f.json record 7", "a JSON string"},
		{"f.json record 8", "a JSON array"},
		{"f.json record 9", "a JSON number"},
		{"f.json record 10", "a JSON boolean"},
	}
	if len(skips) != len(want) {
		t.Fatalf("skips:\n%s", whys(skips))
	}
	for i, w := range want {
		if skips[i].What != w.what || !strings.Contains(skips[i].Why, w.why) {
			t.Errorf("skip %d = %q: %q; want %q: …%s…", i, skips[i].What, skips[i].Why, w.what, w.why)
		}
	}
}

func TestDecodeJSONLinesBadLine(t *testing.T) {
	in := rec("a", "2024-01-01T00:00:03Z") + "\n" +
		`{"eventID":"cut","eventTime":"2024-01-01T00:00:00Z","x":"no end` + "\n" +
		rec("b", "2024-01-01T00:00:02Z") + "\n" +
		`{"eventID":"x"}}` + "\n" +
		rec("c", "2024-01-01T00:00:01Z")
	evs, skips := decodeString("f", in)
	if ids(evs) != "a,b,c" {
		t.Errorf("ids %q; skips:\n%s", ids(evs), whys(skips))
	}
	if len(skips) != 3 || skips[0].What != "f record 2" || skips[1].What != "f record 4" {
		t.Errorf("skips:\n%s", whys(skips))
	}
}

func TestDecodeFileSkips(t *testing.T) {
	a := rec("a", "2024-01-01T00:00:00Z")
	cases := []struct {
		name, in, ids, why string
	}{
		{"not json", "hello world", "", "not JSON"},
		{"binary", "\x1f\x8b\x08\x00garbage", "", "not JSON"},
		{"empty", " \n", "", "empty"},
		{"null", "null", "", "null, not a record"},
		{"records not a list", `{"Records":{"a":1}}`, "", `"Records" key is not a list`},
		{"an object that is no record", `{"hello":"world"}`, "", "one JSON object that is not a record"},
		{"truncated records", `{"Records":[` + a + `,{"eventID":"b","eventTi`, "a", "after record 1"},
		{"truncated object", `{"Records":[` + a + `]`, "a", "truncated"},
		{"junk between records", `{"Records":[` + a + ` x ` + a + `]}`, "a", "where a comma or ] should be"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			evs, skips := decodeString("f", tc.in)
			if ids(evs) != tc.ids {
				t.Errorf("ids %q, want %q", ids(evs), tc.ids)
			}
			if len(skips) != 1 || !strings.Contains(skips[0].Why, tc.why) {
				t.Errorf("skips:\n%s\nwant one with %q", whys(skips), tc.why)
			}
		})
	}
}

func TestDecodeLookupEvents(t *testing.T) {
	inner := rec("rec-id", "2024-01-01T00:00:00Z")
	pretty := strings.ReplaceAll(inner, ",", ",\n  ")
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	in := `{"Events":[` +
		`{"EventId":"lookup-id","EventName":"RunInstances","EventTime":"2024-01-01T00:00:00+00:00","Username":"lookup-user","AccessKeyId":"AKIA1","ReadOnly":"true","Resources":[{"ResourceType":"AWS::EC2::Instance","ResourceName":"i-1"}],"CloudTrailEvent":` + q(inner) + `},` +
		`{"EventId":"pretty","CloudTrailEvent":` + q(pretty) + `},` +
		`{"EventId":"none"},` +
		`{"EventId":"fallback-time","EventTime":1704067200.5,"CloudTrailEvent":"{\"eventName\":\"X\"}"}` +
		`],"NextToken":"x"}`
	evs, skips := decodeString("f", in)
	if ids(evs) != "lookup-id,pretty,fallback-time" {
		t.Fatalf("ids %q; skips\n%s", ids(evs), whys(skips))
	}
	if len(skips) != 1 || skips[0].What != "f record 3" {
		t.Errorf("skips:\n%s", whys(skips))
	}
	e := evs[0]
	if e.Username != "lookup-user" || e.AccessKeyID != "AKIA1" || e.ReadOnly != model.True ||
		len(e.Resources) != 1 || e.Resources[0].Name != "i-1" || e.Raw != inner {
		t.Errorf("lookup fields do not win: %+v", e)
	}
	if strings.Contains(evs[1].Raw, "\n") {
		t.Errorf("pretty CloudTrailEvent not compacted: %q", evs[1].Raw)
	}
	if evs[2].Time.Unix() != 1704067200 {
		t.Errorf("fallback time %v", evs[2].Time)
	}
}

func TestDecodeCapsRecordSkips(t *testing.T) {
	in := "[" + strings.Repeat("null,", 1000) + rec("a", "2024-01-01T00:00:00Z") + "]"
	evs, skips := decodeString("f", in)
	if len(evs) != 1 || len(skips) != maxRecordSkips+1 || !strings.Contains(skips[maxRecordSkips].Why, "980 more records skipped") {
		t.Errorf("%d events, %d skips, last %v", len(evs), len(skips), skips[len(skips)-1])
	}
}

// sameByteByByte checks that decoding in arrives at the same events and
// skips when the reader gives one byte at a time: the scanner then picks
// up where it stopped at every byte (inside strings, after a backslash,
// inside white space and between members).
func sameByteByByte(t *testing.T, in string, evs []model.Event, skips []fetch.Skip) {
	t.Helper()
	var got []model.Event
	gotSkips := decodeStream("f", iotest.OneByteReader(strings.NewReader(in)), false, 0, nil, func(e model.Event) { got = append(got, e) })
	if len(got) != len(evs) || whys(gotSkips) != whys(skips) {
		t.Fatalf("byte by byte: %d events, skips\n%s\nwhole: %d events, skips\n%s", len(got), whys(gotSkips), len(evs), whys(skips))
	}
	for i := range got {
		if got[i].ID != evs[i].ID || got[i].Raw != evs[i].Raw || !got[i].Time.Equal(evs[i].Time) {
			t.Fatalf("byte by byte, event %d: %s %q; whole: %s %q", i, got[i].ID, got[i].Raw, evs[i].ID, evs[i].Raw)
		}
	}
}

// Every shape, skip and hostile case decodes the same when it arrives a
// byte at a time.
func TestDecodeByteByByte(t *testing.T) {
	a, b := rec("a", "2024-01-01T00:00:03Z"), rec("b", "2024-01-01T00:00:02Z")
	for _, in := range []string{
		`{"Records":[` + a + `,` + b + `]}`,
		`{"x":[1,{"Records":2}],"Records":[` + a + `]}`,
		"\ufeff \r\n{ \"Records\" : [ " + a + " , " + b + " ] }\n\n",
		a + "\n" + b + "\r\n\n" + a + "\n",
		`{"Records":[` + a + `]}{"Records":[` + b + `]}`,
		`{"Records":[{"eventID":"x\"]}\\","eventTime":"2024-01-01T00:00:00Z","requestParameters":{"s":"[[[{{{\\\"","t":[["]"]]}},` + b + `]}`,
		`{"Records":[null,{"eventID":"no-time"},"s",[1],42,true,` + a + `,]}`,
		a + "\n" + `{"eventID":"cut","x":"no end` + "\n" + b + "\n" + `{"eventID":"x"}}`,
		`{"Records":[` + a + `,{"eventID":"b","eventTi`,
		`{"Records":[` + a + ` x ` + a + `]}`,
		`{"hello":"world"}`,
		`{"Events":[{"EventId":"x","CloudTrailEvent":"{\"eventTime\":\"2024-01-01T00:00:00Z\"}"}],"NextToken":"t"}`,
		"hello", "", "null", `"\\\\"`,
	} {
		evs, skips := decodeString("f", in)
		sameByteByByte(t, in, evs, skips)
	}
}

func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\t' || r == '\r' {
			return -1
		}
		return r
	}, s)
}

// FuzzDecode: the splitter never panics, and every event it emits has a
// time and a Raw that is one line of valid JSON taken from the input (a
// substring, or one with white space dropped; lookup-events records are
// decoded from a JSON string, so only their validity is checked).
func FuzzDecode(f *testing.F) {
	a, b := rec("a", "2024-01-01T00:00:03Z"), rec("b", "2024-01-01T00:00:02.5Z")
	for _, s := range []string{
		`{"Records":[` + a + `,` + b + `]}`,
		"\ufeff[" + a + ",\n\t" + b + "]",
		a + "\n" + b + "\n",
		`{"Records":[null,1,"x",` + a + `]}{"Records":[` + b + `]}`,
		`{"Events":[{"EventId":"x","CloudTrailEvent":"{\"eventTime\":\"2024-01-01T00:00:00Z\"}"}]}`,
		`{"Records":[{"eventID":"x\"]}\\","eventTime":"2024-01-01T00:00:00Z","p":{"s":"[[{"}}]}`,
		`{"Records":[{"eventTime":"2024-01-01T00:00:00Z",`,
		"{\"eventTime\":\"2024-01-01T00:00:00Z\",\t\"a\":1}\n}]\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in := string(data)
		evs, skips := decodeString("f", in)
		sameByteByByte(t, in, evs, skips)
		lookup := strings.Contains(in, `"Events"`)
		flat := stripSpace(in)
		for _, e := range evs {
			if e.Time.IsZero() {
				t.Fatalf("event without time: %q", e.Raw)
			}
			if !json.Valid([]byte(e.Raw)) {
				t.Fatalf("Raw is not valid JSON: %q", e.Raw)
			}
			if lookup {
				continue
			}
			if strings.ContainsAny(e.Raw, "\n\r") {
				t.Fatalf("Raw spans lines: %q", e.Raw)
			}
			if !strings.Contains(in, e.Raw) && !strings.Contains(flat, stripSpace(e.Raw)) {
				t.Fatalf("Raw %q is not from the input", e.Raw)
			}
		}
		for _, s := range skips {
			if s.What == "" || s.Why == "" {
				t.Fatalf("empty skip %+v", s)
			}
		}
	})
}

// BenchmarkDecode: the splitter and model.FromRecord over one 1,000-record
// log file (decompressed), in MB/s and events/s.
func BenchmarkDecode(b *testing.B) {
	tree := trailtest.Generate(trailtest.Spec{FilesPerDay: 1, RecordsPerFile: 1000})
	var raw []byte
	for _, f := range tree.Files() {
		zr, err := gzip.NewReader(bytesReader(f.Body))
		if err != nil {
			b.Fatal(err)
		}
		raw, _ = io.ReadAll(zr)
	}
	s := string(raw)
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		evs, skips := decodeString("f", s)
		if len(skips) != 0 {
			b.Fatal(skips)
		}
		n += len(evs)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}

type byteReader struct {
	b []byte
}

func bytesReader(b []byte) io.Reader { return &byteReader{b} }

func (r *byteReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}

// BenchmarkSplit: the structural splitter alone (no record parsing) over
// the same file, to tell its cost from model.FromRecord's.
func BenchmarkSplit(b *testing.B) {
	tree := trailtest.Generate(trailtest.Spec{FilesPerDay: 1, RecordsPerFile: 1000})
	zr, err := gzip.NewReader(bytesReader(tree.Files()[0].Body))
	if err != nil {
		b.Fatal(err)
	}
	raw, _ := io.ReadAll(zr)
	s := string(raw)
	b.SetBytes(int64(len(s)))
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		d := decoder{what: "f", w: newWindow(strings.NewReader(s), maxRecordBytes, 0)}
		d.w.ahead(64)
		d.w.pos = strings.Index(s, "[")
		d.array(func(string, bool) { n++ })
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
}
