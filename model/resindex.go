package model

import (
	"bytes"
	"runtime"
	"sort"
	"sync"
	"unicode"
	"unicode/utf8"
)

// A res: term is a substring of any resource name: with a million events
// of ~90-character ARNs, testing each event is a third of a second per
// keystroke. The timeline therefore also keeps every event's resource
// names case-folded in one arena, so a term is one bytes.Index pass over
// it: only the events where the folded term occurs are then tested for
// real (which settles case-sensitive terms and the rare false candidate).
// It is built as events arrive (about a third of a microsecond each, and
// the names' size in memory, ~5% of a loaded event), not on the first
// res: keystroke, which would cost that keystroke 0.3 s at a million.

// resourceIndex is that arena.
type resourceIndex struct {
	arena []byte // each event's names, folded, each followed by 0x00
	ends  []int  // ends[i] is where event i's names end in arena
	// freq counts the arena's bytes, kept as names are added (not on the
	// first res: keystroke, which would read the whole arena): the search
	// anchors on a term's rarest byte (ARNs repeat their letters, so the
	// first byte of a term is often among the commonest).
	freq [256]int
}

func (x *resourceIndex) add(e *Event) {
	from := len(x.arena)
	for i := range e.Resources {
		x.arena = appendFolded(x.arena, e.Resources[i].Name)
		x.arena = append(x.arena, 0)
	}
	for _, c := range x.arena[from:] {
		x.freq[c]++
	}
	x.ends = append(x.ends, len(x.arena))
}

// anchor is the offset in pattern of its rarest byte in the arena.
func (x *resourceIndex) anchor(pattern []byte) int {
	best := 0
	for i, c := range pattern {
		if x.freq[c] < x.freq[pattern[best]] {
			best = i
		}
	}
	return best
}

// index is the first place in s where pattern starts, found by searching
// for its tail from offset k (bytes.Index keys on a tail's first byte,
// so the tail starting at the rarest byte gives it the fewest false
// starts), then checking the head before it; -1 when there is none.
func index(s, pattern []byte, k int) int {
	head, tail := pattern[:k], pattern[k:]
	for pos := k; pos <= len(s); {
		j := bytes.Index(s[pos:], tail)
		if j < 0 {
			return -1
		}
		at := pos + j - k
		if bytes.Equal(s[at:at+k], head) {
			return at
		}
		pos += j + 1
	}
	return -1
}

// appendFolded appends s with every rune replaced by the least rune of its
// simple-folding orbit (so k, K and the Kelvin sign all become K), the
// canonical form under which hasPrefixFold's equality is byte equality.
// Invalid bytes are kept as they are.
func appendFolded(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			dst = append(dst, c)
			i++
			continue
		}
		dst = utf8.AppendRune(dst, foldMin(r))
		i += n
	}
	return dst
}

// foldMin is the least rune of r's simple-folding orbit.
func foldMin(r rune) rune {
	least := r
	for x := unicode.SimpleFold(r); x != r; x = unicode.SimpleFold(x) {
		least = min(least, x)
	}
	return least
}

// resourceMatches marks the events whose resources pass t (before
// negation): every event where a folded alternative of t occurs in the
// arena is a candidate, and t's own test decides. A big arena is searched
// in parallel, one stretch of events per core: the search is bound by
// memory bandwidth, and one core alone reads ~100 MB (a million ARNs) in
// 20-30 ms, over a keystroke's budget.
func (t *Timeline) resourceMatches(tm *term) []uint64 {
	bits := make([]uint64, (t.n+63)/64)
	x := &t.resources
	values := tm.alts
	if values == nil {
		values = []string{tm.value}
	}
	patterns := make([][]byte, len(values))
	anchors := make([]int, len(values))
	for i, v := range values {
		patterns[i] = appendFolded(nil, v)
		if len(patterns[i]) > 0 {
			anchors[i] = x.anchor(patterns[i])
		}
	}
	parts := 1
	if len(x.arena) >= parallelArena {
		parts = min(runtime.GOMAXPROCS(0), 8)
	}
	// Stretches split at multiples of 64 events, so no two share a word
	// of bits (and a few events with huge names are one stretch).
	per := max((t.n/parts+63)&^63, 64)
	var wg sync.WaitGroup
	for from := 0; from < t.n; from += per {
		to := min(from+per, t.n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.markResources(tm, patterns, anchors, bits, from, to)
		}()
	}
	wg.Wait()
	return bits
}

// parallelArena is the arena size from which the search is split.
var parallelArena = 8 << 20 // a variable so that tests can split small arenas

// markResources searches the arena of events [from, to) for patterns and
// marks in bits those that pass tm.
func (t *Timeline) markResources(tm *term, patterns [][]byte, anchors []int, bits []uint64, from, to int) {
	x := &t.resources
	start := 0
	if from > 0 {
		start = x.ends[from-1]
	}
	end := x.ends[to-1]
	var e Event
	for p, pattern := range patterns {
		for pos := start; pos < end; {
			var j int
			if len(pattern) == 0 {
				j = 0
			} else {
				j = index(x.arena[pos:end], pattern, anchors[p])
			}
			if j < 0 {
				break
			}
			at := pos + j
			ev := from + sort.Search(to-from, func(i int) bool { return x.ends[from+i] > at })
			if ev >= to {
				break
			}
			if bits[ev>>6]&(1<<(ev&63)) == 0 {
				t.peek(ev, &e) // read in place: the term keeps nothing of it
				if tm.positive(&e) {
					bits[ev>>6] |= 1 << (ev & 63)
				}
			}
			pos = x.ends[ev] // on to the next event
		}
	}
}

// resourceTest is a res: term prepared over the arena.
type resourceTest struct {
	bits   []uint64
	negate bool
}

func (r *resourceTest) pass(i int32) bool {
	return (r.bits[i>>6]>>(i&63)&1 == 1) != r.negate
}
