package model

import (
	"bytes"
	"sort"
	"unicode"
	"unicode/utf8"
)

// A res: term is a substring of any resource name: with a million events
// of ~90-character ARNs, testing each event is a third of a second per
// keystroke. Once a res: term is used, the timeline therefore also keeps
// every event's resource names case-folded in one arena, so a term is one bytes.Index pass over
// it: only the events where the folded term occurs are then tested for
// real (which settles case-sensitive terms and the rare false candidate).

// resourceIndex is that arena.
type resourceIndex struct {
	arena []byte // each event's names, folded, each followed by 0x00
	ends  []int  // ends[i] is where event i's names end in arena
}

func (x *resourceIndex) add(e *Event) {
	for i := range e.Resources {
		x.arena = appendFolded(x.arena, e.Resources[i].Name)
		x.arena = append(x.arena, 0)
	}
	x.ends = append(x.ends, len(x.arena))
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

// matching marks the events whose resources pass t (before negation):
// every event where a folded alternative of t occurs in the arena is a
// candidate, and t's own test decides.
func (t *Timeline) resourceMatches(tm *term) []uint64 {
	bits := make([]uint64, (t.n+63)/64)
	x := &t.resources
	// Built on first use and extended as events arrive: its memory (about
	// the size of the names) is spent only by those who filter on them.
	for i := len(x.ends); i < t.n; i++ {
		x.add(t.At(i))
	}
	values := tm.alts
	if values == nil {
		values = []string{tm.value}
	}
	for _, v := range values {
		pattern := appendFolded(nil, v)
		for pos := 0; pos < len(x.arena); {
			j := bytes.Index(x.arena[pos:], pattern)
			if j < 0 {
				break
			}
			at := pos + j
			ev := sort.Search(len(x.ends), func(i int) bool { return x.ends[i] > at })
			if ev >= t.n {
				break
			}
			if bits[ev>>6]&(1<<(ev&63)) == 0 && tm.positive(t.At(ev)) {
				bits[ev>>6] |= 1 << (ev & 63)
			}
			pos = x.ends[ev] // on to the next event
		}
	}
	return bits
}

// resourceTest is a res: term prepared over the arena.
type resourceTest struct {
	bits   []uint64
	negate bool
}

func (r *resourceTest) pass(i int32) bool {
	return (r.bits[i>>6]>>(i&63)&1 == 1) != r.negate
}
