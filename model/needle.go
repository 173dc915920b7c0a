package model

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A raw: term is a substring of a whole record, 1 KB or more, tested on
// every event loaded or streamed: containsFold jumps between the places
// where the term's first rune starts, and in JSON that is often every few
// bytes (a term starting with e, s, or a digit). A needle instead anchors
// on the term's rarest byte in CloudTrail text: strings.IndexByte skips
// to it at memory speed, and only there is the whole term compared.

// needle is one alternative of a raw: term, prepared for searching.
type needle struct {
	text string
	fold bool
	// anchors are the bytes where the anchor rune (or, case-sensitive,
	// byte) can start: its own first byte, and with fold those of the
	// other runes of its folding orbit (k, K and the Kelvin sign).
	anchors []byte
	// A match starts between minHead and maxHead bytes before its
	// anchor: text's bytes before the anchor, unless folding changes
	// their length (k or s there: the Kelvin sign and ſ are longer).
	minHead, maxHead int
	// next, when set, are the bytes that may follow an anchor in a match
	// (the next byte of text, either case): a cheap test before the
	// whole text is compared at every place a match may start.
	next    [2]byte
	hasNext bool
	// direct: there is no anchor to jump to (folded text that starts
	// with an invalid byte, which matches only at a rune boundary), so
	// the record is tested whole.
	direct bool
}

func newNeedle(text string, fold bool) needle {
	n := needle{text: text, fold: fold}
	if !fold {
		// Any byte will do: compare bytes at a fixed offset.
		best := 0
		for i := range len(text) {
			if byteWeight(text[i]) < byteWeight(text[best]) {
				best = i
			}
		}
		n.anchors, n.minHead, n.maxHead = []byte{text[best]}, best, best
		if best+1 < len(text) {
			n.next, n.hasNext = [2]byte{text[best+1], text[best+1]}, true
		}
		return n
	}
	if r, size := utf8.DecodeRuneInString(text); r == utf8.RuneError && size == 1 {
		n.direct = true
		return n
	}
	bestCost, least, most := -1, 0, 0 // least and most: the head's folded length
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		leads := foldLeads(r, text[i])
		cost := 0
		for _, c := range leads {
			cost += byteWeight(c)
		}
		cost += cost * (most - least) / 4 // each place a match may start is tried
		if bestCost < 0 || cost < bestCost {
			bestCost, n.anchors, n.minHead, n.maxHead = cost, leads, least, most
			n.hasNext = false
			if asciiFold(text[i]) && i+1 < len(text) && asciiFold(text[i+1]) {
				// An anchor whose folds are all one byte is followed
				// by the next byte of text in either case, if that
				// one's folds are too.
				c := text[i+1]
				n.next, n.hasNext = [2]byte{lowerASCII(c), upperASCII(c)}, true
			}
		}
		short, long := foldLengths(r, size)
		least, most = least+short, most+long
		i += size
	}
	return n
}

// foldLeads are the first bytes of every rune in r's folding orbit; first
// is r's own first byte (an invalid byte matches only itself).
func foldLeads(r rune, first byte) []byte {
	leads := []byte{first}
	if r == utf8.RuneError {
		return leads
	}
	for x := unicode.SimpleFold(r); x != r; x = unicode.SimpleFold(x) {
		var buf [utf8.UTFMax]byte
		utf8.EncodeRune(buf[:], x)
		if !slices.Contains(leads, buf[0]) {
			leads = append(leads, buf[0])
		}
	}
	return leads
}

// foldLengths are the shortest and longest encodings of the runes r folds
// to (size is r's own).
func foldLengths(r rune, size int) (short, long int) {
	short, long = size, size
	if r == utf8.RuneError && size == 1 {
		return // an invalid byte matches only itself
	}
	for x := unicode.SimpleFold(r); x != r; x = unicode.SimpleFold(x) {
		short, long = min(short, utf8.RuneLen(x)), max(long, utf8.RuneLen(x))
	}
	return short, long
}

// in reports whether the needle occurs in s: for a folded needle what
// containsFold(s, text) says, otherwise strings.Contains.
func (n *needle) in(s string) bool {
	if n.direct {
		return containsFold(s, n.text)
	}
	for _, c := range n.anchors {
		for i := 0; ; {
			j := strings.IndexByte(s[i:], c)
			if j < 0 {
				break
			}
			at := i + j
			if n.hasNext && (at+1 >= len(s) || s[at+1] != n.next[0] && s[at+1] != n.next[1]) {
				i = at + 1
				continue
			}
			for start := max(at-n.maxHead, 0); start <= at-n.minHead; start++ {
				if n.at(s[start:]) {
					return true
				}
			}
			i = at + 1
		}
	}
	return false
}

// at reports whether s starts with the needle. A folded match starts at a
// rune boundary of s, as containsFold's does: text starts with a valid
// rune, which no byte inside another rune begins, so trying a start
// inside a rune finds nothing.
func (n *needle) at(s string) bool {
	if n.fold {
		return hasPrefixFold(s, n.text)
	}
	return strings.HasPrefix(s, n.text)
}

// asciiFold reports whether c is ASCII and every rune it folds to is too
// (not k or s, which fold to the Kelvin sign and ſ).
func asciiFold(c byte) bool { return c < utf8.RuneSelf && c|0x20 != 'k' && c|0x20 != 's' }

func upperASCII(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}

// byteWeight is how common c is in CloudTrail records, by its rank in
// byteOrder: a byte twice as common weighs about twice as much.
func byteWeight(c byte) int {
	if c >= utf8.RuneSelf {
		return 16 // non-ASCII text is rare in records
	}
	i := strings.IndexByte(byteOrder, c)
	if i < 0 {
		return 1 // control bytes appear escaped, never as themselves
	}
	return 1 << (16 - i/6)
}

// byteOrder is the printable ASCII bytes from the commonest to the rarest
// in CloudTrail records (counted over 31 MB of the bench set and of the
// real records in the shared datasets).
const byteOrder = `"etasn:r21,uicm3old.-0AIvp65S4 8{}fy/gTw97bDP_LECHMxhRVNKGUZOzq[]BJQFXWYkj\+%*=#@$?!&'();<>^` + "`|~"
