package model

import "slices"

// pendingSearch is the raw: search the view waits for.
type pendingSearch struct {
	search *Search // nil: the view is complete
	// settled is how many entries of the view the search has put there:
	// the matches among the events it has tested. The entries after them
	// are events Add tested, loaded after the search's snapshot; they are
	// not shown until the search has put every match before them.
	settled int
	tested  int // how many events the search has tested, in order
	// stopped is how many events of total a search stopped by its owner
	// had tested: the view holds the matches it found and those Add
	// found since, not the ones in between.
	stopped, total int
}

// smallSearch is the number of events up to which a raw: term is tested
// in place rather than by a Search: ~10 MB of records, a few milliseconds
// (a variable so that tests can search few events).
var smallSearch = 8192

// BeginFilter selects the events f matches, as SetFilter does, except that
// when f has a raw: term over more than a few thousand events it returns at
// once with the view empty and pending, and a Search to run off the update
// loop (Start, then Next until Done, each Found handed to Found). nil: the
// view is complete. A later BeginFilter or SetFilter drops the search
// (whose results are then refused); its owner cancels it.
func (t *Timeline) BeginFilter(f Filter) *Search {
	fresh := t.pending == pendingSearch{} // the view is complete: it may be narrowed
	t.pending = pendingSearch{}
	var raw []*term
	if f.Err() == "" {
		for i := range f.terms {
			if tm := &f.terms[i]; tm.field == fieldRaw && !tm.matchesAll() {
				raw = append(raw, tm)
			}
		}
	}
	if len(raw) == 0 {
		t.setFilter(f, fresh)
		return nil
	}
	narrowing := fresh && f.Narrows(t.filter) && t.filter.Err() == ""
	t.filter = f
	if narrowing && len(t.view) <= smallView {
		t.narrowView(f)
		return nil
	}
	// The other terms choose the events to search, from the columns (or
	// from the view, which holds every match of a filter f narrows).
	rest := Filter{text: f.text}
	for i := range f.terms {
		if f.terms[i].field != fieldRaw {
			rest.terms = append(rest.terms, f.terms[i])
		}
	}
	var cands []int32 // nil with all
	all := false
	switch p := t.plan(rest); {
	case narrowing && len(t.view) < t.n/2:
		cands = slices.DeleteFunc(slices.Clone(t.view), func(i int32) bool { return !t.matches(&p, i) })
	case rest.IsZero():
		all = true
	default:
		cands = t.scan(&p, nil)
	}
	if all && t.n <= smallSearch || !all && len(cands) <= smallSearch {
		t.view = t.view[:0]
		if all {
			cands = make([]int32, t.n)
			for i := range cands {
				cands[i] = int32(i)
			}
		}
		for _, i := range cands {
			if rawPass(raw, t.rawAt(i)) {
				t.view = append(t.view, i)
			}
		}
		return nil
	}
	t.view = t.view[:0]
	s := newSearch(t.Snapshot(), cands, raw)
	t.pending = pendingSearch{search: s}
	return s
}

func rawPass(raw []*term, record string) bool {
	for _, tm := range raw {
		if !tm.matchValue(record) {
			return false
		}
	}
	return true
}

// Found puts what the search found into the view and reports whether it
// was taken: false for a search the view no longer waits for (a later
// filter replaced it), whose results are dropped.
func (t *Timeline) Found(f Found) bool {
	if f.search == nil || f.search != t.pending.search {
		return false
	}
	t.view = slices.Insert(t.view, t.pending.settled, f.matches...)
	t.pending.settled += len(f.matches)
	t.pending.tested = f.Tested
	if f.Done {
		t.pending = pendingSearch{}
	}
	return true
}

// StopSearch stops waiting for the pending search: the view keeps what it
// found (and what arrived since), and SearchStopped says how far it got
// until the next filter.
func (t *Timeline) StopSearch() {
	if s := t.pending.search; s != nil {
		t.pending = pendingSearch{stopped: t.pending.tested, total: s.total}
	}
}

// SearchStopped reports how far a search stopped by StopSearch had got:
// events tested of total; ok is false unless the view is one it left.
func (t *Timeline) SearchStopped() (tested, total int, ok bool) {
	return t.pending.stopped, t.pending.total, t.pending.total > 0
}

// Pending is the search the view waits for; nil when it is complete.
func (t *Timeline) Pending() *Search { return t.pending.search }

// Searching reports how far the search the view waits for has got: events
// tested of total; ok is false when none is pending.
func (t *Timeline) Searching() (tested, total int, ok bool) {
	if t.pending.search == nil {
		return 0, 0, false
	}
	return t.pending.tested, t.pending.search.total, true
}
