package model

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// hasPrefixFold reports whether s begins with prefix under simple Unicode
// case folding, without allocating. Both strings are decoded from their
// start in step; an invalid byte only ever equals the same invalid byte.
// Because it compares whole decoded runes, the relation is transitive,
// which Filter.Narrows relies on.
func hasPrefixFold(s, prefix string) bool {
	for len(prefix) > 0 {
		if len(s) == 0 {
			return false
		}
		pc, sc := prefix[0], s[0]
		if pc < utf8.RuneSelf && sc < utf8.RuneSelf {
			if pc != sc && lowerASCII(pc) != lowerASCII(sc) {
				return false
			}
			prefix, s = prefix[1:], s[1:]
			continue
		}
		pr, pn := utf8.DecodeRuneInString(prefix)
		sr, sn := utf8.DecodeRuneInString(s)
		pInvalid := pr == utf8.RuneError && pn == 1
		sInvalid := sr == utf8.RuneError && sn == 1
		switch {
		case pInvalid || sInvalid:
			if !pInvalid || !sInvalid || pc != sc {
				return false
			}
		case !foldEqual(pr, sr):
			return false
		}
		prefix, s = prefix[pn:], s[sn:]
	}
	return true
}

// containsFold reports whether sub occurs in s under simple case folding,
// starting at a rune boundary of s. It jumps between the places where the
// first rune of sub (or another rune of its folding orbit) could start,
// found with strings.IndexByte, instead of trying every position: a
// resource filter over a million ARNs went from seconds to milliseconds.
func containsFold(s, sub string) bool {
	if sub == "" {
		return true
	}
	r, size := utf8.DecodeRuneInString(sub)
	if r == utf8.RuneError && size == 1 {
		// An invalid byte matches only itself, but may also sit inside
		// a rune of s: try every boundary, as the definition says.
		return containsFoldEveryPosition(s, sub)
	}
	// The first bytes of every rune in r's folding orbit (k, K and the
	// Kelvin sign K start with k, K and 0xE2).
	var leads [8]byte
	n := 0
	for x := r; ; {
		var buf [utf8.UTFMax]byte
		utf8.EncodeRune(buf[:], x)
		if !slices.Contains(leads[:n], buf[0]) && n < len(leads) {
			leads[n] = buf[0]
			n++
		}
		if x = unicode.SimpleFold(x); x == r {
			break
		}
	}
	// A lead byte (ASCII or 0xC0 and up) is never inside another rune,
	// so every place found is a rune boundary.
	for _, lead := range leads[:n] {
		for i := 0; i < len(s); {
			j := strings.IndexByte(s[i:], lead)
			if j < 0 {
				break
			}
			if hasPrefixFold(s[i+j:], sub) {
				return true
			}
			i += j + 1
		}
	}
	return false
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// foldEqual reports whether a and b are in the same simple-folding orbit
// (k, K and the Kelvin sign K are one orbit).
func foldEqual(a, b rune) bool {
	if a == b {
		return true
	}
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}

// containsFoldEveryPosition tries hasPrefixFold at every rune boundary of
// s: the definition of containsFold, used when sub starts with a byte that
// is no rune's start.
func containsFoldEveryPosition(s, sub string) bool {
	for i := 0; i < len(s); {
		if hasPrefixFold(s[i:], sub) {
			return true
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		i += n
	}
	return false
}
