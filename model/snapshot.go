package model

import (
	"runtime"
	"time"
	"unsafe"
)

// Snapshot is a read-only view of the events a Timeline held when it was
// taken, for work done off the TUI's update loop (a raw: search over a
// million records): it may be read from any goroutine while the owner
// keeps adding events, and sees none of those. It stays readable after
// the timeline is released: the memory goes back to the system once the
// timeline and every Snapshot of it are unreachable. Whatever it returns
// is a copy, valid for good.
type Snapshot struct {
	lease   *lease
	chunks  chunkView
	offs    []uint64
	seconds []int64
	locs    []*time.Location
	columns [len(columnFields)]column
}

// Snapshot returns a view of the events loaded so far. The owner only
// ever appends past what a snapshot reads, so the two need no lock.
func (t *Timeline) Snapshot() Snapshot {
	s := Snapshot{chunks: t.st.chunks(), offs: t.st.offs[:t.n:t.n], seconds: t.seconds[:t.n:t.n],
		locs: t.st.locs[:len(t.st.locs):len(t.st.locs)], columns: t.columns}
	s.chunks = s.chunks[:len(s.chunks):len(s.chunks)]
	if t.st.arena != nil {
		s.lease = newLease(t.st.arena)
	}
	return s
}

// Len is the number of events in the snapshot.
func (s Snapshot) Len() int { return len(s.offs) }

// Raw returns the raw record of the i-th event, newest first.
func (s Snapshot) Raw(i int) string {
	b := s.AppendRaw(nil, i)
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// AppendRaw appends the raw record of the i-th event to dst: Raw without
// an allocation when dst has room, for reading every record in turn.
func (s Snapshot) AppendRaw(dst []byte, i int) []byte {
	dst = append(dst, rawOf(s.chunks, s.offs[i])...)
	runtime.KeepAlive(s.lease)
	return dst
}

// rawView is the raw record of the i-th event in place, in the arena: for
// a test inside this package that keeps nothing of it, while the caller
// keeps s (and so its lease) alive, as a Search does. It copies nothing,
// so a raw: search reads at memory speed.
func (s Snapshot) rawView(i int) string { return rawOf(s.chunks, s.offs[i]) }

// At returns the i-th event, newest first.
func (s Snapshot) At(i int) *Event {
	e := new(Event)
	fillColumns(&s.columns, i, e)
	decodeBlob(s.chunks, s.offs[i], s.seconds[i], s.locs, e)
	own(e)
	runtime.KeepAlive(s.lease)
	return e
}
