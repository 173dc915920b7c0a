package model

import (
	"encoding/binary"
	"strings"
	"time"
	"unsafe"
)

// Each loaded event is one blob in the arena:
//
//	uvarint len(raw), raw
//	uvarint mask: which of blobFields are set, tristates, time and resources flags
//	each set field of blobFields, in order, as a string (below)
//	[uvarint nanoseconds] [uvarint location] [uvarint count, then type and name of each resource]
//
// The fields the filter's columns hold (columnFields: user, event name,
// region, …) are not repeated here: At reads them from the columns'
// dictionaries. A string is one uvarint x, by x&3:
//
//	0: inline: x>>2 bytes follow
//	1: a substring of this event's raw record at offset x>>2, then uvarint length
//	2: bytes already in the arena at position x>>2, then uvarint length
//
// Most values of a record (its id, ARNs, principal) are substrings of its
// raw record, which is kept anyway; values that repeat across events (a
// role's ARN) point at the previous event's copy when it had the same.
// BenchmarkEventMemory measures what this leaves.

// blobFields are the Event's text fields kept in the blob, the ID first
// (the de-duplication reads it back: idOf).
func blobFields(e *Event) *[blobFieldCount]*string {
	return &[...]*string{&e.ID, &e.ErrorMessage, &e.EventType, &e.Origin, &e.ParseError,
		&e.Identity.ARN, &e.Identity.AccountID, &e.Identity.PrincipalID, &e.Identity.UserName,
		&e.Identity.AccessKeyID, &e.Identity.InvokedBy, &e.Identity.SessionIssuerType,
		&e.Identity.SessionIssuerARN, &e.Identity.SourceIdentity, &e.Identity.IdentityProvider,
		&e.Identity.OnBehalfOfUserID}
}

const blobFieldCount = 16

// mask bits past the fields'.
const (
	maskAccountIsColumn   = 1 << 16 // Identity.AccountID equals Account
	maskAccessKeyIsColumn = 1 << 17 // Identity.AccessKeyID equals AccessKeyID
	maskReadOnlyShift     = 18      // two bits of Tristate
	maskMFAShift          = 20      // two bits of Tristate
	maskTimeZero          = 1 << 22
	maskNanos             = 1 << 23
	maskZoned             = 1 << 24
	maskResources         = 1 << 25
)

const (
	strInline = iota
	strInRaw
	strInArena
)

// encoder builds one event's blob but for its raw record, which is
// copied straight into the arena after the length.
type encoder struct {
	buf   []byte // the blob after raw
	raw   string
	rawAt int // where raw starts in the blob
	// last is where each slot's (each field's) previous value is in the
	// arena: values repeat from one event to the next (a session's ARN,
	// the account), and comparing with the last is cheaper than finding
	// the value in raw again.
	last [blobFieldCount + 2]struct {
		pos uint64
		n   int
	}
	pending []pendingLast
	// budget is the bytes of raw left to search for this event's values:
	// a hostile record's 50,000 resources must not each scan its
	// megabytes (the rest are written inline).
	budget int
}

// pendingLast is a last value to note once the blob has its position.
type pendingLast struct{ slot, offset, n int }

// Slots of last past the fields'.
const (
	lastResourceType = blobFieldCount + iota
	lastResourceName
)

// minShared is the length from which a value is looked up rather than
// written inline (a reference costs three to six bytes).
const minShared = 6

