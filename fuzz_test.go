package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"math"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"

	"lazytrail/fetch/lookup"
	"lazytrail/model"
)

// terminalActive reports a rune a terminal could act on, or that would
// break a one-line message: C0 and C1 controls, DEL, bidi overrides and
// isolates, line and paragraph separators.
func terminalActive(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) ||
		(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x2028 || r == 0x2029
}

// checkUsageLine fails unless err is a usageError whose message is one
// line of valid UTF-8 with nothing a terminal would act on: run() prints
// it to stderr as it is.
func checkUsageLine(t *testing.T, what string, err error) {
	t.Helper()
	var ue usageError
	if !errors.As(err, &ue) {
		t.Fatalf("%s: error %T %q is not a usageError", what, err, err)
	}
	msg := ue.Error()
	if msg == "" || !utf8.ValidString(msg) || strings.ContainsFunc(msg, terminalActive) {
		t.Fatalf("%s: usage message is not one clean line: %q", what, msg)
	}
}

// FuzzParseArgs feeds whole command lines (arguments separated by NUL,
// which no real argument can contain): parseArgs never panics, every
// mistake is one clean usage line, and what it accepts is a real window.
func FuzzParseArgs(f *testing.F) {
	for _, args := range [][]string{
		{"--demo"},
		{"--since", "7d", "--until", "1d"},
		{"--since", "2026-11-01", "--until", "2026-11-02T08:30:00Z", "--print", "csv", "--limit", "5"},
		{"--region", "eu-west-1,us-east-1", "--lookup", "EventName=RunInstances", "--user", "skeddly-"},
		{"--rate", "0.5", "--endpoint-url", "http://127.0.0.1:4599"},
		{"--bogus"},
		{"--region"},
		{"--since", "yesterday"},
		{"--since", "1d", "--until", "7d"},
		{"--demo", "--profile", "prod"},
		{"--records", "/nonexistent/\x1b]0;title\x07"},
		{"--\x1b[2J"},
		{"---x"},
		{"--user", "a\x1bb"},
		{"--rate", "NaN"},
		{"--since", "1e5w"},
		{"--lookup", "=x"},
		{"--print", "xml\u202e"},
		{"extra", "words"},
		{"-h"},
	} {
		f.Add(strings.Join(args, "\x00"))
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Split(line, "\x00")
		var help bytes.Buffer
		o, err := parseArgs(args, &help, testNow)
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		if err != nil {
			checkUsageLine(t, "parseArgs", err)
			return
		}
		if o.version {
			return
		}
		if !o.start.Before(o.end) {
			t.Fatalf("accepted %q with start %v not before end %v", args, o.start, o.end)
		}
		if o.start.Location() != time.UTC || o.end.Location() != time.UTC {
			t.Fatalf("accepted %q with a window not in UTC: %v to %v", args, o.start, o.end)
		}
		if o.limit < 0 || !(o.rate > 0) {
			t.Fatalf("accepted %q with limit %d rate %v", args, o.limit, o.rate)
		}
		if _, _, err := lookup.Regions(context.Background(), aws.Config{}, o.region, ""); o.region != "all" && err != nil {
			t.Fatalf("accepted --region %q, which region discovery then refuses: %v", o.region, err)
		}
		if u, err := url.Parse(o.endpointURL); o.endpointURL != "" && (err != nil || u.Host == "") {
			t.Fatalf("accepted --endpoint-url %q, which the SDK cannot use (%v)", o.endpointURL, err)
		}
		if strings.ContainsFunc(o.user, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			t.Fatalf("accepted a --user with a control character: %q", o.user)
		}
	})
}

// FuzzParseTimeFlag checks --since/--until values: never a panic, errors
// are clean usage lines, times come back in UTC, and a duration back from
// now lands in the past by exactly that much.
func FuzzParseTimeFlag(f *testing.F) {
	for _, v := range []string{"90d", "7d", "12h", "30m", "2w", "1.5d", " 3d ", "0d", "-1d", "2026-11-01",
		"2026-11-01T08:00", "2026-11-01T08:00:00", "2026-11-01T08:00:00Z", "2026-11-01T08:00:00.123+02:00",
		"yesterday", "", "d", "w", "NaNd", "Infw", "1e5d", "99999w", "0x10d", "9999999h", "1e308d", "\x1b[2Jd"} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, value string) {
		got, err := parseTimeFlag("--since", value, testNow)
		if err != nil {
			checkUsageLine(t, "parseTimeFlag", err)
			return
		}
		if got.Location() != time.UTC {
			t.Fatalf("%q gave %v, not UTC", value, got)
		}
		d, ok := model.ParseAgo(strings.TrimSpace(value))
		if !ok {
			return
		}
		if d < 0 {
			t.Fatalf("%q accepted a negative duration %v", value, d)
		}
		if !got.Equal(testNow.Add(-d)) || got.After(testNow) {
			t.Fatalf("%q: %v back from %v gave %v", value, d, testNow, got)
		}
	})
}

