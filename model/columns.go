package model

import "strings"

// Filtering a million events by reading each Event touches a million
// scattered cache lines, several times a frame's budget. The timeline
// therefore also keeps the fields filters look at as dictionary-encoded
// columns: a term is tested once per distinct value (a few hundred user
// names, a dozen regions), and then each event costs one small, sequential
// array read per term.

// columnFields are the fields kept as columns. Event ids are unique, and
// resources and read-only are tested on the Event itself.
var columnFields = [...]field{fieldUser, fieldEvent, fieldRegion, fieldSource, fieldIP, fieldError, fieldAccount,
	fieldAccessKey, fieldRole, fieldIdentityType, fieldAgent}

// column is one dictionary-encoded field of every loaded event.
type column struct {
	codeOf indexTable // finds a value's code
	values []string   // by code
	codes  []uint32   // by loaded index
}

func (c *column) add(s string) {
	code, ok := c.codeOf.find(s, func(code uint32) string { return c.values[code] })
	if !ok {
		// A copy: an event's text may be a piece of the block its file was
		// read into (FromRecord shares it), and a dictionary that kept the
		// piece would keep the whole block, for every distinct value.
		s = strings.Clone(s)
		code = uint32(len(c.values))
		c.values = append(c.values, s)
		c.codeOf.insert(s, code)
	}
	c.codes = append(c.codes, code)
}

// columnTest is one term evaluated over a column's dictionary.
type columnTest struct {
	codes []uint32
	pass  []bool // by code
}

// filterPlan is a filter prepared for scanning the timeline.
type filterPlan struct {
	columns   []columnTest
	resources []resourceTest // res: terms, over the resource arena
	others    []*term        // terms tested on the Event
}

func (t *Timeline) plan(f Filter) filterPlan {
	var p filterPlan
	for i := range f.terms {
		tm := &f.terms[i]
		if tm.matchesAll() {
			continue
		}
		if tm.field == fieldResource {
			p.resources = append(p.resources, resourceTest{bits: t.resourceMatches(tm), negate: tm.negate})
			continue
		}
		col := t.column(tm.field)
		if col == nil {
			p.others = append(p.others, tm)
			continue
		}
		pass := make([]bool, len(col.values))
		for code, v := range col.values {
			pass[code] = tm.matchValue(v)
		}
		p.columns = append(p.columns, columnTest{codes: col.codes, pass: pass})
	}
	return p
}

func (t *Timeline) column(f field) *column {
	for i, cf := range columnFields {
		if cf == f {
			return &t.columns[i]
		}
	}
	return nil
}

// matches reports whether the i-th loaded event passes the plan.
func (t *Timeline) matches(p *filterPlan, i int32) bool {
	for k := range p.columns {
		if c := &p.columns[k]; !c.pass[c.codes[i]] {
			return false
		}
	}
	for k := range p.resources {
		if !p.resources[k].pass(i) {
			return false
		}
	}
	if len(p.others) > 0 {
		var e Event
		t.peek(int(i), &e) // read in place: a term keeps nothing of it
		for _, tm := range p.others {
			if !tm.match(&e) {
				return false
			}
		}
	}
	return true
}

// Accounts is how many distinct accounts the loaded events come from, so
// the list can show an account column only when it tells events apart.
func (t *Timeline) Accounts() int {
	n := 0
	for _, v := range t.column(fieldAccount).values {
		if v != "" {
			n++
		}
	}
	return n
}
