package model

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math/bits"
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
	if e.ParseError == "" && e.Raw != "" {
		if ctrl, high := outputBytes(e.Raw); !ctrl {
			// The record parsed as an object (FromRecord set no
			// ParseError), so it is valid JSON; without a control byte
			// it is one line already (JSON strings cannot hold them raw)
			// and nothing below 0x7f needs escaping; spaces between
			// tokens are harmless. Skipping the validation and
			// compaction halves the cost of --print jsonl.
			// FuzzRecordJSON holds the decoder to this.
			if !high {
				return []byte(e.Raw)
			}
			return EscapeUnsafe([]byte(e.Raw))
		}
	}
	return recordJSONChecked(e)
}

// WriteRecordJSON writes RecordJSON(e) to w, the same bytes, without
// building them: a record with no byte below 0x20 is written straight
// from e.Raw, its unsafe runes escaped on the way. --print jsonl and json
// write every event through it.
func WriteRecordJSON(w *bufio.Writer, e *Event) {
	if e.ParseError == "" && e.Raw != "" {
		if ctrl, high := outputBytes(e.Raw); !ctrl {
			if !high {
				w.WriteString(e.Raw)
				return
			}
			writeEscaped(w, e.Raw)
			return
		}
	}
	w.Write(RecordJSON(e)) // the rare record to check, compact or wrap
}

// recordJSONChecked is RecordJSON of a record that may not be valid JSON
// or that holds raw control bytes: validated and compacted, or wrapped.
func recordJSONChecked(e *Event) []byte {
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

// writeEscaped writes valid, compact-enough JSON without control bytes
// to w with every unsafe rune escaped: EscapeUnsafe, streamed. Runs of
// bytes below 0x7f are written as they are.
func writeEscaped(w *bufio.Writer, s string) {
	var esc [12]byte
	start := 0
	for i := nextHigh(s, 0); i < len(s); i = nextHigh(s, i) {
		w.WriteString(s[start:i])
		r, n := utf8.DecodeRuneInString(s[i:])
		if seg := s[i : i+n]; firstUnsafe(seg) == len(seg) && r != '\u2028' && r != '\u2029' {
			w.WriteString(seg)
		} else {
			w.Write(appendUnicodeEscape(esc[:0], r))
		}
		i += n
		start = i
	}
	w.WriteString(s[start:])
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

// Eight bytes at a time: lowBits has every byte's low seven bits,
// highBit its top bit, as SWAR masks.
const (
	lowBits = 0x7f7f7f7f7f7f7f7f
	highBit = 0x8080808080808080
)

// load64 is the eight bytes of s at i, little-endian (one load).
func load64(s string, i int) uint64 {
	_ = s[i+7]
	return uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
		uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
}

// controlBytes has the top bit set in every byte of x below 0x20: a byte
// under 0x80 plus 0x60 reaches 0x80 only from 0x20 up, and no sum carries
// into the next byte.
func controlBytes(x uint64) uint64 { return ^((x&lowBits + 0x6060606060606060) | x) & highBit }

// highBytes has the top bit set in every byte of x from 0x7f up: a byte
// under 0x80 plus one reaches 0x80 only from 0x7f.
func highBytes(x uint64) uint64 { return (x | (x&lowBits + ones)) & highBit }

// outputBytes reports whether s holds a byte below 0x20 (ctrl) and one
// from 0x7f up (high), eight bytes at a time.
func outputBytes(s string) (ctrl, high bool) {
	var c, h uint64
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := load64(s, i)
		c |= controlBytes(x)
		h |= highBytes(x)
	}
	for ; i < len(s); i++ {
		if s[i] < 0x20 {
			c = 1
		}
		if s[i] >= 0x7f {
			h = 1
		}
	}
	return c != 0, h != 0
}

// nextHigh is the index of the first byte of s from i on that is 0x7f or
// above, or len(s).
func nextHigh(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		if m := highBytes(load64(s, i)); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= 0x7f {
			return i
		}
	}
	return len(s)
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
