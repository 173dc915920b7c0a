package fetch

import (
	"math"
	"slices"
	"time"

	"lazytrail/model"
)

// merge is the synchronous core of the stream: it takes the pages every
// region delivers, removes duplicates, and releases events in one global
// newest-first order only when no region that still has pages could deliver
// a newer one (the watermark). It also decides, from the open demand, which
// regions may fetch their next page. It does no I/O and starts no goroutine,
// so it can be tested and benchmarked on its own; Stream guards it with a
// mutex.
type merge struct {
	regions  []regionBuf
	pageSize int
	pending  entryHeap // buffered, unreleased events of every region

	// lookahead is how many events a partition that does not hold the
	// watermark may buffer while demand is open: partitions busy at
	// different times then all page at once instead of in turns, and a
	// filter that matches little pages every partition at full speed.
	lookahead int64 // bytes per partition
	// tieLimit bounds the events the watermark holder may buffer at its
	// own bound: past it, events tied at the watermark are released, so a
	// second holding thousands of events never holds output back.
	tieLimit int

	match func(*model.Event) bool // demand: nil matches every event
	want  int                     // matching events still wanted; <= 0 means demand met

	// lastNanos is the time of the last event released and lastIDs the ids
	// released at that time: a duplicate (the same record in two log
	// files, or on two pages) pops next to its twin and is dropped there.
	// A record with the same id and other content is not a duplicate: it
	// is released too, and named in twins (in a trail that means
	// tampering or a bug).
	lastNanos int64
	lastIDs   idSet
	dropped   int    // duplicates dropped at release
	twins     []twin // released with an id already released at their time, other content; taken by the stream
}

// Budgets of the merge. lookaheadBudget is the memory that buffered events
// may take, shared by every partition (each gets at least a page); an
// event is counted as its raw record plus eventOverhead for the parsed
// fields. tieLimitPages is in pages of events.
const (
	lookaheadBudget = 64 << 20
	eventOverhead   = 700
	tieLimitPages   = 4
)

// twin is a record released with the id of another released at the same
// time, with other content.
type twin struct {
	region int
	id     string
	nanos  int64
}

// regionBuf is what the merge knows about one region.
type regionBuf struct {
	started  bool  // delivered at least one event, so bound is meaningful
	finished bool  // done or failed: it no longer holds the watermark back
	bound    int64 // unix nanos of the oldest event delivered so far
	buffered int   // delivered but not yet released
	late     int   // events delivered newer than an event already released
	bytes    int64 // memory of the buffered events, as eventSize counts it

	// boundaryIDs holds the ids of the events delivered at exactly bound:
	// the only events a well-behaved region can deliver again (at a page
	// seam, or when a query resumes from the last event seen after its
	// NextToken expired).
	boundaryIDs map[string]struct{}
}

// entry is one buffered event as the heap orders it. Comparing the time as
// an integer keeps the hot path free of time.Time method calls.
type entry struct {
	nanos  int64
	region int32
	ev     *model.Event
}

func newMerge(regions int, pageSize int) *merge {
	m := &merge{
		regions:   make([]regionBuf, regions),
		pageSize:  pageSize,
		tieLimit:  tieLimitPages * pageSize,
		lastNanos: math.MaxInt64,
	}
	for i := range m.regions {
		m.regions[i].boundaryIDs = map[string]struct{}{}
	}
	m.share(lookaheadBudget)
	return m
}

// share sets the lookahead: the partitions share budget bytes (each still
// gets a floor of pages, so that every partition can page at once).
func (m *merge) share(budget int64) {
	m.lookahead = max(int64(m.pageSize)*2048, budget/int64(max(len(m.regions), 1)))
}

// setDemand replaces the demand: release until n more events satisfying
// match have been released. n <= 0 stops further fetching.
func (m *merge) setDemand(match func(*model.Event) bool, n int) {
	m.match, m.want = match, n
}

// demandOpen reports whether the consumer still wants matching events.
func (m *merge) demandOpen() bool { return m.want > 0 }