// FuzzParseAgo checks the day and week forms against their arithmetic, so
// an overflow cannot turn "a long way back" into a negative (or wrong) span.
func FuzzParseAgo(f *testing.F) {
	for _, v := range []string{"1d", "2w", "1.5d", "1e5d", "99999w", "NaNd", "-Infw", "1h", "-3d", "1e-300d"} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := model.ParseAgo(v)
		if !ok || v == "" || (v[len(v)-1] != 'd' && v[len(v)-1] != 'w') {
			return
		}
		unit := 24 * time.Hour
		if v[len(v)-1] == 'w' {
			unit *= 7
		}
		want := float64(d) / float64(unit)
		var n float64
		if err := json.Unmarshal([]byte(strings.TrimLeft(v[:len(v)-1], "+")), &n); err != nil {
			return // a form ParseFloat takes and JSON does not (hex, Inf, NaN): only sign checked
		}
		if math.Signbit(want) != math.Signbit(n) && d != 0 {
			t.Fatalf("%q: %v has the wrong sign", v, d)
		}
		if math.Abs(want-n) > 1e-6*math.Max(1, math.Abs(n)) {
			t.Fatalf("%q: got %v (%v units), want %v units", v, d, want, n)
		}
	})
}

// FuzzRecordJSON feeds arbitrary raw records to the --print json/jsonl
// encoder: the output is always valid JSON without a terminal-active
// character, a valid record decodes to the same value, and an invalid one
// is carried whole inside the wrapper.
func FuzzRecordJSON(f *testing.F) {
	for _, raw := range []string{
		`{"eventName":"RunInstances","userAgent":"plain"}`,
		"{\"userAgent\":\"csi \u009b2J bidi \u202egnp.exe \u00e9\u4e16 sep \u2028 \U0001F600\"}",
		"{\n  \"eventName\" : \"Pretty\",\n  \"n\" : [1, 2.50, -0, 1e400]\n}",
		`{"a":"\u001b]52;c;cHduZWQ=\u0007","b":"\ud800"}`,
		"{\"bad utf8\":\"\xff\xfe\x80\"}",
		"{\"del\":\"\x7f\"}",
		`"just a string"`, `[]`, `null`, `12`,
		"{\"oops\x1b]0;pwned\x07",
		"",
		strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
	} {
		f.Add(raw, "StopInstances", "skeddly-1\x1b[31m")
	}
	f.Fuzz(func(t *testing.T, raw, name, user string) {
		// Built as every source builds events: FromRecord says whether
		// the record parsed, which model.RecordJSON relies on.
		parsed, _ := model.FromRecord(raw)
		e := &model.Event{ID: "id-1", Name: name, Username: user, Raw: raw, Time: testNow, ParseError: parsed.ParseError}
		out := model.RecordJSON(e)
		if !json.Valid(out) {
			t.Fatalf("output is not JSON: %q from %q", out, raw)
		}
		if !utf8.Valid(out) || bytes.ContainsFunc(out, terminalActive) {
			t.Fatalf("output carries a terminal-active character: %q", out)
		}
		if json.Valid([]byte(raw)) {
			want, werr := decodeExact([]byte(raw))
			got, gerr := decodeExact(out)
			if werr == nil && (gerr != nil || got != want) {
				t.Fatalf("record changed:\n got %s (%v)\nwant %s", got, gerr, want)
			}
			return
		}
		var wrapped struct {
			Raw  string `json:"rawCloudTrailEvent"`
			Name string `json:"eventName"`
			User string `json:"username"`
		}
		if err := json.Unmarshal(out, &wrapped); err != nil {
			t.Fatalf("wrapper does not decode: %v: %q", err, out)
		}
		if wrapped.Raw != validUTF8PerByte(raw) || wrapped.Name != validUTF8PerByte(name) || wrapped.User != validUTF8PerByte(user) {
			t.Fatalf("wrapper lost data: %+v from %q", wrapped, raw)
		}
	})
}

// FuzzEscapeUnsafe checks model.EscapeUnsafe on its own over any compact JSON a
// value can marshal to, including strings of arbitrary bytes.
func FuzzEscapeUnsafe(f *testing.F) {
	for _, s := range []string{"plain", "\x1b[2J\x07", "\u009b\u202e\u2028\u2066", "\xff\xc0\x80", "\U0001F600 \u00e9", "\ud7ff\ue000\uffff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		compact, err := json.Marshal(map[string]any{"k": s, "n": []any{1, s, nil}})
		if err != nil {
			t.Fatal(err)
		}
		out := model.EscapeUnsafe(compact)
		if !json.Valid(out) || !utf8.Valid(out) || bytes.ContainsFunc(out, terminalActive) {
			t.Fatalf("EscapeUnsafe(%q) = %q", compact, out)
		}
		var v struct {
			K string `json:"k"`
			N []any  `json:"n"`
		}
		if err := json.Unmarshal(out, &v); err != nil || v.K != validUTF8PerByte(s) || len(v.N) != 3 || v.N[1] != v.K {
			t.Fatalf("EscapeUnsafe(%q) decodes to %+v (%v)", compact, v, err)
		}
	})
}

// decodeExact decodes JSON keeping numbers as written, and re-encodes it,
// so two documents compare equal exactly when they hold the same value.
func decodeExact(b []byte) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", err
	}
	if _, err := dec.Token(); err != io.EOF {
		return "", errors.New("trailing data")
	}
	out, err := json.Marshal(v)
	return string(out), err
}

// validUTF8PerByte is what encoding/json makes of a Go string: each
// invalid byte becomes U+FFFD.
func validUTF8PerByte(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(r)
	}
	return b.String()
}
