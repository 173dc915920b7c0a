package fetch

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"lazytrail/model"
)

// A trail-file partition promises that no later page holds anything newer
// than its horizon, so events between the horizon and the page's oldest
// event are released at once.
func TestMergeReleasesDownToAnExplicitHorizon(t *testing.T) {
	m := newMerge(2, 50)
	m.setDemand(nil, 100)
	hour := func(h int) time.Time { return epoch.Add(time.Duration(h) * time.Hour) }
	// Partition 0 read its newest file: events at 10h and 2h (a late
	// delivery); every unread file was delivered before 5h.
	m.addHorizon(0, []model.Event{{ID: "f10", Time: hour(10)}, {ID: "f2", Time: hour(2)}}, hour(5).UnixNano())
	// Partition 1 is LookupEvents-like: its bound is its oldest event.
	m.add(1, []model.Event{{ID: "l8", Time: hour(8)}, {ID: "l6", Time: hour(6)}})
	if got := ids(m.release(nil)); !slices.Equal(got, []string{"f10", "l8"}) {
		t.Fatalf("released %v, want [f10 l8] (above the watermark 6h)", got)
	}
	m.add(1, []model.Event{{ID: "l1", Time: hour(1)}})
	if got := ids(m.release(nil)); !slices.Equal(got, []string{"l6"}) {
		t.Fatalf("released %v, want [l6]: partition 0 may still deliver up to 5h", got)
	}
	m.addHorizon(0, []model.Event{{ID: "f4", Time: hour(4)}}, hour(0).UnixNano())
	if got := ids(m.release(nil)); !slices.Equal(got, []string{"f4", "f2"}) {
		t.Fatalf("released %v, want [f4 f2]", got)
	}
}

// An event newer than one already released breaks a partition's promise:
// it is still released (nothing is dropped) and counted as late.
func TestMergeCountsLateEvents(t *testing.T) {
	m := newMerge(1, 50)
	m.setDemand(nil, 100)
	m.addHorizon(0, []model.Event{{ID: "a", Time: epoch}}, epoch.Add(-time.Hour).UnixNano())
	if got := ids(m.release(nil)); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("released %v", got)
	}
	m.addHorizon(0, []model.Event{{ID: "late", Time: epoch.Add(time.Minute)}}, epoch.Add(-2*time.Hour).UnixNano())
	if got := ids(m.release(nil)); !slices.Equal(got, []string{"late"}) || m.regions[0].late != 1 {
		t.Fatalf("released %v with %d late, want [late] and 1", got, m.regions[0].late)
	}
}

// The same record in two log files pops next to its twin and is dropped.
func TestMergeDropsDuplicatesAtRelease(t *testing.T) {
	m := newMerge(2, 50)
	m.setDemand(nil, 100)
	m.addHorizon(0, []model.Event{{ID: "x", Time: epoch}, {ID: "y", Time: epoch}}, 0)
	m.addHorizon(1, []model.Event{{ID: "x", Time: epoch}}, 0)
	m.finish(0)
	m.finish(1)
	if got := ids(m.release(nil)); !slices.Equal(got, []string{"x", "y"}) || m.dropped != 1 {
		t.Fatalf("released %v, dropped %d; want [x y] and 1", got, m.dropped)
	}
}

// Thousands of events in one second never hold output back: once the
// holder of the watermark buffers more than tieLimit events tied at its
// bound, they are released, still in order.
func TestMergeReleasesOverflowingTies(t *testing.T) {
	m := newMerge(2, 50)
	m.setDemand(nil, 1<<30)
	m.add(1, []model.Event{{ID: "old", Time: epoch.Add(-time.Hour)}})
	var released []model.Event
	for p := 0; p < 10; p++ {
		page := make([]model.Event, 50)
		for i := range page {
			page[i] = model.Event{ID: fmt.Sprintf("t%02d-%02d", p, i), Time: epoch}
		}
		if !m.mayFetch(0) {
			t.Fatalf("the watermark holder may not fetch page %d", p)
		}
		m.add(0, page)
		released = m.release(released)
	}
	if len(released) == 0 || len(released) > 10*50 {
		t.Fatalf("released %d of 500 tied events, want them released once over the tie limit", len(released))
	}
	if m.buffered(0) > m.tieLimit+50 {
		t.Fatalf("partition 0 still buffers %d tied events", m.buffered(0))
	}
	for _, e := range released {
		if !e.Time.Equal(epoch) {
			t.Fatalf("released %s at %v before the ties", e.ID, e.Time)
		}
	}
}

