package model

import "hash/maphash"

// indexTable finds a string's index: an event id's first loaded event, a
// column value's code. A map[string]int32 of a million entries (the ids;
// the bench set's source IPs and access keys, one per event) costs about
// 50 bytes an entry on the heap, scanned by every collection; this is an
// open-addressed table of plain integers (8 bytes a slot, at most three
// quarters full) whose strings are read back from where they are kept.
type indexTable struct {
	slots []uint64 // hash's high half<<32 | index+1; 0 is empty
	n     int
	seed  maphash.Seed
}

func (x *indexTable) hash(s string) uint32 { return uint32(maphash.String(x.seed, s) >> 32) }

// find returns the index of s; at reads the string of an index.
func (x *indexTable) find(s string, at func(uint32) string) (uint32, bool) {
	if x.n == 0 {
		return 0, false
	}
	h := x.hash(s)
	mask := uint32(len(x.slots) - 1)
	for p := h & mask; ; p = (p + 1) & mask {
		v := x.slots[p]
		if v == 0 {
			return 0, false
		}
		if uint32(v>>32) == h && at(uint32(v)-1) == s {
			return uint32(v) - 1, true
		}
	}
}

// insert adds s (not in the table) at index i.
func (x *indexTable) insert(s string, i uint32) {
	if x.slots == nil {
		x.seed = maphash.MakeSeed()
	}
	if (x.n+1)*4 > len(x.slots)*3 {
		old := x.slots
		x.slots = make([]uint64, max(2*len(old), 64))
		for _, v := range old {
			if v != 0 {
				x.put(v)
			}
		}
	}
	x.put(uint64(x.hash(s))<<32 | uint64(i+1))
	x.n++
}

func (x *indexTable) put(v uint64) {
	mask := uint32(len(x.slots) - 1)
	for p := uint32(v>>32) & mask; ; p = (p + 1) & mask {
		if x.slots[p] == 0 {
			x.slots[p] = v
			return
		}
	}
}
