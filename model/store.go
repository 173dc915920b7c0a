package model

import (
	"runtime"
	"strings"
	"time"
)

// eventStore holds the loaded events' blobs (store_event.go) in an arena
// outside the Go heap (store_arena.go), with what finds them again.
type eventStore struct {
	arena *arena
	offs  []uint64 // each loaded event's blob position
	locs  []*time.Location
	enc   encoder
	ids   indexTable
}

func (s *eventStore) add(e *Event) {
	if s.arena == nil {
		s.arena = newArena()
	}
	c := &s.enc
	c.encode(e, &s.locs, s.arena.chunks)
	pos, dst := s.arena.alloc(len(c.buf) + len(e.Raw))
	n := copy(dst, c.buf[:c.rawAt])
	n += copy(dst[n:], e.Raw)
	copy(dst[n:], c.buf[c.rawAt:])
	c.placed(pos)
	c.raw = ""
	s.offs = append(s.offs, pos)
}

func (s *eventStore) chunks() chunkView {
	if s.arena == nil {
		return nil
	}
	return s.arena.chunks
}

// idAt is the i-th loaded event's id, pointing into the arena.
func (t *Timeline) idAt(i uint32) string { return idOf(t.st.chunks(), t.st.offs[i]) }

// rawAt is the i-th loaded event's raw record, pointing into the arena.
func (t *Timeline) rawAt(i int32) string { return rawOf(t.st.chunks(), t.st.offs[i]) }

// peek fills e with the i-th loaded event, its strings pointing into the
// arena: for reading inside the timeline's own calls (a filter's test),
// never to be handed out or kept. e's Resources are reused.
func (t *Timeline) peek(i int, e *Event) {
	fillColumns(&t.columns, i, e)
	decodeBlob(t.st.chunks(), t.st.offs[i], t.seconds[i], t.st.locs, e)
}

// peeked is peek returning e, for use in an expression.
func (t *Timeline) peeked(i int, e *Event) *Event {
	t.peek(i, e)
	return e
}

// Release empties the timeline and gives its memory back to the system
// (once no Snapshot of it is left). Events At returned stay valid: they
// are copies.
func (t *Timeline) Release() {
	if t.st.arena != nil {
		t.st.arena.unref()
	}
	*t = Timeline{}
}

// fillColumns sets e's fields that the columns hold from the i-th event's
// codes.
func fillColumns(cols *[len(columnFields)]column, i int, e *Event) {
	for c, f := range columnFields {
		v := cols[c].values[cols[c].codes[i]]
		switch f {
		case fieldUser:
			e.Username = v
		case fieldEvent:
			e.Name = v
		case fieldRegion:
			e.Region = v
		case fieldSource:
			e.Source = v
		case fieldIP:
			e.SourceIP = v
		case fieldError:
			e.ErrorCode = v
		case fieldAccount:
			e.Account = v
		case fieldAccessKey:
			e.AccessKeyID = v
		case fieldRole:
			e.Identity.SessionIssuerName = v
		case fieldIdentityType:
			e.Identity.Type = v
		case fieldAgent:
			e.UserAgent = v
		}
	}
}

// twinKey is id as a key of the twins map, copied out of the arena.
func twinKey(id string) string { return strings.Clone(id) }

// lease keeps a Snapshot's arena mapped while the Snapshot is reachable.
type lease struct{ a *arena }

func newLease(a *arena) *lease {
	a.refs.Add(1)
	l := &lease{a: a}
	runtime.AddCleanup(l, (*arena).unref, a)
	return l
}
