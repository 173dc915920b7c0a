package model

import (
	"bytes"
	"hash/maphash"
	"math/bits"
	"runtime"
	"strings"
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

// resourceIndex is that arena. Events name the same resources again and
// again, so each distinct name is kept once and a term is searched once
// per name, then looked up per event. And names share long heads (an
// ARN's account, role path, or bucket and key prefix), so each is cut
// after its last slash: the head (its dir) is kept once, however many
// names share it, and only the rest (its base) goes into the arena — a
// fifth of the bytes of a million distinct S3 object ARNs.
type resourceIndex struct {
	dirOf   map[string]uint32 // each dir, folded, with its number
	dirs    []byte            // the dirs, folded, each followed by 0x00
	dirEnds []int             // dirEnds[d] is where dir d ends in dirs (before its 0x00)

	// nameOf finds a distinct name by the hash of its folded text (a
	// name whose hash another has is kept again: a copy costs only room).
	nameOf   map[uint64]uint32
	seed     maphash.Seed
	arena    []byte   // each distinct name's base, folded, followed by 0x00
	dirOfs   []uint32 // the dir of each distinct name, in arena order
	nameEnds []int    // nameEnds[k] is where name k's base ends in arena (after its 0x00)
	names    []uint32 // each event's names, by number, in event order
	ends     []int    // ends[i] is len(names) after event i
	invalid  int      // names that are not valid UTF-8
	folded   []byte   // scratch
	// freq counts the arena's bytes, kept as names are added (not on the
	// first res: keystroke, which would read the whole arena): the search
	// anchors on a term's rarest byte (ARNs repeat their letters, so the
	// first byte of a term is often among the commonest).
	freq [256]int
}

func (x *resourceIndex) add(e *Event) {
	if x.nameOf == nil {
		x.nameOf, x.seed = map[uint64]uint32{}, maphash.MakeSeed()
	}
	for i := range e.Resources {
		x.folded = appendFolded(x.folded[:0], e.Resources[i].Name)
		h := maphash.Bytes(x.seed, x.folded)
		k, ok := x.nameOf[h]
		if !ok || !x.is(k, x.folded) {
			k = x.newName(x.folded)
			if !utf8.ValidString(e.Resources[i].Name) {
				x.invalid++
			}
			if !ok {
				x.nameOf[h] = k
			}
		}
		x.names = append(x.names, k)
	}
	x.ends = append(x.ends, len(x.names))
}

// is reports whether distinct name k is folded.
func (x *resourceIndex) is(k uint32, folded []byte) bool {
	dir := x.dirText(x.dirOfs[k])
	return bytes.HasPrefix(folded, dir) && bytes.Equal(folded[len(dir):], x.base(int(k)))
}

// newName adds a distinct name, folded, and returns its number.
func (x *resourceIndex) newName(folded []byte) uint32 {
	cut := bytes.LastIndexByte(folded, '/') + 1
	x.dirOfs = append(x.dirOfs, x.dir(folded[:cut]))
	from := len(x.arena)
	x.arena = append(append(x.arena, folded[cut:]...), 0)
	for _, c := range x.arena[from:] {
		x.freq[c]++
	}
	x.nameEnds = append(x.nameEnds, len(x.arena))
	return uint32(len(x.nameEnds) - 1)
}

// dir returns the number of dir, adding it when it is new.
func (x *resourceIndex) dir(dir []byte) uint32 {
	if d, ok := x.dirOf[string(dir)]; ok {
		return d
	}
	if x.dirOf == nil {
		x.dirOf = map[string]uint32{}
	}
	d := uint32(len(x.dirEnds))
	x.dirOf[string(dir)] = d
	x.dirs = append(x.dirs, dir...)
	x.dirEnds = append(x.dirEnds, len(x.dirs))
	x.dirs = append(x.dirs, 0)
	return d
}

// dirText is dir d, folded.
func (x *resourceIndex) dirText(d uint32) []byte {
	from := 0
	if d > 0 {
		from = x.dirEnds[d-1] + 1
	}
	return x.dirs[from:x.dirEnds[d]]
}

// base is name k's base, folded.
func (x *resourceIndex) base(k int) []byte {
	from := 0
	if k > 0 {
		from = x.nameEnds[k-1]
	}
	return x.arena[from : x.nameEnds[k]-1]
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

// resourcePattern is one folded alternative of a res: term, with what the
// dirs say of it: where a name's dir holds it (whole), and, for a pattern
// with a slash, where a name's dir ends with its part up to its last
// slash, so that a name whose base starts with the rest holds it across
// the cut. A pattern without a slash can only be whole in a dir or in a
// base; one with a slash only in a dir or across the cut.
type resourcePattern struct {
	text   []byte
	anchor int    // text's rarest byte in the arena
	whole  []bool // by dir
	ends   []bool // by dir; nil without a slash
	rest   []byte // text after its last slash
	anyDir bool   // some dir holds it whole or ends with its head
	slash  bool
	// sure: a name that holds it passes the term, untested. Folded
	// names hold folded text exactly where the names hold the text
	// under containsFold, when both are valid UTF-8 (a match starts at a
	// rune, and folded runes are equal just when they fold together) and
	// the text has no 0x00 to reach across names.
	sure bool
}

func (x *resourceIndex) pattern(tm *term, v string) resourcePattern {
	p := resourcePattern{text: appendFolded(nil, v), whole: make([]bool, len(x.dirEnds))}
	p.sure = tm.fold && !tm.exact && x.invalid == 0 && utf8.ValidString(v) && strings.IndexByte(v, 0) < 0
	for d := range x.dirEnds {
		dir := x.dirText(uint32(d))
		if bytes.Contains(dir, p.text) {
			p.whole[d], p.anyDir = true, true
		}
	}
	if cut := bytes.LastIndexByte(p.text, '/'); cut >= 0 {
		p.slash, p.rest = true, p.text[cut+1:]
		p.ends = make([]bool, len(x.dirEnds))
		for d := range x.dirEnds {
			if bytes.HasSuffix(x.dirText(uint32(d)), p.text[:cut+1]) {
				p.ends[d], p.anyDir = true, true
			}
		}
	} else {
		p.anchor = x.anchor(p.text)
	}
	return p
}

// resourceMatches marks the events whose resources pass t (before
// negation): the distinct names that hold a folded alternative of t are
// found first, on every core when there are many (the search is bound by
// memory bandwidth), then every event that has one of them is a
// candidate, which t's own test decides unless the match is sure.
func (t *Timeline) resourceMatches(tm *term) []uint64 {
	x := &t.resources
	values := tm.values()
	patterns := make([]resourcePattern, len(values))
	for i, v := range values {
		patterns[i] = x.pattern(tm, v)
	}
	parts := 1
	if len(x.arena) >= parallelArena {
		parts = min(runtime.GOMAXPROCS(0), 8)
	}
	names := len(x.nameEnds)
	held := make([]uint8, names) // by name: 1 held by a pattern, 2 by a sure one
	inParallel(names, parts, 1, func(from, to int) { x.markNames(patterns, held, from, to) })
	bits := make([]uint64, (t.n+63)/64)
	// Stretches split at multiples of 64 events, so no two share a word
	// of bits.
	inParallel(t.n, parts, 64, func(from, to int) {
		k := 0
		if from > 0 {
			k = x.ends[from-1]
		}
		var e Event // one a stretch: peek fills it in place
		for ev := from; ev < to; ev++ {
			for ; k < x.ends[ev]; k++ {
				if h := held[x.names[k]]; h == 2 || h == 1 && tm.positive(t.peeked(ev, &e)) {
					bits[ev>>6] |= 1 << (ev & 63)
					k = x.ends[ev]
					break
				}
			}
		}
	})
	return bits
}

// inParallel runs f over [0, n) cut in parts stretches of a multiple of
// unit (a few items are one stretch).
func inParallel(n, parts, unit int, f func(from, to int)) {
	per := max((n/parts+unit-1)/unit*unit, unit)
	var wg sync.WaitGroup
	for from := 0; from < n; from += per {
		wg.Go(func() { f(from, min(from+per, n)) })
	}
	wg.Wait()
}

// parallelArena is the arena size from which the search is split.
var parallelArena = 8 << 20 // a variable so that tests can split small arenas

// markNames finds the distinct names of [from, to) that hold one of
// patterns, and marks them in held.
func (x *resourceIndex) markNames(patterns []resourcePattern, held []uint8, from, to int) {
	for _, p := range patterns {
		mark := func(k int) {
			if p.sure {
				held[k] = 2
			} else if held[k] == 0 {
				held[k] = 1
			}
		}
		if p.anyDir {
			// The names of a dir that holds it, or that ends with its
			// head and whose base starts with the rest.
			for k := from; k < to; k++ {
				d := x.dirOfs[k]
				if p.whole[d] || p.ends != nil && p.ends[d] && bytes.HasPrefix(x.base(k), p.rest) {
					mark(k)
				}
			}
		}
		if p.slash || to == from {
			continue // no base holds a slash
		}
		start := 0
		if from > 0 {
			start = x.nameEnds[from-1]
		}
		end := x.nameEnds[to-1]
		// The name of a match: found by walking on from the last one's
		// (matches come in order), not by a binary search, which costs
		// more than the search itself when most names match.
		k := from
		for pos := start; pos < end; {
			j := index(x.arena[pos:end], p.text, p.anchor)
			if j < 0 {
				break
			}
			at := pos + j
			for x.nameEnds[k] <= at {
				k++
			}
			mark(k)
			pos = x.nameEnds[k] // on to the next name
		}
	}
}

// resourceTest is a res: term prepared over the arena.
type resourceTest struct {
	bits   []uint64
	negate bool
}

// appendPassing appends to view the events of n that pass, a word of
// bits at a time: a lone res: term's scan reads no more than its bits.
func (r *resourceTest) appendPassing(view []int32, n int) []int32 {
	for w, word := range r.bits {
		if r.negate {
			word = ^word
			if tail := n - w*64; tail < 64 {
				word &= 1<<tail - 1
			}
		}
		for word != 0 {
			view = append(view, int32(w*64+bits.TrailingZeros64(word)))
			word &= word - 1
		}
	}
	return view
}

func (r *resourceTest) pass(i int32) bool {
	return (r.bits[i>>6]>>(i&63)&1 == 1) != r.negate
}
