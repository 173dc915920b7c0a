package model

import (
	"encoding/binary"
	"math/bits"
	"strings"
	"unsafe"
)

// The ledger's fast reading of records. pathValues checks the JSON as it
// walks, which a record costs once more than it must: the record decoder
// (FromRecord) has already checked it, so an event with no ParseError
// holds valid JSON. ledgerPathValuesHeld walks such text by its structure
// alone (quotes, brackets and braces, found eight bytes at a time) and
// yields what pathValues yields: the last of several members of one name,
// keys compared unescaped, strings unquoted as encoding/json decodes them.
// On text that is not valid JSON it stops early and yields what it has;
// it never reads out of bounds. TestLedgerPathValuesAgrees holds the two
// to the same answers.

// ledgerPathValuesHeld is pathValues for JSON already known to be valid,
// with a buffer of the caller's for the values it holds back (see
// object), reused from call to call.
func ledgerPathValuesHeld(doc string, path []string, held *[]string, yield func(string)) {
	c := ledgerScan{s: doc, held: held}
	c.ws()
	c.walk(path, yield)
}

// The members of a record the ledger reads, as bits of a need.
const (
	needRequest  = 1 << iota // requestParameters
	needResponse             // responseElements
)

// ledgerMembers finds the record's requestParameters and responseElements
// (the last of each, as a map keeps them) in one pass over its top level:
// each one's text when it is an object, else "" (absent, null, or a kind
// CloudTrail never writes there). It reads no further than it must: at the
// member that completes need, if the rest of the record (that member's
// value included) cannot hold another of the members need names (no
// "…Parameters" or "…Elements" key spelled plainly, and no backslash,
// which any other spelling needs), it stops there, and that member's text runs on to the
// record's end: a walk reads its value and nothing after.
func ledgerMembers(raw string, need int) (request, response string) {
	c := ledgerScan{s: raw}
	c.ws()
	if c.i >= len(c.s) || c.s[c.i] != '{' {
		return "", ""
	}
	found := 0
	// alone reports whether rest can hold no other member need names.
	alone := func(rest string) bool {
		return (need&needRequest == 0 || !strings.Contains(rest, `Parameters"`)) &&
			(need&needResponse == 0 || !strings.Contains(rest, `Elements"`)) && strings.IndexByte(rest, '\\') < 0
	}
	take := func(key string) bool {
		bit := 0
		switch key {
		case "requestParameters":
			bit = needRequest
		case "responseElements":
			bit = needResponse
		default:
			return false
		}
		if (found|bit)&need != need || c.s[c.i] != '{' || !alone(raw[c.i:]) {
			return false
		}
		if bit == needRequest {
			request = raw[c.i:]
		} else {
			response = raw[c.i:]
		}
		c.stop = true
		return true
	}
	c.members(func(key string, start, end int) bool {
		v := raw[start:end]
		if v[0] != '{' {
			v = ""
		}
		switch key {
		case "requestParameters":
			request = v
			found |= needRequest
		case "responseElements":
			response = v
			found |= needResponse
		default:
			return false
		}
		if found&need != need {
			return false
		}
		return alone(raw[end:])
	}, take)
	return request, response
}

type ledgerScan struct {
	s    string
	i    int
	bad  bool      // the text ended or broke off: stop
	held *[]string // values found in a member that a later one of its name may replace
	stop bool      // members: a take asked to read no further
	// leaf, when set, are keys read from each value the path reaches: an
	// object yields the text of its last member of each key ("" for none),
	// len(leaf) values in order; null nothing; anything else as many "".
	leaf []string
}

// ledgerPathValuesLeaves is ledgerPathValuesHeld reading keys from each
// value path reaches (see ledgerScan.leaf) in the same pass: an array's
// elements are walked once, not yielded whole and walked again.
func ledgerPathValuesLeaves(doc string, path []string, held *[]string, keys []string, yield func(string)) {
	c := ledgerScan{s: doc, held: held, leaf: keys}
	c.ws()
	c.walk(path, yield)
}

// leafValue reads c.leaf from the value at c.i, consuming it.
func (c *ledgerScan) leafValue(yield func(string)) {
	var spansBuf [4]string
	spans := spansBuf[:0]
	if len(c.leaf) <= len(spansBuf) {
		spans = spansBuf[:len(c.leaf)]
	} else {
		spans = make([]string, len(c.leaf))
	}
	start := c.i
	if c.s[c.i] == '{' {
		doc := c.s
		c.members(func(key string, start, end int) bool {
			for j, k := range c.leaf {
				if key == k {
					spans[j] = doc[start:end]
				}
			}
			return false
		})
	} else {
		c.skip()
	}
	if c.bad || c.s[start] == 'n' {
		return // null is nothing, as pathValues has it
	}
	for _, v := range spans {
		c.emit(v, yield)
	}
}

