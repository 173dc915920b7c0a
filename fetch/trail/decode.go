package trail

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"lazytrail/fetch"
	"lazytrail/model"
)

// shapesHint ends the message for a file that is none of the shapes.
const shapesHint = `expected a CloudTrail log file {"Records":[…]}, a JSON array of records, JSON lines, or aws cloudtrail lookup-events output {"Events":[…]}`

// maxRecordSkips is how many record skips one file reports one by one;
// the rest are summed up in one more line, so a file of a million bad
// records does not become a million lines.
const maxRecordSkips = 20

// Decode splits one decompressed file into events: the elements of its
// top-level "Records" array (a CloudTrail log file), of a top-level array,
// of JSON lines (or any sequence of JSON values), or of the "Events" of
// `aws cloudtrail lookup-events` output, whose EventId, Username,
// AccessKeyId, ReadOnly and Resources win over the record's. what names the
// file in skips.
//
// Each record that is not an object, is not valid JSON or has no eventTime
// that parses is left out with a Skip "<what> record N" and the rest goes
// on; a file that is none of the shapes is one Skip naming the file. The
// events are in file order; their Raw is a substring of data (compacted
// only when the record holds a raw newline, tab or CR, so that it prints
// as one line), so data is copied once here. Use decodeString to share the
// caller's string instead.
func Decode(what string, data []byte) ([]model.Event, []fetch.Skip) {
	return decodeString(what, string(data))
}

// decoder is the state of one file's decoding.
type decoder struct {
	what   string
	s      string
	n      int // records seen, for the "record N" of skips
	events []model.Event
	skips  []fetch.Skip
	more   int // record skips past maxRecordSkips
}

func decodeString(what, s string) ([]model.Event, []fetch.Skip) {
	d := decoder{what: what, s: strings.TrimPrefix(s, "\ufeff")}
	d.file()
	if d.more > 0 {
		d.skips = append(d.skips, fetch.Skip{What: what, Why: fmt.Sprintf("%d more records skipped", d.more)})
	}
	return d.events, d.skips
}

func (d *decoder) fileSkip(format string, args ...any) {
	d.skips = append(d.skips, fetch.Skip{What: d.what, Why: fmt.Sprintf(format, args...)})
}

func (d *decoder) recordSkip(why string) {
	if len(d.skips) >= maxRecordSkips {
		d.more++
		return
	}
	d.skips = append(d.skips, fetch.Skip{What: d.what + " record " + strconv.Itoa(d.n), Why: why})
}

// file walks the top-level values. When the first value is on one line
// and the next begins on another, the file is JSON lines and is split at
// newlines (which JSON strings cannot hold), so one bad line costs only
// itself; otherwise values follow each other as a stream.
func (d *decoder) file() {
	s := d.s
	i := skipWS(s, 0)
	if i == len(s) {
		d.fileSkip("empty; %s", shapesHint)
		return
	}
	if c := s[i]; c != '{' && c != '[' && !strings.HasPrefix(s[i:], "null") {
		d.fileSkip("not JSON (it starts with %s); %s", quoteStart(s[i:]), shapesHint)
		return
	}
	end, ok := d.value(i, true, false)
	if !ok {
		return
	}
	next := skipWS(s, end)
	if next == len(s) {
		return
	}
	if !strings.Contains(s[i:end], "\n") && strings.Contains(s[end:next], "\n") {
		d.lines(next)
		return
	}
	for i = next; i < len(s); i = skipWS(s, end) {
		if end, ok = d.value(i, false, false); !ok {
			return
		}
	}
}

// lines decodes s[i:] as JSON lines.
func (d *decoder) lines(i int) {
	s := d.s
	defer func() { d.s = s }()
	for i < len(s) {
		nl := strings.IndexByte(s[i:], '\n')
		line := s[i:]
		if nl >= 0 {
			line = s[i : i+nl]
			i += nl + 1
		} else {
			i = len(s)
		}
		// The scanner works on d.s: point it at the line (a substring,
		// so records still share the file's string).
		d.s = line
		for j := skipWS(line, 0); j < len(line); {
			end, ok := d.value(j, false, true)
			if !ok {
				break
			}
			j = skipWS(line, end)
		}
	}
}

// value decodes the value at i and returns where it ends; ok false means
// the rest of the input cannot be split (and was reported). A value cut
// short is the end of the file, or with line set, of one bad line.
func (d *decoder) value(i int, first, line bool) (int, bool) {
	s := d.s
	switch s[i] {
	case '[':
		if line {
			break // a line holding an array: taken as one (bad) record
		}
		return d.array(i, d.record)
	case '{':
		if end, ok := d.envelope(i); ok {
			return end, true
		}
	}
	end, raw, ok := valueEnd(s, i)
	if !ok {
		if line {
			d.n++
			d.recordSkip("not valid JSON: the line ends inside a string, object or array")
			return len(s), false
		}
		d.truncated()
		return 0, false
	}
	if first && s[i] == '{' && skipWS(s, end) == len(s) {
		// A file holding one object that is not an envelope: one record,
		// or a file that is not a log file at all.
		before := len(d.events)
		d.record(i, end, raw)
		if len(d.events) == before && len(d.skips) == 1 {
			why := d.skips[0].Why
			d.skips = d.skips[:0]
			d.fileSkip("one JSON object that is not a record (%s); %s", why, shapesHint)
		}
		return end, true
	}
	d.record(i, end, raw)
	return end, true
}

