package model

import (
	"hash/maphash"
	"strings"
	"sync/atomic"
)

// intern returns a shared copy of s. Regions, sources, event names, account
// ids, role and session names, user agents and the like repeat across
// thousands of events; sharing one copy keeps a million loaded events
// within budget (see BenchmarkEventMemory).
//
// The table is a fixed-size, direct-mapped cache rather than a map or the
// unique package: lookups take no lock (decoding runs on every core), its
// memory is bounded whatever the input (hostile records can make every
// value distinct), and a collision merely costs a second copy. unique.Make
// cost a fifth of a trail file's decoding in weak-pointer bookkeeping.
//
// The table keeps copies of its own, never s itself: s is often a
// substring of a record (see FromRecord), and a table entry pointing into
// it would keep a whole chunk of a log file alive after its events are
// gone. A value is copied into the table only the second time its slot
// sees it (the first time only its hash is noted), so values that never
// repeat (request ids, one-off addresses) cost no copy at all: s is
// returned as it is.
func intern(s string) string {
	if s == "" || len(s) > maxInterned {
		return s
	}
	h := maphash.String(internSeed, s)
	slot := &internTable[h&(internSlots-1)]
	if p := slot.Load(); p != nil && *p == s {
		return *p
	}
	if seen := &internSeen[h&(internSlots-1)]; seen.Load() != h {
		seen.Store(h)
		return s
	}
	c := strings.Clone(s)
	slot.Store(&c)
	return c
}

const (
	internSlots = 1 << 16
	maxInterned = 512 // longer values rarely repeat; keep the table small
)

var (
	internSeed  = maphash.MakeSeed()
	internTable [internSlots]atomic.Pointer[string]
	internSeen  [internSlots]atomic.Uint64 // the hash last seen once in the slot
)

// Intern is intern for the sources that build events outside this package
// (LookupEvents results), so their strings are shared the same way.
func Intern(s string) string { return intern(s) }