// add takes one page from region r, newest first. The events are kept by
// pointer until released, so the caller must not modify the slice after.
// It returns how many events were new (not duplicates).
func (m *merge) add(r int, page []model.Event) int {
	rb := &m.regions[r]
	fresh := 0
	for i := range page {
		ev := &page[i]
		nanos := nanosOf(ev.Time)
		if rb.started {
			switch {
			case nanos == rb.bound:
				if _, dup := rb.boundaryIDs[ev.ID]; dup {
					continue
				}
			case nanos < rb.bound:
				clear(rb.boundaryIDs)
				rb.bound = nanos
			}
			// An event newer than bound breaks the newest-first contract;
			// it is still delivered (nothing is dropped silently), at the
			// next release point.
		} else {
			rb.started, rb.bound = true, nanos
		}
		if nanos == rb.bound && ev.ID != "" {
			rb.boundaryIDs[ev.ID] = struct{}{}
		}
		m.pending.push(entry{nanos: nanos, region: int32(r), ev: ev})
		rb.buffered++
		rb.bytes += eventSize(ev)
		fresh++
	}
	return fresh
}

// addHorizon takes one page from a partition that promises more than its
// oldest event (Page.Horizon): no later page holds an event newer than
// horizon (unix nanos). Its bound is the horizon, not the page's oldest event, so
// events between the two are released without waiting for the next page.
// The page itself need not be ordered. It returns the events added.
func (m *merge) addHorizon(r int, page []model.Event, horizon int64) int {
	rb := &m.regions[r]
	for i := range page {
		ev := &page[i]
		m.pending.push(entry{nanos: nanosOf(ev.Time), region: int32(r), ev: ev})
		rb.bytes += eventSize(ev)
	}
	rb.buffered += len(page)
	if !rb.started || horizon < rb.bound {
		rb.bound = horizon
	}
	rb.started = true
	clear(rb.boundaryIDs)
	return len(page)
}

// finish marks region r as finished (history ended or failed): it stops
// holding the watermark back; what it delivered is still released in order.
func (m *merge) finish(r int) {
	m.regions[r].finished = true
	m.regions[r].boundaryIDs = nil
}

// watermark is the time an event must be strictly newer than to be
// released: the newest bound among the regions that still have pages.
// A region that has not delivered anything yet could still deliver the
// newest event of all, so it holds everything back.
func (m *merge) watermark() int64 {
	w := int64(math.MinInt64)
	for i := range m.regions {
		rb := &m.regions[i]
		if rb.finished {
			continue
		}
		if !rb.started {
			return math.MaxInt64
		}
		w = max(w, rb.bound)
	}
	return w
}

// release appends every event that can be released now to dst, in global
// newest-first order (ties at the same time by region, then event id), and
// counts the matching ones against the demand.
func (m *merge) release(dst []model.Event) []model.Event {
	w := m.watermark()
	if m.tiesOverflow(w) {
		w-- // release the events tied at the watermark too
	}
	for m.pending.len() > 0 && m.pending.top().nanos > w {
		e := m.pending.pop()
		rb := &m.regions[e.region]
		rb.buffered--
		rb.bytes -= eventSize(e.ev)
		switch {
		case e.nanos < m.lastNanos:
			m.lastNanos = e.nanos
			m.lastIDs.reset()
		case e.nanos > m.lastNanos:
			// Newer than what was already released: the partition broke
			// its promise. Shown anyway, out of place, and counted.
			rb.late++
		}
		if e.nanos == m.lastNanos && e.ev.ID != "" {
			fresh, other := m.lastIDs.add(e.ev.ID, e.ev.Raw)
			if !fresh {
				m.dropped++
				continue
			}
			if other {
				m.twins = append(m.twins, twin{region: int(e.region), id: e.ev.ID, nanos: e.nanos})
			}
		}
		if m.want > 0 && (m.match == nil || m.match(e.ev)) {
			m.want--
		}
		dst = append(dst, *e.ev)
	}
	return dst
}

// tiesOverflow reports whether an unfinished partition holding the
// watermark w buffers more than tieLimit events: they can only be tied at
// w (everything newer was released), and waiting for an older event to
// release them could take the whole history.
func (m *merge) tiesOverflow(w int64) bool {
	if w == math.MaxInt64 || w == math.MinInt64 {
		return false
	}
	for i := range m.regions {
		rb := &m.regions[i]
		if !rb.finished && rb.started && rb.bound == w && rb.buffered > m.tieLimit {
			return true
		}
	}
	return false
}

