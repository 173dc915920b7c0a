package model

import (
	"regexp"
	"strings"
)

// A prefix term over LookupEvents is a scan of everything in the range
// (90 days at 2 requests a second per region), while the same value as an
// exact term is asked of the API and answers in a request or two. When a
// prefix term's value already looks whole, the user most likely meant the
// exact term: ExactHint says so, and what to type.

// wholeValue says, per field, what a complete value looks like. Without a
// list of every API name, an event name is whole when it is CamelCase of
// at least two words (a verb and a noun: RebootInstances, not Reboot): AWS
// names its calls so, and a two-word prefix such as AuthorizeSecurity only
// earns a hint the user can ignore, never a wrong answer.
var wholeValue = map[field]*regexp.Regexp{
	fieldEvent:        regexp.MustCompile(`^[A-Z][a-z0-9]+(?:[A-Z][a-zA-Z0-9]*)+$`),
	fieldSource:       regexp.MustCompile(`^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com$`),
	fieldID:           regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`),
	fieldAccessKey:    regexp.MustCompile(`^(AKIA|ASIA)[A-Z0-9]{16}$`),
	fieldResource:     regexp.MustCompile(`^([a-z]+-[0-9a-f]{8}([0-9a-f]{9})?|arn:aws[a-z-]*:[^ ]+)$`),
	fieldResourceType: regexp.MustCompile(`^[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+$`),
}

// ExactHint is, for a filter LookupEvents would have to scan for (nothing
// to push down), a line naming a prefix term whose value looks whole and
// its exact form: "event:RebootInstances scans; event=RebootInstances asks
// the API". It is "" when the filter pushes a term down already, or no
// term looks whole. The line is printable.
func (f Filter) ExactHint() string {
	if _, _, ok := f.Pushdown(); ok || f.err != "" {
		return ""
	}
	for _, word := range strings.Fields(f.text) {
		t, _ := parseTerm(word)
		re := wholeValue[t.field]
		if re == nil || t.exact || t.negate || t.alts != nil || !re.MatchString(t.value) {
			continue
		}
		exact := keyOf(t.field) + "=" + t.value
		return Printable(word + " scans the whole range; " + exact + " asks the API")
	}
	return ""
}
