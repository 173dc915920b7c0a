package model

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Filter is the client-side predicate typed in the filter bar or given by
// --user. Its zero value matches everything.
//
// The language: space-separated terms, all of which must hold. A bare term
// is a user-name prefix (`skeddly-`). Keyed terms: `user:` prefix, `event:`
// event-name prefix, `region:` prefix, `source:` event-source prefix, `res:`
// substring of any resource name, `ip:` source-IP prefix, `id:` event-id
// prefix, `err` failed calls only, `err:CODE` error-code prefix, `ro:true`
// or `ro:false`, `account:` account-id prefix. A term with an unknown key, or a bad `ro:` value, is a
// user-name prefix as typed. Each term is case-insensitive unless it has an
// upper-case letter (smart case).
//
// Filters hold a slice, so compare them with String, not ==.
type Filter struct {
	text  string
	terms []term
}

// field is what a term looks at.
type field int8

const (
	fieldUser field = iota
	fieldEvent
	fieldRegion
	fieldSource
	fieldResource
	fieldIP
	fieldID
	fieldError // err and err:CODE: failed calls whose code starts with value
	fieldReadOnly
	fieldAccount
)

var fieldKeys = map[string]field{
	"user":    fieldUser,
	"event":   fieldEvent,
	"region":  fieldRegion,
	"source":  fieldSource,
	"res":     fieldResource,
	"ip":      fieldIP,
	"id":      fieldID,
	"err":     fieldError,
	"ro":      fieldReadOnly,
	"account": fieldAccount,
}

type term struct {
	field    field
	value    string   // prefix, or substring for fieldResource
	fold     bool     // compare ignoring case
	readOnly Tristate // for fieldReadOnly
}

// ParseFilter reads the filter bar's text. It accepts any text.
func ParseFilter(text string) Filter {
	f := Filter{text: text}
	for _, word := range strings.Fields(text) {
		f.terms = append(f.terms, parseTerm(word))
	}
	return f
}

func parseTerm(word string) term {
	if word == "err" {
		return textTerm(fieldError, "")
	}
	key, value, keyed := strings.Cut(word, ":")
	fld, known := fieldKeys[key]
	if !keyed || !known {
		return textTerm(fieldUser, word)
	}
	if fld == fieldReadOnly {
		switch {
		case strings.EqualFold(value, "true"):
			return term{field: fld, readOnly: True}
		case strings.EqualFold(value, "false"):
			return term{field: fld, readOnly: False}
		}
		return textTerm(fieldUser, word)
	}
	return textTerm(fld, value)
}

func textTerm(fld field, value string) term {
	return term{field: fld, value: value, fold: !hasUpper(value)}
}

func hasUpper(s string) bool {
	for _, r := range s {
		if unicode.IsUpper(r) || unicode.IsTitle(r) {
			return true
		}
	}
	return false
}

// String returns the text the filter was parsed from.
func (f Filter) String() string { return f.text }

// IsZero reports whether the filter matches everything.
func (f Filter) IsZero() bool {
	for i := range f.terms {
		if !f.terms[i].matchesAll() {
			return false
		}
	}
	return true
}

// UserPrefix returns the user-name prefix of the filter's first user term
// (bare or `user:`), as typed, or "" when it has none.
func (f Filter) UserPrefix() string {
	for _, t := range f.terms {
		if t.field == fieldUser && t.value != "" {
			return t.value
		}
	}
	return ""
}

// Match reports whether e passes the filter. It does not allocate.
func (f Filter) Match(e *Event) bool {
	for i := range f.terms {
		if !f.terms[i].match(e) {
			return false
		}
	}
	return true
}

func (t *term) matchesAll() bool {
	switch t.field {
	case fieldError:
		return false
	case fieldReadOnly:
		return t.readOnly == Unknown
	}
	return t.value == ""
}

func (t *term) match(e *Event) bool {
	switch t.field {
	case fieldReadOnly:
		return t.readOnly == Unknown || e.ReadOnly == t.readOnly
	case fieldResource:
		if t.value == "" {
			return true
		}
		for i := range e.Resources {
			if t.contains(e.Resources[i].Name) {
				return true
			}
		}
		return false
	}
	return t.matchValue(eventField(e, t.field))
}

// eventField returns the text a one-valued field looks at.
func eventField(e *Event, f field) string {
	switch f {
	case fieldUser:
		return e.Username
	case fieldEvent:
		return e.Name
	case fieldRegion:
		return e.Region
	case fieldSource:
		return e.Source
	case fieldIP:
		return e.SourceIP
	case fieldID:
		return e.ID
	case fieldError:
		return e.ErrorCode
	case fieldAccount:
		return e.Account
	}
	return ""
}

// matchValue applies a one-valued field's test to that field's text.
func (t *term) matchValue(s string) bool {
	if t.field == fieldError && s == "" {
		return false // only failed calls
	}
	return t.hasPrefix(s)
}

func (t *term) hasPrefix(s string) bool {
	if t.fold {
		return hasPrefixFold(s, t.value)
	}
	return strings.HasPrefix(s, t.value)
}

func (t *term) contains(s string) bool {
	if t.fold {
		return containsFold(s, t.value)
	}
	return strings.Contains(s, t.value)
}

// Narrows reports whether every event f matches is also matched by g, so
// that g's results can be filtered again instead of scanning everything.
// It may answer false when that holds in some subtle way; it never answers
// true when it does not.
func (f Filter) Narrows(g Filter) bool {
	for i := range g.terms {
		if !f.implies(&g.terms[i]) {
			return false
		}
	}
	return true
}

// implies reports whether some term of f alone guarantees want.
func (f Filter) implies(want *term) bool {
	if want.matchesAll() {
		return true
	}
	for i := range f.terms {
		if f.terms[i].implies(want) {
			return true
		}
	}
	return false
}

func (t *term) implies(want *term) bool {
	if t.field != want.field {
		return false
	}
	if t.field == fieldReadOnly {
		return t.readOnly == want.readOnly
	}
	// What t accepted starts with (or for resources contains) t.value, so
	// it is enough that t.value itself passes want. A case-sensitive match
	// is also a case-insensitive one, provided t.value is whole UTF-8 (a
	// cut-off sequence could decode differently inside a longer name).
	if !want.fold {
		return !t.fold && want.matchText(t.value)
	}
	return (t.fold || utf8.ValidString(t.value)) && want.matchText(t.value)
}

// matchText applies the term's text test to s.
func (t *term) matchText(s string) bool {
	if t.field == fieldResource {
		return t.contains(s)
	}
	return t.hasPrefix(s)
}
