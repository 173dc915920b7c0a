package model

import (
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
// starting at a rune boundary of s.
func containsFold(s, sub string) bool {
	if sub == "" {
		return true
	}
	for i := 0; i < len(s); {
		if hasPrefixFold(s[i:], sub) {
			return true
		}
		if s[i] < utf8.RuneSelf {
			i++
		} else {
			_, n := utf8.DecodeRuneInString(s[i:])
			i += n
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