// str appends s, the value of slot, as a reference where that is shorter.
// chunks is the arena, for comparing with the slot's last value.
func (c *encoder) str(slot int, s string, chunks chunkView) {
	if len(s) < minShared {
		c.inline(s)
		return
	}
	if l := c.last[slot]; l.n == len(s) && string(chunks.bytes(l.pos, l.n)) == s {
		c.buf = binary.AppendUvarint(c.buf, l.pos<<2|strInArena)
		c.buf = binary.AppendUvarint(c.buf, uint64(l.n))
		return
	}
	if c.budget >= len(c.raw) {
		c.budget -= len(c.raw)
		if at := strings.Index(c.raw, s); at >= 0 {
			c.buf = binary.AppendUvarint(c.buf, uint64(at)<<2|strInRaw)
			c.buf = binary.AppendUvarint(c.buf, uint64(len(s)))
			c.pending = append(c.pending, pendingLast{slot: slot, offset: c.rawAt + at, n: len(s)})
			return
		}
	}
	c.inline(s)
	c.pending = append(c.pending, pendingLast{slot: slot, offset: len(c.raw) + len(c.buf) - len(s), n: len(s)})
}

func (c *encoder) inline(s string) {
	c.buf = binary.AppendUvarint(c.buf, uint64(len(s))<<2) // strInline
	c.buf = append(c.buf, s...)
}

// encode builds e's blob: the length of raw in c.buf[:c.rawAt], what
// follows raw in c.buf[c.rawAt:].
func (c *encoder) encode(e *Event, locs *[]*time.Location, chunks chunkView) {
	c.buf = binary.AppendUvarint(c.buf[:0], uint64(len(e.Raw)))
	c.rawAt, c.raw = len(c.buf), e.Raw
	c.budget = 32*len(e.Raw) + 64<<10
	c.pending = c.pending[:0]

	fields := blobFields(e)
	mask := uint64(0)
	for k, p := range fields {
		if *p != "" {
			mask |= 1 << k
		}
	}
	if e.Identity.AccountID != "" && e.Identity.AccountID == e.Account {
		mask = mask&^(1<<6) | maskAccountIsColumn
	}
	if e.Identity.AccessKeyID != "" && e.Identity.AccessKeyID == e.AccessKeyID {
		mask = mask&^(1<<9) | maskAccessKeyIsColumn
	}
	mask |= uint64(e.ReadOnly&3)<<maskReadOnlyShift | uint64(e.Identity.MFAAuthenticated&3)<<maskMFAShift
	zone := -1
	switch {
	case e.Time.IsZero():
		mask |= maskTimeZero
	default:
		if e.Time.Nanosecond() != 0 {
			mask |= maskNanos
		}
		if loc := e.Time.Location(); loc != time.UTC {
			mask |= maskZoned
			zone = locationIndex(locs, loc)
		}
	}
	if len(e.Resources) > 0 {
		mask |= maskResources
	}
	c.buf = binary.AppendUvarint(c.buf, mask)
	for k, p := range fields {
		if mask&(1<<k) != 0 {
			c.str(k, *p, chunks)
		}
	}
	if mask&maskNanos != 0 {
		c.buf = binary.AppendUvarint(c.buf, uint64(e.Time.Nanosecond()))
	}
	if zone >= 0 {
		c.buf = binary.AppendUvarint(c.buf, uint64(zone))
	}
	if len(e.Resources) > 0 {
		c.buf = binary.AppendUvarint(c.buf, uint64(len(e.Resources)))
		for _, r := range e.Resources {
			c.str(lastResourceType, r.Type, chunks)
			c.str(lastResourceName, r.Name, chunks)
		}
	}
}

// placed notes the last values of the blob now at position pos.
func (c *encoder) placed(pos uint64) {
	for _, p := range c.pending {
		c.last[p.slot].pos, c.last[p.slot].n = pos+uint64(p.offset), p.n
	}
}

func locationIndex(locs *[]*time.Location, loc *time.Location) int {
	for i, l := range *locs {
		if l == loc {
			return i
		}
	}
	*locs = append(*locs, loc)
	return len(*locs) - 1
}

// blobReader reads one blob, its strings pointing into the arena.
type blobReader struct {
	b      []byte // from the blob's start to its chunk's end
	at     int
	rawAt  int
	chunks chunkView
}

