package trail

import (
	"cmp"
	"slices"

	"lazytrail/model"
)

// orderKey is what newestFirst compares of one event, with the event's
// place: sorting these 32-byte keys moves a sixteenth of the bytes that
// sorting the 512-byte Events themselves would, and the events are then
// moved once each, to their place.
type orderKey struct {
	sec  int64 // Time's seconds and nanoseconds: compared as Time.Compare does, for any year
	nsec int32
	at   int32 // the event's index before sorting
	id   string
}

func keyOf(e *model.Event, at int) orderKey {
	return orderKey{sec: e.Time.Unix(), nsec: int32(e.Time.Nanosecond()), at: int32(at), id: e.ID}
}

// newerKey is newestFirst on keys: the same answer for every pair, so
// slices.SortFunc (deterministic for a given length and answers) puts
// the keys in exactly the order it would put the events in, ties between
// equal events included.
func newerKey(a, b orderKey) int {
	if a.sec != b.sec {
		return cmp.Compare(b.sec, a.sec)
	}
	if a.nsec != b.nsec {
		return cmp.Compare(b.nsec, a.nsec)
	}
	return cmp.Compare(a.id, b.id)
}

// sortNewestFirst sorts evs newest first (newestFirst's order) by sorting
// their keys and then moving each event once along the permutation's
// cycles. keys is a buffer to reuse; the grown one is returned.
func sortNewestFirst(evs []model.Event, keys []orderKey) []orderKey {
	keys = sortedKeys(keys[:0], len(evs), func(i int) *model.Event { return &evs[i] })
	// keys[i].at is the event that belongs at i. Follow each cycle once,
	// marking the places filled by pointing them at themselves.
	for start := range keys {
		if int(keys[start].at) == start {
			continue
		}
		held := evs[start]
		i := start
		for {
			from := int(keys[i].at)
			keys[i].at = int32(i)
			if from == start {
				evs[i] = held
				break
			}
			evs[i] = evs[from]
			i = from
		}
	}
	clear(keys) // the ids: let released events go
	return keys[:0]
}

// sortedKeys appends the keys of n events (at(i) is the i-th) to keys and
// sorts them newest first.
func sortedKeys(keys []orderKey, n int, at func(int) *model.Event) []orderKey {
	keys = slices.Grow(keys, n)
	for i := range n {
		keys = append(keys, keyOf(at(i), i))
	}
	slices.SortFunc(keys, newerKey)
	return keys
}
