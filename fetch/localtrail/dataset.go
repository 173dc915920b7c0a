// Package localtrail is a local CloudTrail-compatible endpoint: it answers
// LookupEvents over HTTP in awsJson1_1 exactly as AWS does (newest first,
// parameter-bound NextTokens, the real error shapes, a per-region quota), so
// that the real aws-sdk-go-v2 client and the AWS CLI can page through it.
// It serves a Dataset: the built-in demo account (Demo) or records loaded
// from a trail's files (NewRecordsDataset). Fault knobs (SetFault) make regions fail in
// reproducible ways for tests.
package localtrail

import (
	"cmp"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"lazytrail/model"
)

// Dataset is an immutable set of events, split by region and ordered the
// way LookupEvents returns them.
type Dataset struct {
	regions  []string
	byRegion map[string]*regionEvents
	total    int

	// oldest and newest bound every event's time (zero when empty).
	oldest, newest time.Time
	// whole makes a query without StartTime or EndTime cover every event
	// (records loaded from files, which may be years old); otherwise the
	// default is the 90 days before now, as in AWS's Event history.
	whole bool
}

// regionEvents holds one region's events newest first, with indexes for the
// lookup attributes people filter on most, so those lookups skip the scan.
type regionEvents struct {
	events []model.Event
	byID   map[string][]int32
	byUser map[string][]int32
	byName map[string][]int32

	// wire caches each event's encoded LookupEvents form, filled on first
	// serve: encoding the escaped record is most of a page's cost.
	wire []atomic.Pointer[[]byte]

	// records writes event i's record when Raw was left empty (the demo);
	// nil when every Raw is set. Events fills every Raw once (filled).
	records []func() string
	fill    sync.Once
	filled  atomic.Bool
}

// NewDataset routes each event to e.Region (us-east-1 when empty) and orders
// every region newest first; events of the same time are ordered by id, so
// the order, and hence every NextToken position, is deterministic.
func NewDataset(events []model.Event) *Dataset { return newLazyDataset(events, nil) }

// NewRecordsDataset is NewDataset for records read from a trail's files,
// which hold what the trail kept, often more than 90 days: a query
// without a time range serves all of it.
func NewRecordsDataset(events []model.Event) *Dataset {
	d := NewDataset(events)
	d.whole = true
	return d
}

// newLazyDataset is NewDataset for events whose Raw is written on demand by
// records[i] (parallel to events), so that only what is served is written.
func newLazyDataset(events []model.Event, records []func() string) *Dataset {
	d := &Dataset{byRegion: map[string]*regionEvents{}, total: len(events)}
	// Sort positions rather than the events themselves: an Event is large,
	// and moving int32s is what keeps a --demo start quick.
	order := make([]int32, len(events))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int {
		ea, eb := &events[a], &events[b]
		if c := cmp.Compare(regionOf(ea), regionOf(eb)); c != 0 {
			return c
		}
		return newestFirst(ea, eb)
	})
	for lo := 0; lo < len(order); {
		name := regionOf(&events[order[lo]])
		hi := lo
		for hi < len(order) && regionOf(&events[order[hi]]) == name {
			hi++
		}
		r := &regionEvents{events: make([]model.Event, hi-lo)}
		if records != nil {
			r.records = make([]func() string, hi-lo)
		}
		for i, k := range order[lo:hi] {
			r.events[i] = events[k]
			r.events[i].Region = name
			if records != nil {
				r.records[i] = records[k]
			}
		}
		r.index()
		if n := len(r.events); n > 0 {
			if newest := r.events[0].Time; d.newest.IsZero() || newest.After(d.newest) {
				d.newest = newest
			}
			if oldest := r.events[n-1].Time; d.oldest.IsZero() || oldest.Before(d.oldest) {
				d.oldest = oldest
			}
		}
		d.byRegion[name] = r
		d.regions = append(d.regions, name) // already sorted
		lo = hi
	}
	return d
}

func regionOf(e *model.Event) string {
	if e.Region == "" {
		return defaultRegion
	}
	return e.Region
}

const defaultRegion = "us-east-1"

// newestFirst orders by time descending, then id ascending. The token's
// position logic (positionAfter) relies on exactly this order.
func newestFirst(a, b *model.Event) int {
	if c := b.Time.Compare(a.Time); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

func (r *regionEvents) index() {
	r.byID = make(map[string][]int32, len(r.events))
	r.byUser = map[string][]int32{}
	r.byName = map[string][]int32{}
	r.wire = make([]atomic.Pointer[[]byte], len(r.events))
	for i := range r.events {
		e := &r.events[i]
		r.byID[e.ID] = append(r.byID[e.ID], int32(i))
		r.byUser[e.Username] = append(r.byUser[e.Username], int32(i))
		r.byName[e.Name] = append(r.byName[e.Name], int32(i))
	}
}

// Regions returns the regions that hold events, sorted.
func (d *Dataset) Regions() []string { return slices.Clone(d.regions) }

// Events returns a region's events newest first. Callers must not modify
// the slice or its events.
func (d *Dataset) Events(region string) []model.Event {
	if r := d.byRegion[region]; r != nil {
		r.fillRecords()
		return r.events
	}
	return nil
}

// fillRecords writes every record not written yet into its event's Raw.
func (r *regionEvents) fillRecords() {
	if r.records == nil {
		return
	}
	r.fill.Do(func() {
		for i := range r.events {
			r.events[i].Raw = r.records[i]()
		}
		r.filled.Store(true)
	})
}

// raw returns event i's record. Before Events has filled them all it writes
// the record afresh and leaves Raw alone, so that serving never races a
// caller of Events.
func (r *regionEvents) raw(i int) string {
	if r.records == nil || r.filled.Load() {
		return r.events[i].Raw
	}
	return r.records[i]()
}

// Span returns the times of the oldest and the newest event (zero times
// when the dataset is empty).
func (d *Dataset) Span() (oldest, newest time.Time) { return d.oldest, d.newest }

// defaultRange is the time range of a query that names no StartTime or
// EndTime: the 90 days before now, widened to every event of a dataset
// loaded from records.
func (d *Dataset) defaultRange(now time.Time) (start, end time.Time) {
	start, end = now.Add(-history), now
	if d.whole && d.total > 0 {
		if d.oldest.Before(start) {
			start = d.oldest
		}
		if d.newest.After(end) {
			end = d.newest
		}
	}
	return start, end
}

// Len returns the number of events in every region together.
func (d *Dataset) Len() int { return d.total }

func (d *Dataset) region(name string) *regionEvents {
	if r := d.byRegion[name]; r != nil {
		return r
	}
	return &emptyRegion
}

// emptyRegion answers for any region without events: like a real enabled
// region where nothing happened, it serves empty pages.
var emptyRegion = regionEvents{}