func (d *decoder) truncated() {
	if d.n == 0 {
		d.fileSkip("not valid JSON: it ends inside a string, object or array (truncated?)")
		return
	}
	d.fileSkip("not valid JSON after record %d: it ends inside a string, object or array (truncated?)", d.n)
}

// envelope reads the object at i member by member; if it has a "Records"
// or "Events" key it decodes that array and returns true. A plain record
// (or an object too broken to split into members) returns false, to be
// taken whole.
func (d *decoder) envelope(i int) (int, bool) {
	s := d.s
	var records, events = -1, -1
	j := skipWS(s, i+1)
	for j < len(s) && s[j] != '}' {
		if s[j] != '"' {
			return 0, false
		}
		kend, ok := stringEnd(s, j)
		if !ok {
			return 0, false
		}
		key := s[j+1 : kend-1]
		j = skipWS(s, kend)
		if j == len(s) || s[j] != ':' {
			return 0, false
		}
		j = skipWS(s, j+1)
		if j == len(s) {
			return 0, false
		}
		switch key {
		case "Records":
			records = j
		case "Events":
			events = j
		}
		vend, _, ok := valueEnd(s, j)
		if !ok {
			if records >= 0 || events >= 0 {
				break // decode what is there; the array reports the truncation
			}
			return 0, false
		}
		j = skipWS(s, vend)
		if j < len(s) && s[j] == ',' {
			j = skipWS(s, j+1)
		} else if j < len(s) && s[j] != '}' {
			return 0, false
		}
	}
	end := min(j+1, len(s))
	switch {
	case records >= 0:
		if s[records] != '[' {
			d.fileSkip(`its "Records" key is not a list of records; %s`, shapesHint)
			return end, true
		}
		if _, ok := d.array(records, d.record); !ok {
			return len(s), true
		}
	case events >= 0:
		if s[events] != '[' {
			d.fileSkip(`its "Events" key is not a list of lookup events; %s`, shapesHint)
			return end, true
		}
		if _, ok := d.array(events, d.lookupEvent); !ok {
			return len(s), true
		}
	default:
		return 0, false
	}
	if j >= len(s) {
		d.truncated()
		return len(s), true
	}
	return end, true
}

// array calls each for every element of the array at i (s[i] == '[') and
// returns where the array ends. ok is false when the array is cut short
// or broken, which is reported.
func (d *decoder) array(i int, each func(start, end int, raw bool)) (int, bool) {
	s := d.s
	j := skipWS(s, i+1)
	if j < len(s) && s[j] == ']' {
		return j + 1, true
	}
	for j < len(s) {
		end, raw, ok := valueEnd(s, j)
		if !ok {
			d.truncated()
			return 0, false
		}
		if end == j {
			d.fileSkip("not valid JSON after record %d: %s where a record should be", d.n, quoteStart(s[j:]))
			return 0, false
		}
		each(j, end, raw)
		j = skipWS(s, end)
		if j == len(s) {
			break
		}
		switch s[j] {
		case ',':
			j = skipWS(s, j+1)
			if j < len(s) && s[j] == ']' { // a trailing comma: forgiven
				return j + 1, true
			}
		case ']':
			return j + 1, true
		default:
			d.fileSkip("not valid JSON after record %d: %s where a comma or ] should be", d.n, quoteStart(s[j:]))
			return 0, false
		}
	}
	d.truncated()
	return 0, false
}

// record decodes s[start:end], one record; raw says it holds a raw
// newline, tab or CR outside its strings.
func (d *decoder) record(start, end int, raw bool) {
	d.n++
	r := d.s[start:end]
	if r[0] != '{' {
		d.recordSkip(notObject(r))
		return
	}
	if raw {
		r = compact(r)
	}
	e, err := model.FromRecord(r)
	if e.Time.IsZero() {
		d.recordSkip(noTime(err))
		return
	}
	d.events = append(d.events, e)
}

func noTime(err error) string {
	if err != nil {
		return err.Error()
	}
	return "no eventTime"
}

func notObject(r string) string {
	switch r[0] {
	case 'n':
		if r == "null" {
			return "null, not a record"
		}
	case '[':
		return "a JSON array, not a record object"
	case '"':
		return "a JSON string, not a record object"
	case 't', 'f':
		if r == "true" || r == "false" {
			return "a JSON boolean, not a record object"
		}
	default:
		if _, err := strconv.ParseFloat(r, 64); err == nil {
			return "a JSON number, not a record object"
		}
	}
	return "not valid JSON: " + quoteStart(r)
}