func newBlobReader(chunks chunkView, pos uint64) blobReader {
	r := blobReader{b: chunks[pos>>32][uint32(pos):], chunks: chunks}
	n := r.uvarint()
	r.rawAt = r.at
	r.at += int(n)
	return r
}

func (r *blobReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b[r.at:])
	r.at += n
	return v
}

func (r *blobReader) raw() string {
	return r.sub(r.rawAt, r.at-r.rawAt)
}

func (r *blobReader) sub(at, n int) string {
	if n == 0 {
		return ""
	}
	return unsafe.String(&r.b[at], n)
}

func (r *blobReader) str() string {
	x := r.uvarint()
	switch x & 3 {
	case strInline:
		n := int(x >> 2)
		r.at += n
		return r.sub(r.at-n, n)
	case strInRaw:
		return r.sub(r.rawAt+int(x>>2), int(r.uvarint()))
	}
	return r.chunks.str(x>>2, int(r.uvarint()))
}

// decode fills e's blob fields (not the columns' ones) from the blob at
// pos, its strings pointing into the arena.
func decodeBlob(chunks chunkView, pos uint64, sec int64, locs []*time.Location, e *Event) {
	r := newBlobReader(chunks, pos)
	e.Raw = r.raw()
	mask := r.uvarint()
	for k, p := range blobFields(e) {
		*p = ""
		if mask&(1<<k) != 0 {
			*p = r.str()
		}
	}
	if mask&maskAccountIsColumn != 0 {
		e.Identity.AccountID = e.Account
	}
	if mask&maskAccessKeyIsColumn != 0 {
		e.Identity.AccessKeyID = e.AccessKeyID
	}
	e.ReadOnly = Tristate(mask >> maskReadOnlyShift & 3)
	e.Identity.MFAAuthenticated = Tristate(mask >> maskMFAShift & 3)
	nanos := int64(0)
	if mask&maskNanos != 0 {
		nanos = int64(r.uvarint())
	}
	switch {
	case mask&maskTimeZero != 0:
		e.Time = time.Time{}
	case mask&maskZoned != 0:
		e.Time = time.Unix(sec, nanos).In(locs[r.uvarint()])
	default:
		e.Time = time.Unix(sec, nanos).UTC()
	}
	e.Resources = e.Resources[:0]
	if mask&maskResources != 0 {
		n := int(r.uvarint())
		for range n {
			typ := r.str()
			e.Resources = append(e.Resources, Resource{Type: typ, Name: r.str()})
		}
	}
}

// idOf is the ID of the blob at pos, pointing into the arena.
func idOf(chunks chunkView, pos uint64) string {
	r := newBlobReader(chunks, pos)
	if r.uvarint()&1 == 0 {
		return ""
	}
	return r.str()
}

// rawOf is the raw record of the blob at pos, pointing into the arena.
func rawOf(chunks chunkView, pos uint64) string {
	r := newBlobReader(chunks, pos)
	return r.raw()
}

// own copies every string of e that points into the arena (the blob's
// fields, Raw, the resources) into one allocation of its own, so that e
// outlives the arena.
func own(e *Event) {
	fields := blobFields(e)
	n := len(e.Raw)
	for _, p := range fields {
		n += len(*p)
	}
	for _, r := range e.Resources {
		n += len(r.Type) + len(r.Name)
	}
	buf := make([]byte, 0, n)
	take := func(s string) string {
		if s == "" {
			return ""
		}
		buf = append(buf, s...)
		return unsafe.String(&buf[len(buf)-len(s)], len(s))
	}
	e.Raw = take(e.Raw)
	for _, p := range fields {
		*p = take(*p)
	}
	if len(e.Resources) > 0 {
		rs := make([]Resource, len(e.Resources))
		for i, r := range e.Resources {
			rs[i] = Resource{Type: take(r.Type), Name: take(r.Name)}
		}
		e.Resources = rs
	} else {
		e.Resources = nil
	}
}