// While demand is open, a partition that does not hold the watermark may
// read ahead within its lookahead, and no further.
func TestMergeLooksAheadWithinItsBudget(t *testing.T) {
	page := func(r, from int) []model.Event {
		evs := make([]model.Event, 50)
		for i := range evs {
			evs[i] = model.Event{ID: fmt.Sprintf("r%d-%d", r, from+i), Time: epoch.Add(-time.Duration(from+i) * time.Minute)}
		}
		return evs
	}
	m := newMerge(2, 50)
	m.setDemand(nil, 1<<30)
	m.add(0, page(0, 0)) // busy now: holds the watermark
	pages := 0
	for from := 100000; m.mayFetch(1); from += 50 {
		m.add(1, page(1, from)) // busy long ago: buffered, cannot be released yet
		m.release(nil)
		pages++
	}
	perPage := 50 * eventSize(&model.Event{})
	if want := int((m.lookahead + perPage - 1) / perPage); pages != want {
		t.Fatalf("the partition behind read %d pages ahead, want %d (its lookahead)", pages, want)
	}
	m.setDemand(nil, 0)
	if m.mayFetch(0) || m.mayFetch(1) {
		t.Fatal("a partition may fetch with the demand met")
	}
}

// A record claiming the year 9999 (or 1) does not wrap around in the
// merge's nanoseconds: it is released first (or last), and the order of
// the rest holds.
func TestMergeClampsTimesBeyondNanoseconds(t *testing.T) {
	m := newMerge(1, 50)
	m.setDemand(nil, 100)
	far := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	old := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	m.add(0, []model.Event{{ID: "future", Time: far}, {ID: "now", Time: epoch}, {ID: "ancient", Time: old}})
	m.finish(0)
	if got := ids(m.release(nil)); !slices.Equal(got, []string{"future", "now", "ancient"}) {
		t.Fatalf("released %v, want [future now ancient]", got)
	}
}

// A record with the id and time of a released one but other content is
// no duplicate: both are released and the merge names it; the same record
// a third time is still dropped.
func TestMergeKeepsTwinsWithOtherContent(t *testing.T) {
	m := newMerge(2, 50)
	m.setDemand(nil, 100)
	m.addHorizon(0, []model.Event{{ID: "x", Time: epoch, Raw: `{"a":1}`}, {ID: "y", Time: epoch, Raw: `{"y":1}`}}, 0)
	m.addHorizon(1, []model.Event{{ID: "x", Time: epoch, Raw: `{"a":2}`}, {ID: "x", Time: epoch, Raw: `{"a":1}`}}, 0)
	m.finish(0)
	m.finish(1)
	got := m.release(nil)
	var raws []string
	for _, e := range got {
		raws = append(raws, e.ID+e.Raw)
	}
	slices.Sort(raws)
	if want := []string{`x{"a":1}`, `x{"a":2}`, `y{"y":1}`}; !slices.Equal(raws, want) || m.dropped != 1 {
		t.Fatalf("released %v, dropped %d; want %v and 1", raws, m.dropped, want)
	}
	if len(m.twins) != 1 || m.twins[0].id != "x" || m.twins[0].nanos != epoch.UnixNano() {
		t.Fatalf("twins %+v, want x once", m.twins)
	}
}

// Many records in one second (the map form of the id set) tell twins
// from duplicates the same way.
func TestMergeTwinsAmongManyTies(t *testing.T) {
	m := newMerge(1, 50)
	m.setDemand(nil, 1000)
	var page []model.Event
	for i := range 100 {
		page = append(page, model.Event{ID: fmt.Sprint(i), Time: epoch, Raw: "r"})
	}
	page = append(page, model.Event{ID: "7", Time: epoch, Raw: "other"}, model.Event{ID: "8", Time: epoch, Raw: "r"})
	m.addHorizon(0, page, 0)
	m.finish(0)
	if got := len(m.release(nil)); got != 101 || m.dropped != 1 || len(m.twins) != 1 {
		t.Fatalf("released %d, dropped %d, twins %d; want 101, 1, 1", got, m.dropped, len(m.twins))
	}
}
