package model

// Timeline is the ordered, de-duplicated store of released events with the
// view that the current filter selects. Events arrive already in global
// newest-first order from the merge, so the store is append-only.
type Timeline struct {
	events []Event
	seen   map[string]struct{}
	filter Filter
	view   []int32 // indexes into events that match filter
}

// NewTimeline returns an empty timeline.
func NewTimeline() *Timeline { return &Timeline{seen: map[string]struct{}{}} }

// Add appends events in order, skipping any whose ID is already present, and
// returns how many were added.
func (t *Timeline) Add(evs []Event) int {
	n := 0
	for i := range evs {
		if id := evs[i].ID; id != "" {
			if _, dup := t.seen[id]; dup {
				continue
			}
			t.seen[id] = struct{}{}
		}
		t.events = append(t.events, evs[i])
		if t.filter.Match(&evs[i]) {
			t.view = append(t.view, int32(len(t.events)-1))
		}
		n++
	}
	return n
}

// Len is the number of events loaded.
func (t *Timeline) Len() int { return len(t.events) }

// At returns the i-th loaded event, newest first.
func (t *Timeline) At(i int) *Event { return &t.events[i] }

// Filter returns the filter in force.
func (t *Timeline) Filter() Filter { return t.filter }

// SetFilter rebuilds the view for f.
func (t *Timeline) SetFilter(f Filter) {
	t.filter = f
	t.view = t.view[:0]
	for i := range t.events {
		if f.Match(&t.events[i]) {
			t.view = append(t.view, int32(i))
		}
	}
}

// Matches is the number of loaded events the filter selects.
func (t *Timeline) Matches() int { return len(t.view) }

// Match returns the i-th selected event.
func (t *Timeline) Match(i int) *Event { return &t.events[t.view[i]] }

// MatchIndex returns the index among all loaded events of the i-th selected one.
func (t *Timeline) MatchIndex(i int) int { return int(t.view[i]) }

// Nearest returns the position in the view of the selected event at or
// after (older than, or equal to) loaded index all, or the last position.
func (t *Timeline) Nearest(all int) int {
	lo, hi := 0, len(t.view)
	for lo < hi {
		m := (lo + hi) / 2
		if int(t.view[m]) < all {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == len(t.view) && lo > 0 {
		return lo - 1
	}
	return lo
}
