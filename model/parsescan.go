package model

import (
	"encoding/binary"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// The scanning primitives of the record decoder (parserecord.go): a cursor
// over one record that reads strings, skips values while checking that
// they are valid JSON, and gives up (ok false) on anything it does not
// read exactly as encoding/json does, for the caller to decode the record
// again with encoding/json. It never recurses, so no nesting can exhaust
// the stack.

// cursor reads one record. s is the record; i the next byte; ok turns
// false, for good, at the first thing the fast path leaves to encoding/json.
type cursor struct {
	s  string
	i  int
	ok bool
}

func (c *cursor) fail() { c.ok = false; c.i = len(c.s) }

// ws skips JSON white space (only these four bytes, as encoding/json).
func (c *cursor) ws() {
	for c.i < len(c.s) {
		switch c.s[c.i] {
		case ' ', '\n', '\t', '\r':
			c.i++
		default:
			return
		}
	}
}

// peek is the next byte after white space, 0 at the end.
func (c *cursor) peek() byte {
	c.ws()
	if c.i < len(c.s) {
		return c.s[c.i]
	}
	return 0
}

// more consumes what follows an array element or an object member: true
// after a ',' (another follows), false after close (the end) or, having
// failed, at anything else.
func (c *cursor) more(close byte) bool {
	switch c.peek() {
	case ',':
		c.i++
		return true
	case close:
		c.i++
	default:
		c.fail()
	}
	return false
}

// literal consumes lit (true, false, null) or fails.
func (c *cursor) literal(lit string) {
	if len(c.s)-c.i >= len(lit) && c.s[c.i:c.i+len(lit)] == lit {
		c.i += len(lit)
		return
	}
	c.fail()
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// special8 reports whether any of 8 bytes is a quote, a backslash or a
// control byte (< 0x20), the bytes that end a run of plain string text;
// with high set also any byte >= 0x80. A false positive only costs a
// byte-by-byte look at those 8 bytes.
func special8(x uint64, high bool) bool {
	q := x ^ (ones * '"')
	b := x ^ (ones * '\\')
	m := (q - ones) &^ q
	m |= (b - ones) &^ b
	m |= (x - ones*0x20) &^ x
	if high {
		m |= x
	}
	return m&highs != 0
}

// plainEnd returns the index of the first byte at or after i that is a
// quote, a backslash or a control byte (or, with high, >= 0x80), or
// len(s).
func plainEnd(s string, i int, high bool) int {
	b := unsafe.Slice(unsafe.StringData(s), len(s))
	for i+8 <= len(b) && !special8(binary.LittleEndian.Uint64(b[i:]), high) {
		i += 8
	}
	for ; i < len(b); i++ {
		c := b[i]
		if c == '"' || c == '\\' || c < 0x20 || high && c >= utf8.RuneSelf {
			return i
		}
	}
	return i
}

// str reads the string at i (s[i] == '"') and returns its value as
// encoding/json decodes it: the bytes between the quotes themselves when
// they hold no escape and are valid UTF-8 (no copy: the value shares the
// record's memory), else a copy unescaped with invalid UTF-8 replaced by
// U+FFFD.
func (c *cursor) str() string {
	s := c.s
	start := c.i + 1
	j := plainEnd(s, start, true)
	ascii := true
	for j < len(s) && s[j] >= utf8.RuneSelf {
		ascii = false
		j = plainEnd(s, j+1, false)
	}
	switch {
	case j == len(s) || s[j] < 0x20:
		c.fail()
		return ""
	case s[j] == '"':
		v := s[start:j]
		if !ascii && !utf8.ValidString(v) {
			v = ownString(unquote(v, len(v)))
		}
		c.i = j + 1
		return v
	}
	// An escape: find the end first (checking every escape), then unquote.
	end := c.skipString(j)
	if !c.ok {
		return ""
	}
	c.i = end
	return ownString(unquote(s[start:end-1], end-1-start))
}

// ownString is b as a string without a copy: b is new and never written
// again.
func ownString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// skipString goes on inside a string from j and returns the index past
// its closing quote, checking its escapes and that it holds no control
// byte, as JSON requires.
func (c *cursor) skipString(j int) int {
	s := c.s
	for {
		j = plainEnd(s, j, false)
		if j >= len(s) || s[j] < 0x20 {
			c.fail()
			return len(s)
		}
		if s[j] == '"' {
			return j + 1
		}
		// A backslash.
		if j+1 >= len(s) {
			c.fail()
			return len(s)
		}
		switch s[j+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			j += 2
		case 'u':
			if j+6 > len(s) || hex4(s[j+2:j+6]) < 0 {
				c.fail()
				return len(s)
			}
			j += 6
		default:
			c.fail()
			return len(s)
		}
	}
}

// hex4 reads four hex digits, -1 when they are not.
func hex4(s string) rune {
	var r rune
	for i := 0; i < 4; i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// unquote decodes the inside of a JSON string whose escapes are known to
// be valid, exactly as encoding/json does: a surrogate pair is one rune,
// a lone surrogate and every invalid UTF-8 byte become U+FFFD.
func unquote(s string, size int) []byte {
	b := make([]byte, 0, size+2*utf8.UTFMax)
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			switch s[i+1] {
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r := hex4(s[i+2 : i+6])
				i += 6
				if utf16.IsSurrogate(r) {
					if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
						if r1 := hex4(s[i+2 : i+6]); r1 >= 0 {
							if dec := utf16.DecodeRune(r, r1); dec != unicode.ReplacementChar {
								i += 6
								b = utf8.AppendRune(b, dec)
								continue
							}
						}
					}
					r = unicode.ReplacementChar
				}
				b = utf8.AppendRune(b, r)
				continue
			default: // " \ /
				b = append(b, s[i+1])
			}
			i += 2
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			b = utf8.AppendRune(b, r)
			i += n
		}
	}
	return b
}

