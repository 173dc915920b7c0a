package trail

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"lazytrail/fetch"
	"lazytrail/model"
)

// shapesHint ends the message for a file that is none of the shapes.
const shapesHint = `expected a CloudTrail log file {"Records":[…]}, a JSON array of records, JSON lines, or aws cloudtrail lookup-events output {"Events":[…]}`

// maxRecordSkips is how many record skips one file reports one by one;
// the rest are summed up in one more line, so a file of a million bad
// records does not become a million lines.
const maxRecordSkips = 20

// maxRecordBytes is the most one record (or one line of JSON lines, or an
// envelope's member before its "Records") may take; a larger one is read
// past and skipped, so a gzip bomb of one endless record costs no more.
// CloudTrail's own records stay far below (a few hundred KB at most).
var maxRecordBytes = 16 << 20

// decodeStream splits one decompressed file into events as it is read:
// the elements of its top-level "Records" array (a CloudTrail log file),
// of a top-level array, of JSON lines (or any sequence of JSON values), or
// of the "Events" of `aws cloudtrail lookup-events` output, whose EventId,
// Username, AccessKeyId, ReadOnly and Resources win over the record's.
// what names the file in skips.
//
// Each record that is not an object, is not valid JSON, is larger than
// maxRecordBytes or has no eventTime that parses is left out with a Skip
// "<what> record N" and the rest goes on; a file that is none of the shapes
// is one Skip naming the file. emit gets the events in file order, each as
// soon as its record is parsed, and no more than about maxRecordBytes of
// the file are held at once; each Raw is the record as it is in the file,
// sharing a chunk of the file's text with its neighbours (compacted only
// when the record holds a raw newline, tab or CR, so that it prints as one
// line). gz says r is gunzipped, for the wording of a read error: one that
// ends the file is a Skip naming what was kept ("cut short after record
// N"). limit, when not 0, ends the file after that many bytes the same way.
//
// keep, when not nil, is the consumer's filter's cheap test: a record of a
// log file it rules out is passed over undecoded (not emitted, and not
// reported even if it is broken: it could not have been printed), and the
// Raw of a record it keeps is a copy of its own, so that the few records
// a filter keeps do not hold the chunks of the many it drops. (Lookup
// events are always decoded: their envelope overrides the record's user
// name and more, which the test reads from the record.)
func decodeStream(what string, r io.Reader, gz bool, limit int64, keep *model.Prefilter, emit func(model.Event)) []fetch.Skip {
	d := decoder{what: what, w: newWindow(r, maxRecordBytes, limit), emit: emit, gz: gz, keep: keep}
	return d.run()
}

// decoder is the state of one file's decoding.
type decoder struct {
	what  string
	w     *window
	emit  func(model.Event)
	gz    bool
	keep  *model.Prefilter
	s     string // the line being decoded (JSON lines)
	n     int    // records seen, for the "record N" of skips
	skips []fetch.Skip
	more  int  // record skips past maxRecordSkips
	nl    bool // white space skipped held a newline
	cut   bool // the end of the input was reported
}

