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
	// head is the number of bytes of text before the anchor, the same in
	// every match; -1 when folding can change it (text has a k or an s
	// before the anchor: K and ſ are longer), and a record where an
	// anchor occurs is then tested whole.
	head int
	// direct: there is no anchor to jump to (folded text that starts
	// with an invalid byte, which matches only at a rune boundary), so
	// the record is tested whole.
	direct bool
}

func newNeedle(text string, fold bool) needle {
	n := needle{text: text, fold: fold, head: -1}
	if !fold {
		// Any byte will do: compare bytes at a fixed offset.
		best := 0
		for i := range len(text) {
			if byteWeight(text[i]) < byteWeight(text[best]) {
				best = i
			}
		}
		n.anchors, n.head = []byte{text[best]}, best
		return n
	}
	if r, size := utf8.DecodeRuneInString(text); r == utf8.RuneError && size == 1 {
		n.direct = true
		return n
	}
	bestCost, stable := -1, true
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		leads := foldLeads(r, text[i])
		cost := 0
		for _, c := range leads {
			cost += byteWeight(c)
		}
		if !stable {
			cost *= 4 // an anchor found means testing the whole record
		}
		if bestCost < 0 || cost < bestCost {
			bestCost, n.anchors, n.head = cost, leads, i
			if !stable {
				n.head = -1
			}
		}
		stable = stable && foldStable(r, size)
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

// foldStable reports whether every rune r folds to is as long as r, so
// that a folded match has as many bytes as the text before its anchor.
func foldStable(r rune, size int) bool {
	if r == utf8.RuneError && size == 1 {
		return true // an invalid byte matches only itself
	}
	for x := unicode.SimpleFold(r); x != r; x = unicode.SimpleFold(x) {
		if utf8.RuneLen(x) != size {
			return false
		}
	}
	return true
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
			if n.head < 0 {
				return containsFold(s, n.text)
			}
			if start := at - n.head; start >= 0 && n.at(s[start:]) {
				return true
			}
			i = at + 1
		}
	}
	return false
}

// at reports whether s starts with the needle. A folded match starts at a
// rune boundary of s, as containsFold's does: text starts with a valid
// rune, which no byte inside another rune begins.
func (n *needle) at(s string) bool {
	if n.fold {
		return hasPrefixFold(s, n.text)
	}
	return strings.HasPrefix(s, n.text)
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
