package model

import "strings"

// LookupFilter is the filter that an attribute pushed down to LookupEvents
// ("EventName=RunInstances", "ReadOnly=true") applies, so that a query
// loaded with it can be compared with the filter in force: only a filter
// that narrows this one (Filter.Narrows) finds every one of its matches
// among what the query loads. ok is false when the language has no term for
// the attribute or cannot hold the value (a space or a comma
// would read as two terms or as alternatives): no filter is then known to
// be covered, which errs on the side of never saying "complete" wrongly.
func LookupFilter(lookup string) (f Filter, ok bool) {
	name, value, found := strings.Cut(lookup, "=")
	if !found || value == "" || strings.ContainsAny(value, " \t\n,") {
		return Filter{}, false
	}
	if strings.EqualFold(name, "ReadOnly") {
		ro := strings.ToLower(value)
		if ro != "true" && ro != "false" {
			return Filter{}, false
		}
		return ParseFilter("ro:" + ro), true
	}
	for _, k := range lookupKeys {
		if strings.EqualFold(name, k.name) {
			f = ParseFilter(keyOf(k.field) + "=" + value)
			return f, f.Err() == ""
		}
	}
	return Filter{}, false
}