func (d *decoder) run() []fetch.Skip {
	d.file()
	if d.w.err != nil && !d.cut {
		d.truncated()
	}
	if d.more > 0 {
		d.skips = append(d.skips, fetch.Skip{What: d.what, Why: fmt.Sprintf("%d more records skipped", d.more)})
	}
	return d.skips
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

func tooBig() string {
	return "larger than " + bytesText(int64(maxRecordBytes)) + " (the most one record may take); skipped"
}

// peek skips white space and returns the next byte; false at the end.
func (d *decoder) peek() (byte, bool) {
	w := d.w
	for {
		for w.pos < len(w.buf) {
			c := w.buf[w.pos]
			if !isSpace(c) {
				return c, true
			}
			if c == '\n' {
				d.nl = true
			}
			w.pos++
		}
		if !w.more() {
			return 0, false
		}
	}
}

// unit is one value read whole.
type unit struct {
	s        string // the value, sharing the window's chunk (empty when big)
	raw, nl  bool   // see scanner
	big, cut bool   // larger than maxRecordBytes (read past); the input ended inside it
}

// unit reads the value at pos (not white space) to its end.
func (d *decoder) unit() unit {
	w := d.w
	own := w.mark < 0
	if own {
		w.mark = w.pos
	}
	rel, drops := w.pos-w.mark, w.drops
	var sc scanner
	j, done := sc.begin(w.buf, w.pos)
	for !done {
		w.pos = j
		if !w.more() {
			done = sc.scalar // a scalar may end at the end of the input
			j = len(w.buf)
			break
		}
		j, done = sc.scan(w.buf, w.pos)
	}
	w.pos = j
	u := unit{raw: sc.raw, nl: sc.nl, cut: !done, big: w.drops != drops}
	if !u.big && !u.cut {
		u.s = w.take(w.mark+rel, j)
	}
	if own {
		w.mark = -1
	}
	return u
}

// file walks the top-level values. When the first value is on one line
// and the next begins on another, the file is JSON lines and is split at
// newlines (which JSON strings cannot hold), so one bad line costs only
// itself; otherwise values follow each other as a stream.
func (d *decoder) file() {
	if string(d.w.ahead(3)) == "\ufeff" {
		d.w.pos += 3
	}
	c, ok := d.peek()
	if !ok {
		if d.w.err == nil {
			d.fileSkip("empty; %s", shapesHint)
		}
		return
	}
	if c != '{' && c != '[' && string(d.w.ahead(4)) != "null" {
		d.fileSkip("not JSON (it starts with %s); %s", quoteStart(string(d.w.ahead(17))), shapesHint)
		d.cut = true // what follows is not looked at
		return
	}
	d.nl = false
	one, ok := d.value(true)
	if !ok {
		return
	}
	one.nl = one.nl || d.nl // an envelope or array: the white space inside
	d.nl = false
	_, more := d.peek()
	if one.s != "" && !more && d.w.err == nil {
		d.single(one.s, one.raw)
		return
	}
	if one.s != "" {
		d.record(one.s, one.raw)
	}
	if !more {
		return
	}
	if !one.nl && d.nl {
		d.lines()
		return
	}
	for more {
		if _, ok := d.value(false); !ok {
			return
		}
		_, more = d.peek()
	}
}

// single decodes a file holding one object that is not an envelope: one
// record, or a file that is not a log file at all.
func (d *decoder) single(s string, raw bool) {
	emitted := false
	emit := d.emit
	d.emit = func(e model.Event) { emitted = true; emit(e) }
	d.record(s, raw)
	d.emit = emit
	if !emitted && len(d.skips) == 1 {
		why := d.skips[0].Why
		d.skips = d.skips[:0]
		d.fileSkip("one JSON object that is not a record (%s); %s", why, shapesHint)
	}
}

// value decodes the top-level value at pos; ok false means the rest of
// the input cannot be split (and was reported). With first set, an object
// that is not an envelope is returned (not decoded): what follows decides
// whether it is the file's only record.
func (d *decoder) value(first bool) (unit, bool) {
	switch d.w.buf[d.w.pos] {
	case '[':
		return unit{}, d.array(d.record)
	case '{':
		u, env, ok := d.object()
		if env || !ok {
			return unit{}, ok
		}
		if first {
			return u, true
		}
		d.record(u.s, u.raw)
		return unit{}, true
	}
	u := d.unit()
	if !d.whole(u) {
		return unit{}, false
	}
	if !u.big {
		d.record(u.s, u.raw)
	}
	return unit{nl: u.nl}, true
}

// whole reports a unit cut short or too big; false when the input ended.
func (d *decoder) whole(u unit) bool {
	if u.big {
		d.n++
		d.recordSkip(tooBig())
	}
	if u.cut {
		d.truncated()
		return false
	}
	return true
}

func (d *decoder) truncated() {
	d.cut = true
	if err := d.w.err; err != nil {
		cause := readText(d.gz, err)
		if err == errTooLarge {
			cause = "larger than " + bytesText(d.w.limit) + " once decompressed (the limit)"
		}
		if d.n == 0 {
			d.fileSkip("%s", cause)
			return
		}
		d.fileSkip("cut short after record %d (%s); the records before it are kept", d.n, cause)
		return
	}
	if d.n == 0 {
		d.fileSkip("not valid JSON: it ends inside a string, object or array (truncated?)")
		return
	}
	d.fileSkip("not valid JSON after record %d: it ends inside a string, object or array (truncated?)", d.n)
}

// object reads the object at pos member by member, keeping it, until a
// "Records" or "Events" key: from there it is an envelope (env), whose
// array is decoded record by record as it is read and the rest skipped.
// An object without such a key, or too broken to split into members, is
// returned whole, to be taken as one record.
func (d *decoder) object() (u unit, env, ok bool) {
	w := d.w
	w.mark = w.pos
	w.pos++
	drops := w.drops
	for w.drops == drops {
		c, ok := d.peek()
		if !ok || c != '"' {
			break // the end, or not an envelope
		}
		k := d.unit()
		if k.cut || k.big {
			break
		}
		key := k.s[1 : len(k.s)-1]
		if c, ok = d.peek(); !ok || c != ':' {
			break
		}
		w.pos++
		if c, ok = d.peek(); !ok {
			break
		}
		if key == "Records" || key == "Events" {
			w.mark = -1
			return unit{}, true, d.envelope(key, c)
		}
		if v := d.unit(); v.cut || v.big {
			break
		}
		if c, ok = d.peek(); !ok || c != ',' {
			break
		}
		w.pos++
	}
	if w.drops != drops {
		// Too big to keep before any "Records": one record too big.
		w.mark = -1
		var sc scanner
		sc.depth = 1
		for {
			j, done := sc.scan(w.buf, w.pos)
			w.pos = j
			if done {
				return unit{}, false, d.whole(unit{big: true})
			}
			if !w.more() {
				return unit{}, false, d.whole(unit{big: true, cut: true})
			}
		}
	}
	w.pos, w.mark = w.mark, -1
	u = d.unit()
	return u, false, d.whole(u) && !u.big
}

// envelope decodes the value of an envelope's key (c its first byte) and
// skips the members after it.
func (d *decoder) envelope(key string, c byte) bool {
	if c != '[' {
		if key == "Records" {
			d.fileSkip(`its "Records" key is not a list of records; %s`, shapesHint)
		} else {
			d.fileSkip(`its "Events" key is not a list of lookup events; %s`, shapesHint)
		}
		if u := d.unit(); u.cut {
			d.truncated()
			return false
		}
	} else {
		each := d.record
		if key == "Events" {
			each = d.lookupEvent
		}
		if !d.array(each) {
			return false
		}
	}
	for {
		c, ok := d.peek()
		switch {
		case !ok:
			d.truncated()
			return false
		case c == '}':
			d.w.pos++
			return true
		case c == ',':
			d.w.pos++
			if c, ok = d.peek(); ok && c == '"' {
				if k := d.unit(); k.cut {
					d.truncated()
					return false
				}
				if c, ok = d.peek(); ok && c == ':' {
					d.w.pos++
					if _, ok = d.peek(); ok {
						if v := d.unit(); !v.cut {
							continue
						}
					}
				}
			}
			if !ok {
				d.truncated()
				return false
			}
			fallthrough
		default:
			d.fileSkip("not valid JSON after record %d: %s where a member or } should be", d.n, quoteStart(string(d.w.ahead(17))))
			return false
		}
	}
}

// array calls each for every element of the array at pos as it is read.
// ok is false when the array is cut short or broken, which is reported.
func (d *decoder) array(each func(r string, raw bool)) bool {
	w := d.w
	w.pos++
	c, ok := d.peek()
	if ok && c == ']' {
		w.pos++
		return true
	}
	for ok {
		u := d.unit()
		if !d.whole(u) {
			return false
		}
		if !u.big {
			each(u.s, u.raw)
		}
		if c, ok = d.peek(); !ok {
			break
		}
		switch c {
		case ',':
			w.pos++
			if c, ok = d.peek(); ok && c == ']' { // a trailing comma: forgiven
				w.pos++
				return true
			}
		case ']':
			w.pos++
			return true
		default:
			d.fileSkip("not valid JSON after record %d: %s where a comma or ] should be", d.n, quoteStart(string(w.ahead(17))))
			return false
		}
	}
	d.truncated()
	return false
}

// lines decodes the rest as JSON lines, a line at a time; a line longer
// than maxRecordBytes is read past and skipped.
func (d *decoder) lines() {
	w := d.w
	for {
		w.mark = w.pos
		drops, j, eol := w.drops, w.pos, false
		for {
			if k := bytes.IndexByte(w.buf[j:], '\n'); k >= 0 {
				j, eol = j+k, true
				break
			}
			w.pos = len(w.buf)
			if !w.more() {
				j = len(w.buf)
				break
			}
			j = w.pos
		}
		if w.drops != drops {
			if len(bytes.TrimSpace(w.buf[max(w.pos-64, 0):j])) > 0 {
				d.n++
				d.recordSkip(tooBig())
			}
		} else {
			d.lineValues(w.take(w.mark, j))
		}
		w.mark, w.pos = -1, j
		if !eol {
			return
		}
		w.pos++
	}
}

// lineValues decodes the values of one line.
func (d *decoder) lineValues(line string) {
	d.s = line
	for j := skipWS(line, 0); j < len(line); {
		end, ok := d.lineValue(j)
		if !ok {
			break
		}
		j = skipWS(line, end)
	}
}

// lineValue decodes the value at i of a line and returns where it ends;
// ok false means the rest of the line cannot be split (and was reported).
func (d *decoder) lineValue(i int) (int, bool) {
	s := d.s
	if s[i] == '{' {
		if end, ok := d.lineEnvelope(i); ok {
			return end, true
		}
	}
	end, raw, ok := valueEnd(s, i)
	if !ok {
		d.n++
		d.recordSkip("not valid JSON: the line ends inside a string, object or array")
		return len(s), false
	}
	d.record(s[i:end], raw)
	return end, true
}

// lineEnvelope reads the object at i of a line member by member; if it
// has a "Records" or "Events" key it decodes that array and returns true.
// A plain record (or an object too broken to split into members) returns
// false, to be taken whole.
func (d *decoder) lineEnvelope(i int) (int, bool) {
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
		if _, ok := d.lineArray(records, d.record); !ok {
			return len(s), true
		}
	case events >= 0:
		if s[events] != '[' {
			d.fileSkip(`its "Events" key is not a list of lookup events; %s`, shapesHint)
			return end, true
		}
		if _, ok := d.lineArray(events, d.lookupEvent); !ok {
			return len(s), true
		}
	default:
		return 0, false
	}
	if j >= len(s) {
		d.lineTruncated()
		return len(s), true
	}
	return end, true
}

