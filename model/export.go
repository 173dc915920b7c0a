package model

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"
)

// The export formats: what --print jsonl and csv write and what the TUI's
// export writes to a file, one function each, so the two cannot differ.

// RecordJSON returns the event's raw record as one line of JSON that is safe
// to write to a terminal: compacted, with every character a terminal could
// act on (C1 controls, DEL, bidi overrides, U+2028/9) written as a \u
// escape, which JSON readers decode back to the same text. A record that is
// not valid JSON is wrapped in an object that carries it as a string, so
// the output stays valid JSON and nothing is lost.
func RecordJSON(e *Event) []byte {
	if e.ParseError == "" && e.Raw != "" && !hasControlByte(e.Raw) {
		// The record parsed as an object (FromRecord set no ParseError),
		// so it is valid JSON; without a control byte it is one line
		// already (JSON strings cannot hold them raw) and nothing below
		// 0x7f needs escaping; spaces between tokens are harmless.
		// Skipping the validation and compaction halves the cost of
		// --print jsonl. FuzzRecordJSON holds the decoder to this.
		return EscapeUnsafe([]byte(e.Raw))
	}
	var buf bytes.Buffer
	if json.Valid([]byte(e.Raw)) && json.Compact(&buf, []byte(e.Raw)) == nil {
		return EscapeUnsafe(buf.Bytes())
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
	return EscapeUnsafe(wrapped)
}

// EscapeUnsafe rewrites unsafe runes inside valid, compact JSON. Outside
// strings compact JSON holds only ASCII punctuation, digits and letters, so
// every byte >= 0x7f is inside a string and may be escaped there.
func EscapeUnsafe(b []byte) []byte {
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

func appendUnicodeEscape(out []byte, r rune) []byte {
	const hex = "0123456789abcdef"
	if r > 0xffff {
		r1, r2 := utf16Pair(r)
		out = appendUnicodeEscape(out, r1)
		return appendUnicodeEscape(out, r2)
	}
	return append(out, '\\', 'u', hex[r>>12&15], hex[r>>8&15], hex[r>>4&15], hex[r&15])
}

func utf16Pair(r rune) (rune, rune) {
	r -= 0x10000
	return 0xd800 + (r>>10)&0x3ff, 0xdc00 + r&0x3ff
}

// hasControlByte reports whether s holds a byte below 0x20.
func hasControlByte(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 {
			return true
		}
	}
	return false
}

// CSVHeader is the header row of the csv format, --print csv's and the
// TUI's export alike. Columns are only ever added at the end, so scripts
// that read them by position keep working.
var CSVHeader = []string{"time", "region", "event", "user", "source", "resources", "error", "source_ip", "read_only", "event_id", "account",
	"user_agent", "identity_arn", "access_key_id"}

// CSVRow is one event as a csv row, every field escaped for a terminal.
func CSVRow(e *Event) []string {
	names := make([]string, 0, len(e.Resources))
	for _, r := range e.Resources {
		names = append(names, r.Name)
	}
	key := e.AccessKeyID
	if key == "" {
		key = e.Identity.AccessKeyID
	}
	row := []string{e.Time.Format(time.RFC3339), e.Region, e.Name, Who(e), e.Source,
		strings.Join(names, " "), e.ErrorCode, e.SourceIP, e.ReadOnly.String(), e.ID, e.Account,
		e.UserAgent, e.Identity.ARN, key}
	for i := range row {
		row[i] = Printable(row[i])
	}
	return row
}
