package model

// Ledger builds the resource ledger from the events the filter selects.
func (t *Timeline) Ledger() *Ledger {
	l := NewLedger()
	t.ExtendLedger(l, 0)
	return l
}

// ExtendLedger adds to l the events the filter selects from the done-th
// match on, and returns how many matches l now holds: a view that keeps a
// ledger while a scan loads more events adds only the new ones (the
// filtered view only grows at its end while the filter stays). A done
// beyond the matches (the filter or the timeline changed) is the caller's
// to rebuild from 0.
//
// The event-name and error columns say which events are successful calls a
// rule names before any is read, so the pass over a million events reads
// only the records that create, change or delete something.
func (t *Timeline) ExtendLedger(l *Ledger, done int) int {
	matches := t.Matches()
	if done >= matches {
		return matches
	}
	names, errs := t.column(fieldEvent), t.column(fieldError)
	named := make([]bool, len(names.values))
	for code, name := range names.values {
		named[code] = ledgerNamed(name)
	}
	failed := make([]bool, len(errs.values))
	for code, err := range errs.values {
		failed[code] = err != ""
	}
	var e Event
	view := t.view[done:matches]
	for _, i := range view {
		if !named[names.codes[i]] || failed[errs.codes[i]] {
			continue
		}
		t.peek(int(i), &e)
		l.Add(&e)
	}
	// The range seen is that of every selected event, not only the named
	// ones: the view runs newest first.
	t.peek(int(view[0]), &e)
	l.Add(&Event{Time: e.Time})
	t.peek(int(view[len(view)-1]), &e)
	l.Add(&Event{Time: e.Time})
	return matches
}
