package model

import "slices"

// Timeline is the ordered, de-duplicated store of released events with the
// view that the current filter selects. Events arrive already in global
// newest-first order from the merge, so the store is append-only. It is not
// safe for concurrent use; the TUI owns it from its Update loop (Snapshot
// is the view other goroutines may read).
type Timeline struct {
	// st holds every loaded event outside the Go heap, but for the fields
	// the columns hold (store.go); n is how many.
	st eventStore
	n  int
	// The first event loaded with each id is found through st.ids; twins
	// maps an id to the others, loaded because their content differs (the
	// same id with other content is no duplicate: in a trail it means
	// tampering or a bug, and is shown, not collapsed).
	twins  map[string][]int32
	filter Filter
	view   []int32 // indexes into the loaded events that match filter, ascending
	// pending is the raw: search the view waits for (searchview.go).
	pending pendingSearch

	columns   [len(columnFields)]column // see columns.go
	seconds   []int64                   // each loaded event's time, unix seconds, for the histogram
	resources resourceIndex             // resource names, folded, for res: terms (resindex.go)
}

// NewTimeline returns an empty timeline.
func NewTimeline() *Timeline { return &Timeline{} }

// Add appends events in order, skipping any whose ID and raw record are
// already present, and returns how many were added. Events without an ID
// are never duplicates; an event with the ID of a loaded one but another
// raw record is added (see Twins). The timeline keeps copies: evs may be
// reused once Add returns.
func (t *Timeline) Add(evs []Event) int {
	added := 0
	for i := range evs {
		e := &evs[i]
		twin := false
		if id := e.ID; id != "" {
			if first, dup := t.st.ids.find(id, t.idAt); dup {
				if t.loaded(int32(first), id, e.Raw) {
					continue
				}
				twin = true
			}
		}
		t.st.add(e)
		switch {
		case twin:
			if t.twins == nil {
				t.twins = map[string][]int32{}
			}
			key := twinKey(e.ID)
			t.twins[key] = append(t.twins[key], int32(t.n))
		case e.ID != "":
			t.st.ids.insert(e.ID, uint32(t.n))
		}
		for c, f := range columnFields {
			t.columns[c].add(eventField(e, f))
		}
		t.resources.add(e)
		if t.filter.Match(e) {
			t.view = append(t.view, int32(t.n))
		}
		t.seconds = append(t.seconds, e.Time.Unix())
		t.n++
		added++
	}
	return added
}

// WithNewer returns a timeline of evs (newest first, all newer than what
// is loaded, as follow mode brings them) followed by everything loaded,
// with the same filter. It copies: follow mode polls a recent window, and
// an append-only store keeps every other path simple. The caller releases
// t when done with it.
func (t *Timeline) WithNewer(evs []Event) *Timeline {
	out := NewTimeline()
	out.SetFilter(t.filter)
	out.Add(evs)
	batch := make([]Event, 256)
	for from := 0; from < t.n; from += len(batch) {
		k := min(len(batch), t.n-from)
		for j := range k {
			t.peek(from+j, &batch[j])
		}
		out.Add(batch[:k])
	}
	return out
}

// Filter is the filter the view selects by (SetFilter's).
func (t *Timeline) Filter() Filter { return t.filter }

// Len is the number of events loaded.
func (t *Timeline) Len() int { return t.n }

// At returns the i-th loaded event, newest first: a copy of its own,
// made on each call (the timeline keeps events compactly, not as Events).
func (t *Timeline) At(i int) *Event {
	e := new(Event)
	t.peek(i, e)
	own(e)
	return e
}

// Contains reports whether an event with this ID is loaded.
func (t *Timeline) Contains(id string) bool {
	_, ok := t.st.ids.find(id, t.idAt)
	return ok
}

// loaded reports whether the record raw is loaded under id, whose first
// event is at index first.
func (t *Timeline) loaded(first int32, id, raw string) bool {
	if t.rawAt(first) == raw {
		return true
	}
	for _, i := range t.twins[id] {
		if t.rawAt(i) == raw {
			return true
		}
	}
	return false
}

