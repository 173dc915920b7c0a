package tui

import (
	"cmp"
	"fmt"
	"strings"

	"lazytrail/model"
)

// Completeness belongs to the query that loaded the events, not to the
// filter in force: after /event=RunInstances enter, the timeline holds the
// RunInstances events only, so clearing the filter over them shows what is
// loaded, not every event. "complete" is said only when the stream ended
// over its whole range, nothing failed or was skipped, and the query asked
// for no less than the filter matches (the filter narrows it).

// covered reports whether every event the filter matches in the query's
// range is one the query loads: the filter narrows what the query in
// force pushed down (the plan's Loads; the zero Filter when it pushed
// nothing).
func (a *App) covered() bool {
	return a.queryPlan.Key == "" || a.filter().Narrows(a.queryPlan.Loads)
}

// complete reports whether the loaded events hold every match of the
// filter over the query's range.
func (a *App) complete() bool {
	return a.rangeDone() && a.summary().skipped == 0 && a.covered()
}

// coverageText says what is loaded and what would load every match, when
// the query does not cover the filter: "47 loaded by EventName=RunInstances —
// r queries everything"; "" when it does.
func (a *App) coverageText() string {
	if a.covered() {
		return ""
	}
	caps := a.capabilities()
	by := model.Printable(a.queryPlan.Key)
	if caps.WholeFilter {
		by = "the query for " + by
	}
	if !caps.Plans {
		// The command line fixed it: no key of the TUI changes it.
		return fmt.Sprintf("%s loaded by %s", count(a.tl.Len()), model.Printable(cmp.Or(caps.Fixed, a.queryPlan.Key)))
	}
	s := fmt.Sprintf("%s loaded by %s", count(a.tl.Len()), by)
	key, what := "r", "this filter"
	if a.filtering {
		key = "enter"
	}
	if a.filter().IsZero() {
		what = "everything"
	}
	return s + " — " + key + " queries " + what
}

// incompleteWhy is why the loaded matches may not be all of them, with
// what to do about it, for the summary and the export; "" when they are
// every match.
func (a *App) incompleteWhy() string {
	s := a.summary()
	switch {
	case !a.covered():
		return a.coverageText()
	case a.halted:
		return "the query was stopped; r runs it again"
	case !a.ended:
		return "L scans to the end"
	case s.failed == 1:
		return "1 " + strings.TrimSuffix(s.word, "s") + " failed (R)"
	case s.failed > 0:
		return fmt.Sprintf("%d %s failed (R)", s.failed, s.word)
	case s.skipped > 0:
		return fmt.Sprintf("%s skipped (R)", count(s.skipped))
	}
	return ""
}