func (c *ledgerScan) ws() {
	for c.i < len(c.s) {
		switch c.s[c.i] {
		case ' ', '\t', '\n', '\r':
			c.i++
		default:
			return
		}
	}
}

// walk follows path through the value at c.i, consuming it.
func (c *ledgerScan) walk(path []string, yield func(string)) {
	if c.i >= len(c.s) {
		c.bad = true
		return
	}
	if len(path) == 0 && c.leaf != nil && c.s[c.i] != '[' {
		c.leafValue(yield)
		return
	}
	switch c.s[c.i] {
	case '{':
		if len(path) == 0 {
			start := c.i
			c.skip()
			if !c.bad {
				c.emit(c.s[start:c.i], yield)
			}
			return
		}
		c.object(path, yield)
	case '[':
		c.i++
		c.ws()
		if c.i < len(c.s) && c.s[c.i] == ']' {
			c.i++
			return
		}
		for !c.bad {
			c.ws()
			c.walk(path, yield)
			c.ws()
			if c.i >= len(c.s) {
				c.bad = true
				return
			}
			switch c.s[c.i] {
			case ',':
				c.i++
			case ']':
				c.i++
				return
			default:
				c.bad = true
			}
		}
	case '"':
		start := c.i
		end, plain := c.stringEnd(start + 1)
		if end < 0 {
			c.bad = true
			return
		}
		c.i = end
		if len(path) == 0 {
			c.emit(ledgerUnquote(c.s, start, end, plain), yield)
		}
	default:
		start := c.i
		c.skip()
		if len(path) == 0 && !c.bad && c.s[start] != 'n' {
			c.emit(c.s[start:c.i], yield)
		}
	}
}

// emit hands v to yield; a nil yield holds v back (see object).
func (c *ledgerScan) emit(v string, yield func(string)) {
	if yield == nil {
		*c.held = append(*c.held, v)
		return
	}
	yield(v)
}

// object walks path through the object at c.i. The member named path[0]
// is walked as it comes, so its text is read once, but what it finds is
// held back (in c.held, after what outer objects hold) until the object
// ends: a later member of the same name (never in AWS's records) replaces
// it, as in a map, and is walked again instead. A nil yield means the
// caller is an object holding values back too: they stay held.
func (c *ledgerScan) object(path []string, yield func(string)) {
	mark := len(*c.held)
	matches, last := 0, -1
	c.members(func(string, int, int) bool { return false }, func(key string) bool {
		if key != path[0] {
			return false
		}
		matches++
		last = c.i
		if matches > 1 {
			return false // skipped; walked again below
		}
		c.walk(path[1:], nil)
		return true
	})
	if c.bad || matches > 1 {
		clear((*c.held)[mark:])
		*c.held = (*c.held)[:mark]
	}
	if c.bad || matches == 0 {
		return
	}
	if matches > 1 {
		sub := ledgerScan{s: c.s, i: last, held: c.held, leaf: c.leaf}
		sub.walk(path[1:], yield)
		return
	}
	if yield == nil {
		return // held for the caller
	}
	// Read by index: yield may walk with the same buffer, appending past
	// these values and truncating back, or growing it anew.
	for k := mark; k < len(*c.held); k++ {
		yield((*c.held)[k])
	}
	clear((*c.held)[mark:])
	*c.held = (*c.held)[:mark]
}

// members reads the object at c.i (s[c.i] == '{'), calling member with
// each key (unescaped) and its value's span, and consumes it, unless
// member says to stop there. A value is skipped unless take, given its key
// with c.i at the value, consumes it itself (and says so).
func (c *ledgerScan) members(member func(key string, start, end int) (stop bool), take ...func(key string) bool) {
	c.i++
	c.ws()
	if c.i < len(c.s) && c.s[c.i] == '}' {
		c.i++
		return
	}
	for !c.bad {
		c.ws()
		if c.i >= len(c.s) || c.s[c.i] != '"' {
			c.bad = true
			return
		}
		ks := c.i
		ke, plain := c.stringEnd(ks + 1)
		if ke < 0 {
			c.bad = true
			return
		}
		c.i = ke
		c.ws()
		if c.i >= len(c.s) || c.s[c.i] != ':' {
			c.bad = true
			return
		}
		c.i++
		c.ws()
		start := c.i
		key := ledgerUnquote(c.s, ks, ke, plain)
		if len(take) == 0 || !take[0](key) {
			c.skip()
		}
		if c.stop {
			return
		}
		if c.bad {
			return
		}
		if member(key, start, c.i) {
			return
		}
		c.ws()
		if c.i >= len(c.s) {
			c.bad = true
			return
		}
		switch c.s[c.i] {
		case ',':
			c.i++
		case '}':
			c.i++
			return
		default:
			c.bad = true
		}
	}
}

