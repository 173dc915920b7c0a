package model

import (
	"hash/maphash"
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
func intern(s string) string {
	if s == "" || len(s) > maxInterned {
		return s
	}
	slot := &internTable[maphash.String(internSeed, s)&(internSlots-1)]
	if p := slot.Load(); p != nil && *p == s {
		return *p
	}
	slot.Store(&s)
	return s
}

const (
	internSlots = 1 << 16
	maxInterned = 512 // longer values rarely repeat; keep the table small
)

var (
	internSeed  = maphash.MakeSeed()
	internTable [internSlots]atomic.Pointer[string]
)

// Intern is intern for the sources that build events outside this package
// (LookupEvents results), so their strings are shared the same way.
func Intern(s string) string { return intern(s) }
