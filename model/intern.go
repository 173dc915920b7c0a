package model

import "unique"

// intern returns the canonical copy of s. Regions, sources, event names,
// account ids, role and session names, user agents and the like repeat
// across thousands of events; sharing one copy keeps a million loaded
// events within budget (see BenchmarkEventMemory).
func intern(s string) string {
	if s == "" {
		return ""
	}
	return unique.Make(s).Value()
}

// Intern is intern for the sources that build events outside this package
// (LookupEvents results), so their strings are shared the same way.
func Intern(s string) string { return intern(s) }