// mayFetch reports whether region r may request its next page: only while
// demand is open, the region has pages, and it buffers less than a page —
// or it is the region holding the watermark back, whose buffer can only be
// events tied at its bound that a next page may release — or it buffers
// fewer events than are still wanted, within its share of the lookahead
// budget: a first screen or a --limit costs about a page per partition,
// a scan lets every partition page at once.
func (m *merge) mayFetch(r int) bool {
	rb := &m.regions[r]
	if !m.demandOpen() || rb.finished {
		return false
	}
	if rb.buffered < m.pageSize || rb.bound == m.watermark() {
		return true
	}
	return rb.buffered < m.want && rb.bytes < m.lookahead
}

// eventSize is what one buffered event is counted as against the budget.
func eventSize(e *model.Event) int64 { return int64(len(e.Raw)) + eventOverhead }

// drained reports whether every region is finished and every event released.
func (m *merge) drained() bool {
	for i := range m.regions {
		if !m.regions[i].finished {
			return false
		}
	}
	return m.pending.len() == 0
}

// entryHeap is a binary heap of entries, newest first. A hand-written heap
// avoids container/heap's interface boxing on the per-event path.
type entryHeap struct{ items []entry }

// before orders entries newest first; ties go by event id, so the output
// is deterministic and the same however the events are partitioned: one
// Athena query and the bucket's account × region files it reads list
// the same records in the same order.
func before(a, b *entry) bool {
	if a.nanos != b.nanos {
		return a.nanos > b.nanos
	}
	return a.ev.ID < b.ev.ID
}

func (h *entryHeap) len() int    { return len(h.items) }
func (h *entryHeap) top() *entry { return &h.items[0] }

func (h *entryHeap) push(e entry) {
	h.items = append(h.items, e)
	i := len(h.items) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if !before(&h.items[i], &h.items[parent]) {
			break
		}
		h.items[i], h.items[parent] = h.items[parent], h.items[i]
		i = parent
	}
}

func (h *entryHeap) pop() entry {
	top := h.items[0]
	last := len(h.items) - 1
	h.items[0] = h.items[last]
	h.items[last] = entry{} // drop the pointer so a released page can be collected
	h.items = h.items[:last]
	i := 0
	for {
		l := 2*i + 1
		if l >= last {
			break
		}
		best := l
		if r := l + 1; r < last && before(&h.items[r], &h.items[l]) {
			best = r
		}
		if !before(&h.items[best], &h.items[i]) {
			break
		}
		h.items[i], h.items[best] = h.items[best], h.items[i]
		i = best
	}
	return top
}

// Times UnixNano can hold (years 1678 to 2262).
var (
	minNanosTime = time.Unix(0, math.MinInt64+1)
	maxNanosTime = time.Unix(0, math.MaxInt64-1)
)

// nanosOf is t as unix nanoseconds, clamped to what an int64 holds: a
// record claiming the year 9999 sorts as the newest of all instead of
// wrapping around to a negative time and breaking the order.
func nanosOf(t time.Time) int64 {
	switch {
	case t.Before(minNanosTime):
		return math.MinInt64 + 1
	case t.After(maxNanosTime):
		return math.MaxInt64 - 1
	}
	return t.UnixNano()
}

// idSet is the records released at one time, by id: nearly always a
// handful, kept in a slice; a map only once a second holds many (a burst
// of ties), and dropped again at the next second so resetting stays cheap.
type idSet struct {
	few  []idRecord
	many map[string][]string // id -> the raw records released with it
}

type idRecord struct{ id, raw string }

const idSetFew = 32

// add records one released record. fresh is false when the same id was
// released with the same content (a duplicate); twin is true when the id
// was released, but with other content.
func (s *idSet) add(id, raw string) (fresh, twin bool) {
	if s.many != nil {
		raws := s.many[id]
		if slices.Contains(raws, raw) {
			return false, false
		}
		s.many[id] = append(raws, raw)
		return true, len(raws) > 0
	}
	for _, have := range s.few {
		if have.id == id {
			if have.raw == raw {
				return false, false
			}
			twin = true
		}
	}
	if len(s.few) < idSetFew {
		s.few = append(s.few, idRecord{id, raw})
		return true, twin
	}
	s.many = make(map[string][]string, 2*idSetFew)
	for _, have := range s.few {
		s.many[have.id] = append(s.many[have.id], have.raw)
	}
	s.many[id] = append(s.many[id], raw)
	return true, twin
}

func (s *idSet) reset() {
	clear(s.few) // drop the references to released events' ids
	s.few, s.many = s.few[:0], nil
}
