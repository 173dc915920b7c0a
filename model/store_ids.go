package model

import "hash/maphash"

// idTable maps event ids to the index of the first event loaded with each,
// the de-duplication's lookup. A map[string]int32 of a million ids costs
// about 80 bytes an event on the heap, scanned by every collection; this
// is an open-addressed table of plain integers (8 bytes a slot, at most
// three quarters full), whose ids are read back from the arena.
type idTable struct {
	slots []uint64 // hash's high half<<32 | index+1; 0 is empty
	n     int
	seed  maphash.Seed
}

func (x *idTable) hash(id string) uint32 { return uint32(maphash.String(x.seed, id) >> 32) }

// find returns the index loaded under id; idAt reads a loaded event's id.
func (x *idTable) find(id string, idAt func(int32) string) (int32, bool) {
	if x.n == 0 {
		return 0, false
	}
	h := x.hash(id)
	mask := uint32(len(x.slots) - 1)
	for p := h & mask; ; p = (p + 1) & mask {
		s := x.slots[p]
		if s == 0 {
			return 0, false
		}
		if uint32(s>>32) == h && idAt(int32(uint32(s)-1)) == id {
			return int32(uint32(s) - 1), true
		}
	}
}

// insert adds id (not in the table) at index i.
func (x *idTable) insert(id string, i int32) {
	if x.slots == nil {
		x.seed = maphash.MakeSeed()
	}
	if (x.n+1)*4 > len(x.slots)*3 {
		x.grow()
	}
	x.put(uint64(x.hash(id))<<32 | uint64(i+1))
	x.n++
}

func (x *idTable) put(s uint64) {
	mask := uint32(len(x.slots) - 1)
	for p := uint32(s>>32) & mask; ; p = (p + 1) & mask {
		if x.slots[p] == 0 {
			x.slots[p] = s
			return
		}
	}
}

func (x *idTable) grow() {
	old := x.slots
	x.slots = make([]uint64, max(2*len(old), 1024))
	for _, s := range old {
		if s != 0 {
			x.put(s)
		}
	}
}
