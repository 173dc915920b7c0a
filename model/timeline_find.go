package model

import "time"

// IndexOf is the loaded index of the (first) event with this id, for a
// pivot that reopens a query to land on the event it came from once the
// event is loaded again.
func (t *Timeline) IndexOf(id string) (int, bool) {
	if id == "" {
		return 0, false
	}
	i, ok := t.st.ids.find(id, t.idAt)
	return int(i), ok
}

// OldestLoaded is the time of the last (oldest) loaded event; zero when
// none is loaded. Events arrive newest first, so a pivot landing on an
// event can tell from it that the query has passed the event's time.
func (t *Timeline) OldestLoaded() time.Time {
	if t.n == 0 {
		return time.Time{}
	}
	return time.Unix(t.seconds[t.n-1], 0).UTC()
}
