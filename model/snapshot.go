package model

// Snapshot is a read-only view of the events a Timeline held when it was
// taken, for work done off the TUI's update loop (a raw: search over a
// million records): it may be read from any goroutine while the owner
// keeps adding events, and sees none of those.
type Snapshot struct {
	chunks [][]Event
	n      int
}

// Snapshot returns a view of the events loaded so far.
func (t *Timeline) Snapshot() Snapshot {
	return Snapshot{chunks: append([][]Event(nil), t.chunks...), n: t.n}
}

// Len is the number of events in the snapshot.
func (s Snapshot) Len() int { return s.n }

// Raw returns the raw record of the i-th event, newest first.
func (s Snapshot) Raw(i int) string { return s.chunks[i>>chunkBits][i&chunkMask].Raw }

// At returns the i-th event, newest first.
func (s Snapshot) At(i int) *Event { return &s.chunks[i>>chunkBits][i&chunkMask] }
