package model

// Ledger builds the resource ledger from the events the filter selects.
// The event-name and error columns say which events are successful calls a
// rule names before any is read, so the pass over a million events reads
// only the records that create, change or delete something.
func (t *Timeline) Ledger() *Ledger {
	l := NewLedger()
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
	var first, last int32 = -1, -1
	for _, i := range t.view[:t.Matches()] {
		if first < 0 {
			first = i
		}
		last = i
		if !named[names.codes[i]] || failed[errs.codes[i]] {
			continue
		}
		t.peek(int(i), &e)
		l.Add(&e)
	}
	// The range seen is that of every selected event, not only the named
	// ones: the view is newest first.
	if first >= 0 {
		t.peek(int(first), &e)
		l.Add(&Event{Time: e.Time})
		t.peek(int(last), &e)
		l.Add(&Event{Time: e.Time})
	}
	return l
}
