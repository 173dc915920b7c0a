package model

import "strings"

// pathStrings calls yield with every non-empty string that path reaches in
// the JSON value doc (valid JSON: a span the record decoder checked),
// walking through any arrays on the way: what decoding doc into an any
// with encoding/json and following path through its maps and slices
// yields (collectStrings), without building that tree. As in a map, of
// several members of one name the last counts; keys are compared
// unescaped.
func pathStrings(doc string, path []string, yield func(string)) {
	c := cursor{s: doc, ok: true}
	c.ws()
	c.walk(path, yield, walkStrings, 0)
}

// pathValues is pathStrings yielding every value path reaches, not only
// strings: a string unquoted (even empty), anything else as its JSON text
// (100, true, an object); null is nothing. An array at the end of path
// yields each element, which is how the ledger reads a list's items one
// by one.
func pathValues(doc string, path []string, yield func(string)) {
	c := cursor{s: doc, ok: true}
	c.ws()
	c.walk(path, yield, walkValues, 0)
}

// scalars calls yield with every string, number and boolean that path
// reaches in doc (a number or a boolean as written), as the summary counts
// a field: an object is no value to count.
func scalars(doc string, path []string, yield func(string)) {
	c := cursor{s: doc, ok: true}
	c.ws()
	c.walk(path, yield, walkScalars, 0)
}

// walkMode is what a walk yields at the end of its path.
type walkMode uint8

const (
	walkStrings walkMode = iota // non-empty strings only
	walkScalars                 // strings (even empty), numbers, booleans
	walkValues                  // scalars, and objects as their JSON text
)

// maxArrayNesting bounds the arrays walked through without a key between
// them: a record's [[[…]]] is attacker-controlled, and each level is a
// call deeper.
const maxArrayNesting = 32

func (c *cursor) walk(path []string, yield func(string), mode walkMode, arrays int) {
	if c.i >= len(c.s) {
		c.fail()
		return
	}
	switch c.s[c.i] {
	case '[':
		if arrays == maxArrayNesting {
			c.skip()
			return
		}
		c.i++
		if c.peek() == ']' {
			c.i++
			return
		}
		for c.ok {
			c.ws()
			c.walk(path, yield, mode, arrays+1)
			if !c.more(']') {
				return
			}
		}
	case '{':
		if len(path) == 0 {
			at := c.skip()
			if mode == walkValues && c.ok {
				yield(c.s[at:c.i])
			}
			return
		}
		c.i++
		last := -1
		if c.peek() == '}' {
			c.i++
			return
		}
		for c.ok {
			if c.peek() != '"' {
				c.fail()
				return
			}
			k := c.str()
			if c.peek() != ':' {
				c.fail()
				return
			}
			c.i++
			at := c.skip()
			if k == path[0] {
				last = at
			}
			if !c.more('}') {
				break
			}
		}
		if last >= 0 && c.ok {
			sub := cursor{s: c.s, i: last, ok: true}
			sub.walk(path[1:], yield, mode, 0)
		}
	case '"':
		v := c.str()
		if len(path) == 0 && (v != "" || mode != walkStrings) && c.ok {
			yield(v)
		}
	default:
		at := c.skip()
		if mode != walkStrings && len(path) == 0 && c.ok && c.s[at] != 'n' {
			yield(c.s[at:c.i])
		}
	}
}

// mentions reports whether doc holds key as a quoted string ("key"), the
// cheap test for whether a side of a record can name a resource at all.
func mentions(doc, key string) bool {
	for i := 0; ; {
		j := strings.Index(doc[i:], key)
		if j < 0 {
			return false
		}
		at := i + j
		if at > 0 && doc[at-1] == '"' && at+len(key) < len(doc) && doc[at+len(key)] == '"' {
			return true
		}
		i = at + 1
	}
}