// lookupEvent is one element of lookup-events output.
type lookupEvent struct {
	EventId         *string
	EventTime       json.RawMessage
	Username        *string
	AccessKeyId     *string
	ReadOnly        *string
	Resources       []struct{ ResourceType, ResourceName *string }
	CloudTrailEvent *string
}

func (d *decoder) lookupEvent(start, end int, _ bool) {
	d.n++
	r := d.s[start:end]
	if r[0] != '{' {
		d.recordSkip(notObject(r))
		return
	}
	var le lookupEvent
	if err := json.Unmarshal([]byte(r), &le); err != nil {
		d.recordSkip("not a lookup event: " + err.Error())
		return
	}
	if le.CloudTrailEvent == nil || *le.CloudTrailEvent == "" {
		d.recordSkip("a lookup event without CloudTrailEvent")
		return
	}
	rec := *le.CloudTrailEvent
	if hasRawSpace(rec) {
		rec = compact(rec)
	}
	e, err := model.FromRecord(rec)
	if e.Time.IsZero() {
		e.Time = lookupTime(le.EventTime)
	}
	if e.Time.IsZero() {
		d.recordSkip(noTime(err))
		return
	}
	if le.EventId != nil && *le.EventId != "" {
		e.ID = *le.EventId
	}
	if le.Username != nil {
		e.Username = *le.Username
	}
	if le.AccessKeyId != nil {
		e.AccessKeyID = *le.AccessKeyId
	}
	if le.ReadOnly != nil {
		switch strings.ToLower(*le.ReadOnly) {
		case "true":
			e.ReadOnly = model.True
		case "false":
			e.ReadOnly = model.False
		}
	}
	if len(le.Resources) > 0 {
		e.Resources = make([]model.Resource, len(le.Resources))
		for i, res := range le.Resources {
			e.Resources[i] = model.Resource{Type: deref(res.ResourceType), Name: deref(res.ResourceName)}
		}
	}
	d.events = append(d.events, e)
}

// lookupTime reads the CLI's EventTime, used only when the record has no
// eventTime of its own: an ISO 8601 string (the CLI's default), or seconds
// since the epoch (the raw API's shape).
func lookupTime(raw json.RawMessage) time.Time {
	if len(raw) == 0 {
		return time.Time{}
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t.UTC()
		}
		return time.Time{}
	}
	if f, err := strconv.ParseFloat(string(raw), 64); err == nil && f > 0 && f < 1e11 {
		sec := int64(f)
		return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC()
	}
	return time.Time{}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// quoteStart quotes the first few bytes of s for a message.
func quoteStart(s string) string {
	if len(s) > 16 {
		return strconv.Quote(s[:16]) + "…"
	}
	return strconv.Quote(s)
}

// The structural scanner: it finds where values end without decoding
// them. It knows strings and escapes and counts nesting; whether what it
// skipped is valid JSON is left to the record parser.

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

func skipWS(s string, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

// stringEnd returns the index just past the string starting at s[i] ==
// '"'; ok is false when the string does not end.
func stringEnd(s string, i int) (int, bool) {
	j := i + 1
	for {
		k := strings.IndexByte(s[j:], '"')
		if k < 0 {
			return len(s), false
		}
		q := j + k
		// The quote is escaped if an odd number of backslashes precede it.
		b := q
		for b > j && s[b-1] == '\\' {
			b--
		}
		if (q-b)%2 == 0 {
			return q + 1, true
		}
		j = q + 1
	}
}

// delim marks the bytes that end a scalar (a number, true, null or junk).
var delim = [256]bool{' ': true, '\n': true, '\t': true, '\r': true, ',': true, ']': true, '}': true, '[': true, '{': true, '"': true, ':': true}

// valueEnd returns the index just past the value starting at s[i] (not
// white space), whether it holds a raw newline, tab or CR outside its
// strings, and ok false when the input ends inside it.
func valueEnd(s string, i int) (end int, raw bool, ok bool) {
	switch s[i] {
	case '"':
		end, ok = stringEnd(s, i)
		return end, false, ok
	case '{', '[':
	default:
		j := i
		for j < len(s) && !delim[s[j]] {
			j++
		}
		if j == i {
			j++ // a stray delimiter is junk of its own
		}
		return j, false, true
	}
	depth := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '"':
			e, ok := stringEnd(s, j)
			if !ok {
				return len(s), raw, false
			}
			j = e - 1
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return j + 1, raw, true
			}
		case '\n', '\t', '\r':
			raw = true
		}
	}
	return len(s), raw, false
}

// hasRawSpace reports whether s holds a newline, tab or CR outside its
// strings (inside them they are invalid JSON anyway).
func hasRawSpace(s string) bool {
	return strings.ContainsAny(s, "\n\t\r")
}

// compact drops the white space outside strings, so a pretty-printed
// record becomes one line. Strings are copied as they are.
func compact(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"':
			e, _ := stringEnd(s, i)
			b.WriteString(s[i:e])
			i = e
		case isSpace(c):
			i++
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}