func (d *decoder) lineTruncated() {
	d.fileSkip("not valid JSON after record %d: a line ends inside a string, object or array (truncated?)", d.n)
}

// lineArray calls each for every element of the array at i of a line
// (s[i] == '[') and returns where the array ends. ok is false when the
// array is cut short or broken, which is reported.
func (d *decoder) lineArray(i int, each func(r string, raw bool)) (int, bool) {
	s := d.s
	j := skipWS(s, i+1)
	if j < len(s) && s[j] == ']' {
		return j + 1, true
	}
	for j < len(s) {
		end, raw, ok := valueEnd(s, j)
		if !ok {
			d.lineTruncated()
			return 0, false
		}
		each(s[j:end], raw)
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
	d.lineTruncated()
	return 0, false
}

// record decodes r, one record; raw says it holds a raw newline, tab or
// CR outside its strings.
func (d *decoder) record(r string, raw bool) {
	d.n++
	if r[0] != '{' {
		d.recordSkip(notObject(r))
		return
	}
	if raw {
		r = compact(r)
	}
	if d.keep != nil {
		if !d.keep.MayMatch(r) {
			return
		}
		r = strings.Clone(r)
	}
	e, err := model.FromRecord(r)
	if e.Time.IsZero() {
		d.recordSkip(noTime(err))
		return
	}
	d.emit(e)
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

func (d *decoder) lookupEvent(r string, _ bool) {
	d.n++
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
	d.emit(e)
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
// strings, and ok false when the input ends inside it: the streaming
// scanner's answer when the whole input is at hand (a scalar may end with
// the input).
func valueEnd(s string, i int) (end int, raw bool, ok bool) {
	var sc scanner
	end, ok = sc.begin(unsafe.Slice(unsafe.StringData(s), len(s)), i) // only read
	return end, sc.raw, ok || sc.scalar
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
