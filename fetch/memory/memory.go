// Package memory is a model.Source over events held in memory, for tests:
// the TUI's end-to-end tests run on it, which shows that a source needs
// nothing but the contract in model (it imports model and the standard
// library only). Its streams release events newest first and only on
// demand, as fetch's merge does; what it pushes down, what it can do and
// whether it reads originals back are set per test.
package memory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"lazytrail/model"
)

// Source holds events and opens streams over them. Set its fields before
// the first call; its methods are then safe for concurrent use.
type Source struct {
	// Events are what the source holds, in any order.
	Events []model.Event
	// Batch is how many events a batch releases at most (0: 50).
	Batch int
	// Start and End are the command line's range, the zero Range's; a
	// zero bound does not bound.
	Start, End time.Time
	// Now is "now" for a range back from now and for follow mode; zero:
	// End, or the clock when End is zero too.
	Now time.Time
	// Partitions are the progress rows a stream starts with, one a
	// partition (nil: one named "memory"). A delivered event counts in the
	// row of its region, or in the first.
	Partitions []model.RegionProgress
	// Planner is what the source pushes down for a filter: a stream
	// opened for a plan delivers only the events its Loads matches. nil
	// pushes nothing down.
	Planner func(model.Filter) model.Plan
	// Caps is what the source says it can do.
	Caps model.Capabilities
	// Account and Notice are what Label returns.
	Account, Notice string
	// Describe is the Query.Lookup of a stream opened for a request (nil: "").
	Describe func(model.Request) string
	// PanicOnNext and PanicOnWant, when set, make every stream panic with
	// that message in Next or Want, for the guards of the code above.
	PanicOnNext, PanicOnWant string

	mu       sync.Mutex
	plans    map[string]model.Plan // every plan Plan returned, by key
	requests []model.Request
	streams  []*Stream
	closed   bool
}

// Open starts a stream over the events req selects: those in its range
// that the plan's Loads matches. A plan this source never returned fails
// the stream's partitions, as a source's error would.
func (s *Source) Open(ctx context.Context, req model.Request) (model.Stream, model.Query) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, req)
	start, end := s.span(req)
	plan, known := s.plans[req.Plan]
	q := model.Query{Start: start, End: end}
	if s.Describe != nil {
		q.Lookup = s.Describe(req)
	}
	st := &Stream{batch: cmp.Or(s.Batch, 50), wake: make(chan struct{}, 1), progress: s.partitions(),
		panicNext: s.PanicOnNext, panicWant: s.PanicOnWant}
	if req.Plan != "" && !known {
		for i := range st.progress {
			st.progress[i].State, st.progress[i].Err = model.RegionFailed, fmt.Sprintf("no plan %q was made", req.Plan)
		}
	} else {
		for i := range s.Events {
			e := &s.Events[i]
			if (start.IsZero() || !e.Time.Before(start)) && (end.IsZero() || !e.Time.After(end)) && plan.Loads.Match(e) {
				st.events = append(st.events, *e)
			}
		}
	}
	slices.SortStableFunc(st.events, func(a, b model.Event) int { return b.Time.Compare(a.Time) })
	s.streams = append(s.streams, st)
	return st, q
}

// span is the range a request covers.
func (s *Source) span(req model.Request) (start, end time.Time) {
	now := s.Now
	if now.IsZero() {
		now = s.End
	}
	if now.IsZero() {
		now = time.Now().UTC()
	}
	r := req.Range
	switch {
	case !req.After.IsZero():
		return req.After, now
	case r.Back > 0:
		return now.Add(-r.Back), now
	case !r.Since.IsZero():
		return r.Since, cmp.Or(r.Until, now)
	}
	return s.Start, s.End
}

func (s *Source) partitions() []model.RegionProgress {
	if len(s.Partitions) == 0 {
		return []model.RegionProgress{{Source: "memory", Region: "memory", State: model.RegionPaging}}
	}
	return slices.Clone(s.Partitions)
}

// Plan is what Planner pushes down for f (nothing without a Planner),
// remembered so that Open can serve it.
func (s *Source) Plan(f model.Filter) model.Plan {
	var p model.Plan
	if s.Planner != nil {
		p = s.Planner(f)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.plans == nil {
		s.plans = map[string]model.Plan{"": {}}
	}
	if p.Key != "" {
		s.plans[p.Key] = p
	}
	return p
}

// Capabilities is Caps.
func (s *Source) Capabilities() model.Capabilities { return s.Caps }

// Label is Account and Notice.
func (s *Source) Label() (account, notice string) { return s.Account, s.Notice }

// Close marks the source closed.
func (s *Source) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
}

// Closed reports whether Close was called.
func (s *Source) Closed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// Requests is every request Open was called with, in order.
func (s *Source) Requests() []model.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Streams is every stream Open returned, in order.
func (s *Source) Streams() []*Stream {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.streams)
}

// Last is the stream Open returned last (nil before the first).
func (s *Source) Last() *Stream {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.streams) == 0 {
		return nil
	}
	return s.streams[len(s.streams)-1]
}

// WithOriginals is src with the optional model.Originals: read is how an
// event's original record is read back (Prefetch does nothing).
func WithOriginals(src *Source, read func(ctx context.Context, e *model.Event) (string, error)) *SourceWithOriginals {
	return &SourceWithOriginals{Source: src, read: read}
}

// SourceWithOriginals is a Source that reads originals back.
type SourceWithOriginals struct {
	*Source
	read func(ctx context.Context, e *model.Event) (string, error)
}

// Original reads e's original record back.
func (s *SourceWithOriginals) Original(ctx context.Context, e *model.Event) (string, error) {
	return s.read(ctx, e)
}

// Prefetch does nothing: reading from memory needs no warming.
func (s *SourceWithOriginals) Prefetch(context.Context, []model.Event, model.Filter) {}

var (
	_ model.Source    = (*Source)(nil)
	_ model.Originals = (*SourceWithOriginals)(nil)
)
