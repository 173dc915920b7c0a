package trail

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"lazytrail/model"
)

// tiedEvents is n events with many ties: few distinct seconds and
// nanoseconds, few ids, and twins (the same id and time, other content),
// so every rule of newestFirst and the order among equal events show.
// Some times are outside what UnixNano holds.
func tiedEvents(rng *rand.Rand, n int) []model.Event {
	base := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	evs := make([]model.Event, n)
	for i := range evs {
		t := base.Add(time.Duration(rng.IntN(5))*time.Second + time.Duration(rng.IntN(3))*time.Nanosecond)
		switch rng.IntN(40) {
		case 0:
			t = time.Date(9999, 1, 1, 0, 0, rng.IntN(2), 0, time.UTC)
		case 1:
			t = time.Date(1, 1, 1, 0, 0, rng.IntN(2), 0, time.UTC)
		}
		evs[i] = model.Event{Time: t, ID: "id-" + strconv.Itoa(rng.IntN(4)), Raw: "record " + strconv.Itoa(i)}
	}
	return evs
}

// TestSortNewestFirstSameAsSortingEvents: sorting keys and moving each
// event once gives exactly the order sorting the events does, the order
// of equal events (twins) included, so the output is byte-identical.
func TestSortNewestFirstSameAsSortingEvents(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var keys []orderKey
	for _, n := range []int{0, 1, 2, 3, 7, 12, 13, 50, 255, 256, 257, 1000, 5000} {
		for range 20 {
			evs := tiedEvents(rng, n)
			want := slices.Clone(evs)
			slices.SortFunc(want, newestFirst)
			keys = sortNewestFirst(evs, keys)
			if !reflect.DeepEqual(evs, want) {
				t.Fatalf("n=%d: order differs from slices.SortFunc(newestFirst)", n)
			}
			if len(keys) != 0 {
				t.Fatalf("n=%d: keys buffer returned with %d keys", n, len(keys))
			}
		}
	}
}

// TestFileSortPageSameAsSortingEvents: a file's events, added one by one
// across chunks and paged out, come in the order sorting them does, and
// the read-ahead counted for them is given back.
func TestFileSortPageSameAsSortingEvents(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	sh := &shared{}
	for _, n := range []int{0, 1, chunkEvents - 1, chunkEvents, chunkEvents + 1, 3*chunkEvents + 17} {
		for range 5 {
			evs := tiedEvents(rng, n)
			want := slices.Clone(evs)
			slices.SortFunc(want, newestFirst)
			f := &fileSort{sh: sh}
			for _, e := range evs {
				f.add(e)
			}
			f.finish()
			got, more, _ := f.page()
			f.close()
			if more {
				t.Fatalf("n=%d: a file in memory paged in parts", n)
			}
			if len(want) == 0 {
				want = nil
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("n=%d: page order differs from slices.SortFunc(newestFirst)", n)
			}
			if h := sh.held.Load(); h != 0 {
				t.Fatalf("n=%d: %d bytes still counted as held", n, h)
			}
		}
	}
}
