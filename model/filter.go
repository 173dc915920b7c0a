package model

import "strings"

// Filter is the client-side predicate typed in the filter bar or given by
// --user. Its zero value matches everything.
type Filter struct {
	text       string
	userPrefix string
	fold       bool // smart case: case-insensitive unless the prefix has an upper-case letter
}

// ParseFilter reads the filter bar's text. Bare text is a user-name prefix.
func ParseFilter(text string) Filter {
	p := strings.TrimSpace(text)
	return Filter{text: text, userPrefix: p, fold: strings.ToLower(p) == p}
}

// String returns the text the filter was parsed from.
func (f Filter) String() string { return f.text }

// IsZero reports whether the filter matches everything.
func (f Filter) IsZero() bool { return f.userPrefix == "" }

// Match reports whether e passes the filter.
func (f Filter) Match(e *Event) bool {
	if f.userPrefix == "" {
		return true
	}
	u := e.Username
	if len(u) < len(f.userPrefix) {
		return false
	}
	if f.fold {
		return strings.EqualFold(u[:len(f.userPrefix)], f.userPrefix)
	}
	return u[:len(f.userPrefix)] == f.userPrefix
}

// Narrows reports whether every event f matches is also matched by g, so
// that g's results can be filtered again instead of scanning everything.
func (f Filter) Narrows(g Filter) bool {
	if g.IsZero() {
		return true
	}
	return f.fold == g.fold && strings.HasPrefix(f.userPrefix, g.userPrefix)
}
