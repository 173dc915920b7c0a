package model

import (
	"sync/atomic"
	"unsafe"
)

// A million loaded events are over a gigabyte of raw records. Held on the
// Go heap they would let the heap grow to twice that before a collection
// (GOGC=100) and stay mapped after the timeline is dropped. The timeline
// therefore keeps each event's bytes in an arena of large chunks mapped
// outside the heap where the platform allows (store_map_*.go): the
// collector neither scans nor counts them, and Release gives them back to
// the system at once.
//
// Nothing the timeline hands out points into a chunk (At and Snapshot
// copy what they return), so unmapping can never leave a dangling
// string; chunks are unmapped only when the timeline and every Snapshot
// of it are gone (refs).

// arena is append-only storage in chunks. A position is the chunk's index
// in the high 32 bits and the offset in it in the low ones.
type arena struct {
	chunks [][]byte // written by the owner only past used; never moved
	mapped []bool   // whether chunks[i] came from mapChunk
	used   int      // bytes used in the last chunk
	// refs counts the timeline and its live snapshots; the last to let go
	// frees the chunks.
	refs atomic.Int64
}

// arenaChunk is the usual chunk size: pages of a mapped chunk cost memory
// only once written, so the last chunk's unused tail is free.
const arenaChunk = 32 << 20

func newArena() *arena {
	a := &arena{}
	a.refs.Store(1)
	return a
}

// alloc returns room for n bytes and its position. A piece never spans
// chunks: one larger than a chunk gets a chunk of its own.
func (a *arena) alloc(n int) (uint64, []byte) {
	last := len(a.chunks) - 1
	if last < 0 || a.used+n > len(a.chunks[last]) {
		size := max(arenaChunk, (n+pageSize-1)&^(pageSize-1))
		c, ok := mapChunk(size)
		if !ok {
			c = make([]byte, size)
		}
		arenaBytes.Add(int64(size))
		a.chunks = append(a.chunks, c)
		a.mapped = append(a.mapped, ok)
		a.used, last = 0, last+1
	}
	off := a.used
	a.used += n
	return uint64(last)<<32 | uint64(off), a.chunks[last][off : off+n : off+n]
}

// unref lets go of one reference; the last frees the chunks.
func (a *arena) unref() {
	if a.refs.Add(-1) != 0 {
		return
	}
	for i, c := range a.chunks {
		if a.mapped[i] {
			unmapChunk(c)
		}
		arenaBytes.Add(-int64(len(c)))
	}
	a.chunks, a.mapped = nil, nil
}

// arenaBytes is the size of every arena's chunks, what the timelines hold
// outside the Go heap (BenchmarkEventMemory).
var arenaBytes atomic.Int64

const pageSize = 64 << 10 // a multiple of every platform's page size

// chunkView is what readers keep of an arena: the chunks as they were,
// which the owner only appends to past what a reader may read.
type chunkView [][]byte

// bytes is n bytes at position pos.
func (v chunkView) bytes(pos uint64, n int) []byte {
	off := int(uint32(pos))
	return v[pos>>32][off : off+n : off+n]
}

// str is the string of n bytes at position pos, pointing into the arena:
// for use inside the owner's calls only, never handed out.
func (v chunkView) str(pos uint64, n int) string {
	if n == 0 {
		return ""
	}
	b := v.bytes(pos, n)
	return unsafe.String(&b[0], n)
}
