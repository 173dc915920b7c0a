package model

import (
	"strings"
	"unicode/utf8"
)

// Prefilter is the cheap test a source runs on a raw record before it
// builds the record's Event, for the filter its consumer keeps
// (Request.Keep): MayMatch false means the filter cannot match the
// record's Event, so the record need not be decoded. It never drops a
// record the filter keeps (TestPrefilterNeverDropsAMatch,
// FuzzPrefilter); it keeps many it need not (the filter still runs).
//
// The test: every text an Event's field holds is, in a record without
// escapes and in valid UTF-8, a piece of the record's bytes starting at a
// rune boundary (the field itself, or for a derived one such as the user
// name a piece of one), so a term that needs its field to start with or
// hold a value needs the record to hold that value somewhere, with the
// same case folding. The few texts an Event has that are not in the
// record (the user name "root", the resource types of the derived
// resources, an event id made from a hash) make a term that could match
// them untestable; so are negated terms, ro: and err without a code.
type Prefilter struct {
	terms []*term // the terms tested: each needs one of its values in the record
	raw   []*term // raw: terms, tested on the record as they are
}

// NewPrefilter is the test for f, nil when no term of f can be tested
// (the zero filter, or only negated terms): nothing to skip.
func NewPrefilter(f Filter) *Prefilter {
	if f.err != "" {
		return nil // matches nothing, but say nothing: the consumer reports it
	}
	p := &Prefilter{}
	for i := range f.terms {
		t := &f.terms[i]
		if t.matchesAll() || t.negate || !testable(t) {
			continue
		}
		if t.field == fieldRaw {
			p.raw = append(p.raw, t)
		} else {
			p.terms = append(p.terms, t)
		}
	}
	if len(p.terms) == 0 && len(p.raw) == 0 {
		return nil
	}
	return p
}

// testable says whether a (positive) term's field only ever holds text
// taken from the record.
func testable(t *term) bool {
	switch t.field {
	case fieldReadOnly, fieldID:
		return false
	case fieldError:
		return t.value != "" // err alone: any code, whatever its text
	case fieldUser:
		return !t.matchText("root") // DeriveUsername's own name for Root
	case fieldResourceType:
		for i := range resourceRules {
			if t.matchText(resourceRules[i].typ) {
				return false
			}
		}
	}
	return true
}

// MayMatch reports whether the filter may match the Event of raw (the
// record exactly as it is given to FromRecord, which becomes Event.Raw).
func (p *Prefilter) MayMatch(raw string) bool {
	for _, t := range p.raw {
		if !t.matchText(raw) {
			return false
		}
	}
	if len(p.terms) == 0 || !verbatim(raw) {
		return true
	}
	for _, t := range p.terms {
		if !t.mayBeIn(raw) {
			return false
		}
	}
	return true
}

// mayBeIn reports whether raw holds one of t's values as t compares it.
func (t *term) mayBeIn(raw string) bool {
	if t.alts == nil {
		return t.valueIn(raw, t.value)
	}
	for _, v := range t.alts {
		if t.valueIn(raw, v) {
			return true
		}
	}
	return false
}

func (t *term) valueIn(raw, v string) bool {
	if t.fold {
		return containsFold(raw, v)
	}
	return strings.Contains(raw, v)
}

// verbatim reports whether every string of the record decodes to its own
// bytes: no backslash (no escape) and valid UTF-8 (nothing replaced).
func verbatim(raw string) bool {
	i := plainEnd(raw, 0, true)
	for i < len(raw) {
		c := raw[i]
		if c == '\\' {
			return false
		}
		if c >= utf8.RuneSelf {
			// Rare in records: check the rest in one go.
			return !strings.Contains(raw[i:], `\`) && utf8.ValidString(raw[i:])
		}
		i = plainEnd(raw, i+1, true)
	}
	return true
}
