package main

import (
	"context"
	"sync"
	"time"

	"lazytrail/fetch"
	"lazytrail/model"
)

// legacySource is today's backend as one model.Source, so the TUI opens
// every query through the contract while the root package still picks
// its source through the backend's fields. It goes once each source has a
// Source of its own.
type legacySource struct {
	o *options
	b *backend
}

// newLegacySource is the backend's Source; with Athena it reads each
// row's original record back (model.Originals), as only Athena can.
func newLegacySource(o *options, b *backend) model.Source {
	s := &legacySource{o: o, b: b}
	if b.athena != nil {
		return legacyAthenaSource{s}
	}
	return s
}

// Open opens the query the backend would for req: follow mode's "after",
// the planner's choice over the range, or the command line's query.
func (s *legacySource) Open(ctx context.Context, req model.Request) (model.Stream, model.Query) {
	now := time.Now().UTC()
	switch {
	case !req.After.IsZero():
		// A poll in follow mode: opened where it is drained, in the TUI's
		// command, since opening the trail's files lists them.
		after := model.Range{Since: req.After}
		return &lazyStream{open: func() model.Stream {
			if s.Capabilities().Plans {
				st, _ := s.b.openLookup(ctx, s.o, after, req.Plan, time.Now().UTC())
				return st
			}
			st, _ := s.b.openRange(ctx, s.o, after, time.Now().UTC())
			return st
		}}, model.Query{Start: req.After, End: now}
	case s.Capabilities().Plans:
		return s.b.openLookup(ctx, s.o, req.Range, req.Plan, now)
	case !req.Range.IsZero():
		return s.b.openRange(ctx, s.o, req.Range, now)
	}
	return s.b.open(ctx, s.o, now)
}

// Plan is what the backend pushes down for f: the whole filter to Athena,
// nothing to files, the attribute --lookup fixed, or else the filter's
// best exact term to LookupEvents.
func (s *legacySource) Plan(f model.Filter) model.Plan {
	switch {
	case s.b.athena != nil:
		return model.Plan{Key: planKey(f), Loads: f}
	case s.b.records != nil:
		return model.Plan{}
	case s.o.lookup != "" && s.o.attr != nil:
		return lookupPlan(s.o.attr.String()) // --lookup fixed it, whatever the filter
	}
	if k, v, ok := f.Pushdown(); ok {
		return lookupPlan(k + "=" + v)
	}
	return model.Plan{}
}

// lookupPlan is the plan of one attribute pushed down to LookupEvents.
func lookupPlan(key string) model.Plan {
	loads, ok := model.LookupFilter(key)
	if !ok {
		// An attribute the filter language cannot say: a filter that
		// does not parse matches nothing, so no filter narrows it.
		loads = model.ParseFilter("unsayable=" + key)
	}
	return model.Plan{Key: key, Loads: loads}
}

// Capabilities is what the backend's source can do.
func (s *legacySource) Capabilities() model.Capabilities {
	switch {
	case s.b.athena != nil:
		// Each settled filter is a new query, narrowed in place once
		// answered; follow mode would start a query every 15 s.
		return model.Capabilities{Ranges: true, Plans: true, NarrowsInPlace: true, WholeFilter: true}
	case s.b.records != nil:
		return model.Capabilities{Ranges: true, Follow: true}
	case s.o.lookup != "":
		return model.Capabilities{Ranges: true, Follow: true, HistoryLimit: fetch.History, Fixed: "--lookup " + s.o.attr.String()}
	}
	return model.Capabilities{Ranges: true, Follow: true, HistoryLimit: fetch.History, Plans: true}
}

func (s *legacySource) Label() (account, notice string) { return s.b.account, s.b.note }

// Close leaves the backend to main, which closes it after the TUI.
func (s *legacySource) Close() {}

// legacyAthenaSource is the backend's Source over Athena, whose rows hold
// rebuilt records: it reads the originals back from their log files.
type legacyAthenaSource struct{ *legacySource }

// Original reads an Athena row's record from its log file.
func (s legacyAthenaSource) Original(ctx context.Context, e *model.Event) (string, error) {
	return s.b.athena.original(ctx, e)
}

// Prefetch reads the originals of the rows f matches, several at once.
func (s legacyAthenaSource) Prefetch(ctx context.Context, events []model.Event, f model.Filter) {
	s.b.athena.prefetch(ctx, events, f)
}

// oneQuery is a Source whose every query is open(), with nothing pushed
// down, no ranges and no follow: the root tests that run the TUI over
// one query of the backend.
type oneQuery struct {
	account, notice string
	open            func(ctx context.Context) (model.Stream, model.Query)
}

func (s oneQuery) Open(ctx context.Context, _ model.Request) (model.Stream, model.Query) {
	return s.open(ctx)
}
func (oneQuery) Plan(model.Filter) model.Plan      { return model.Plan{} }
func (oneQuery) Capabilities() model.Capabilities  { return model.Capabilities{} }
func (s oneQuery) Label() (account, notice string) { return s.account, s.notice }
func (oneQuery) Close()                            {}

// lazyStream opens its stream on first use, off the event loop when that
// use is in a command.
type lazyStream struct {
	mu     sync.Mutex
	open   func() model.Stream
	s      model.Stream
	closed bool
}

func (l *lazyStream) get() model.Stream {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.s == nil {
		l.s = l.open()
		if l.closed {
			l.s.Close()
		}
	}
	return l.s
}

func (l *lazyStream) Want(match func(*model.Event) bool, n int) { l.get().Want(match, n) }

func (l *lazyStream) Next(ctx context.Context) (model.Batch, bool) { return l.get().Next(ctx) }

func (l *lazyStream) Close() {
	l.mu.Lock()
	s := l.s
	l.closed = true
	l.mu.Unlock()
	if s != nil {
		s.Close()
	}
}
