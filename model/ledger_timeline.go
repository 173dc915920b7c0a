package model

// Ledger builds the resource ledger from the events the filter selects.
// The event-name column says which events a rule names before any is read,
// so the pass over a million events reads only the few thousand records
// that create, change or delete something.
func (t *Timeline) Ledger() *Ledger {
	l := NewLedger()
	names := t.column(fieldEvent)
	named := make([]bool, len(names.values))
	for code, name := range names.values {
		named[code] = ledgerNamed(name)
	}
	var e Event
	var first, last int32 = -1, -1
	for _, i := range t.view[:t.Matches()] {
		if first < 0 {
			first = i
		}
		last = i
		if !named[names.codes[i]] {
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