// skip consumes the value at c.i.
func (c *ledgerScan) skip() {
	s := c.s
	if c.i >= len(s) {
		c.bad = true
		return
	}
	switch s[c.i] {
	case '"':
		end, _ := c.stringEnd(c.i + 1)
		if end < 0 {
			c.bad = true
			return
		}
		c.i = end
	case '{', '[':
		// The hot loop of the ledger: a record's members are skipped here,
		// eight bytes at a time, strings included.
		b := unsafe.Slice(unsafe.StringData(s), len(s))
		depth := 0
		for i := c.i; ; {
			for i+8 <= len(b) {
				x := binary.LittleEndian.Uint64(b[i:])
				if m := ledgerStructural8(x); m != 0 {
					i += bits.TrailingZeros64(m) / 8
					goto structural
				}
				i += 8
			}
			for i < len(b) && !ledgerStructuralByte(b[i]) {
				i++
			}
			if i >= len(b) {
				c.bad = true
				return
			}
		structural:
			switch b[i] {
			case '"':
				i++
				for {
					for i+8 <= len(b) {
						x := binary.LittleEndian.Uint64(b[i:])
						if m := ledgerQuoteOrEscape8(x); m != 0 {
							i += bits.TrailingZeros64(m) / 8
							goto special
						}
						i += 8
					}
					for i < len(b) && b[i] != '"' && b[i] != '\\' {
						i++
					}
					if i >= len(b) {
						c.bad = true
						return
					}
				special:
					if b[i] == '\\' {
						i += 2 // the escaped byte is never the closing quote
						continue
					}
					i++
					break
				}
				continue
			case '{', '[':
				depth++
			default: // '}', ']'
				depth--
			}
			i++
			if depth == 0 {
				c.i = i
				return
			}
		}
	default: // a number, true, false, null
		i := c.i
		for i < len(s) {
			switch s[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r', ':':
				c.bad = c.bad || i == c.i // no value here: not JSON
				c.i = i
				return
			}
			i++
		}
		c.i = i
	}
}

// stringEnd finds the end of the string whose text starts at i: the index
// past its closing quote, or -1; plain when the text holds no escape and
// no byte above ASCII, so that it is its own value.
func (c *ledgerScan) stringEnd(i int) (end int, plain bool) {
	s := c.s
	b := unsafe.Slice(unsafe.StringData(s), len(s))
	plain = true
	for {
		for i+8 <= len(b) {
			x := binary.LittleEndian.Uint64(b[i:])
			if m := ledgerQuoteOrEscape8(x) | x&highs; m != 0 {
				i += bits.TrailingZeros64(m) / 8
				goto special
			}
			i += 8
		}
		for i < len(b) && b[i] != '"' && b[i] != '\\' && b[i] < 0x80 {
			i++
		}
		if i >= len(s) {
			return -1, false
		}
	special:
		switch b := s[i]; {
		case b == '"':
			return i + 1, plain
		case b == '\\':
			plain = false
			i += 2 // the escaped byte is never the closing quote
		case b < 0x20:
			return -1, false
		default: // above ASCII: no quote or backslash can hide in it
			plain = false
			i++
		}
	}
}

// ledgerUnquote is the value of the string s[start:end] (quotes
// included), decoded as pathValues decodes it.
func ledgerUnquote(s string, start, end int, plain bool) string {
	if plain {
		return s[start+1 : end-1]
	}
	cur := cursor{s: s[:end], i: start, ok: true}
	return cur.str()
}

// ledgerStructural8 flags (top bit of each byte) the quotes, braces and
// brackets among the eight bytes of x; the lowest flag is exact (a borrow
// only flags bytes above a true match), which is all the callers read. A
// byte b has b|0x20 == '{' only for '{' and '[', b|0x20 == '}' only for
// '}' and ']'.
func ledgerStructural8(x uint64) uint64 {
	q := x ^ (ones * '"')
	y := x | (ones * 0x20)
	o := y ^ (ones * '{')
	e := y ^ (ones * '}')
	return (((q - ones) &^ q) | ((o - ones) &^ o) | ((e - ones) &^ e)) & highs
}

func ledgerStructuralByte(b byte) bool {
	return b == '"' || b == '{' || b == '}' || b == '[' || b == ']'
}

// ledgerQuoteOrEscape8 flags the quotes and backslashes among the eight
// bytes of x, the lowest exactly.
func ledgerQuoteOrEscape8(x uint64) uint64 {
	q := x ^ (ones * '"')
	e := x ^ (ones * '\\')
	return (((q - ones) &^ q) | ((e - ones) &^ e)) & highs
}