// maxSkipDepth is the deepest nesting skip follows; a deeper value is left
// to encoding/json (which refuses past 10,000).
const maxSkipDepth = 512

// skip passes over the value at i, checking it is valid JSON, and returns
// where it began (after white space). Nesting is kept in a bit stack, not
// in recursion.
func (c *cursor) skip() int {
	var stack [maxSkipDepth / 64]uint64 // bit set: the level is an object
	depth := 0
	c.ws()
	start := c.i
	s := c.s
	for c.ok {
		// A value.
		c.ws()
		if c.i >= len(s) {
			c.fail()
			break
		}
		switch ch := s[c.i]; {
		case ch == '"':
			c.i = c.skipString(c.i + 1)
		case ch == '{' || ch == '[':
			if depth == maxSkipDepth {
				c.fail()
				return start
			}
			obj := ch == '{'
			if obj {
				stack[depth/64] |= 1 << (depth % 64)
			} else {
				stack[depth/64] &^= 1 << (depth % 64)
			}
			depth++
			c.i++
			end := byte(']')
			if obj {
				end = '}'
			}
			if c.peek() == end {
				c.i++
				depth--
				break
			}
			if obj {
				c.memberKey()
			}
			continue
		case ch == 't':
			c.literal("true")
		case ch == 'f':
			c.literal("false")
		case ch == 'n':
			c.literal("null")
		case ch == '-' || '0' <= ch && ch <= '9':
			c.number()
		default:
			c.fail()
		}
		// After a value: close containers, or go on to the next element.
		for c.ok && depth > 0 {
			obj := stack[(depth-1)/64]&(1<<((depth-1)%64)) != 0
			next := c.peek()
			if next == ',' {
				c.i++
				if obj {
					c.memberKey()
				}
				break
			}
			if obj && next == '}' || !obj && next == ']' {
				c.i++
				depth--
				continue
			}
			c.fail()
		}
		if depth == 0 {
			break
		}
	}
	return start
}

// memberKey reads an object member's key and colon inside a skipped value and
// leaves the cursor at its value.
func (c *cursor) memberKey() {
	if c.peek() != '"' {
		c.fail()
		return
	}
	c.i = c.skipString(c.i + 1)
	if c.peek() != ':' {
		c.fail()
		return
	}
	c.i++
	c.ws()
}

// number consumes a JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (c *cursor) number() {
	s, i := c.s, c.i
	if s[i] == '-' {
		i++
	}
	digits := func() bool {
		j := i
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
		return i > j
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case !digits():
		c.fail()
		return
	}
	if i < len(s) && s[i] == '.' {
		i++
		if !digits() {
			c.fail()
			return
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if !digits() {
			c.fail()
			return
		}
	}
	c.i = i
}