// Twins is how many loaded events carry the ID of an earlier loaded one
// with another raw record.
func (t *Timeline) Twins() int {
	n := 0
	for _, is := range t.twins {
		n += len(is)
	}
	return n
}

// SetFilter selects the events f matches, before it returns (a raw: term
// searches the records on every core; BeginFilter leaves that search to
// the caller).
func (t *Timeline) SetFilter(f Filter) {
	if s := t.BeginFilter(f); s != nil {
		t.Found(s.run())
	}
}

// setFilter selects the events f, which has no raw: term to search,
// matches. When f only narrows the filter in force (the user typed one
// more character) and the view is complete (fresh), just the current
// view is filtered again; otherwise every loaded event is.
func (t *Timeline) setFilter(f Filter, fresh bool) {
	if f.Err() != "" {
		t.filter, t.view = f, t.view[:0] // a filter with an error matches nothing
		return
	}
	narrowing := fresh && f.Narrows(t.filter) && t.filter.Err() == ""
	t.filter = f
	if narrowing && len(t.view) <= smallView {
		// A few thousand events are quicker to test directly than to
		// prepare column tests for, whose dictionaries may be large.
		t.narrowView(f)
		return
	}
	p := t.plan(f)
	if narrowing && len(t.view) < t.n/2 {
		// Re-filtering the view beats a sequential scan of every column
		// only while the view is the smaller part.
		t.view = slices.DeleteFunc(t.view, func(i int32) bool { return !t.matches(&p, i) })
		return
	}
	t.view = t.scan(&p, t.view[:0])
}

// narrowView keeps the events of the view that f matches, testing each
// in place (no copy of the event).
func (t *Timeline) narrowView(f Filter) {
	var e Event
	t.view = slices.DeleteFunc(t.view, func(i int32) bool {
		t.peek(int(i), &e) // read in place: the filter keeps nothing of it
		return !f.Match(&e)
	})
}

// smallView is the view size up to which narrowing tests events directly
// (a variable so that tests can take the other paths with few events).
var smallView = 8192

// scan appends to view every loaded event that passes p. The first column
// test runs as a tight loop over its codes; only events that pass it pay
// for the rest.
func (t *Timeline) scan(p *filterPlan, view []int32) []int32 {
	if len(p.columns) == 0 && len(p.others) == 0 && len(p.resources) == 0 {
		view = slices.Grow(view, t.n)
		for i := range int32(t.n) {
			view = append(view, i)
		}
		return view
	}
	if len(p.columns) == 0 && len(p.others) == 0 && len(p.resources) == 1 {
		return p.resources[0].appendPassing(view, t.n)
	}
	if len(p.columns) == 0 {
		for i := range int32(t.n) {
			if t.matches(p, i) {
				view = append(view, i)
			}
		}
		return view
	}
	first, rest := p.columns[0], *p
	rest.columns = rest.columns[1:]
	for i, code := range first.codes[:t.n] {
		if first.pass[code] && (len(rest.columns) == 0 && len(rest.others) == 0 && len(rest.resources) == 0 || t.matches(&rest, int32(i))) {
			view = append(view, int32(i))
		}
	}
	return view
}

// Matches is the number of loaded events the filter selects; while a
// search is pending, those it has found so far.
func (t *Timeline) Matches() int {
	if t.pending.search != nil {
		return t.pending.settled
	}
	return len(t.view)
}

// Match returns the i-th selected event.
func (t *Timeline) Match(i int) *Event { return t.At(int(t.view[i])) }

// MatchIndex returns the index among all loaded events of the i-th selected one.
func (t *Timeline) MatchIndex(i int) int { return int(t.view[i]) }

// Nearest returns the position in the view of the selected event at or
// after (older than, or equal to) loaded index all, or the last position
// when every selected event is newer; 0 when nothing is selected. Keeping
// the cursor's loaded index across SetFilter and calling Nearest keeps it on
// the same event, or on the next older one that still matches.
func (t *Timeline) Nearest(all int) int {
	lo, hi := 0, t.Matches()
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if int(t.view[m]) < all {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == t.Matches() && lo > 0 {
		return lo - 1
	}
	return lo
}
