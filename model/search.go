package model

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// A raw: term reads every loaded record, a gigabyte at a million events:
// a few hundred milliseconds even at memory speed, too long for the TUI's
// update loop, which would stop taking keys. So a filter with a raw: term
// over many events leaves the view pending (Timeline.BeginFilter) and
// hands back a Search, which reads a Snapshot of the records on every
// core, off the loop, and delivers the matches in order, newest first, as
// it finds them (Next), for the owner to put into the view (Timeline.Found).
// A Search is cancelled with the context it was started with.

// Search is the search of loaded records for a filter's raw: terms.
type Search struct {
	snap  Snapshot
	cands []int32 // the events to test, ascending; nil: every event of snap
	terms []*term // the raw: terms, each of which must hold
	total int     // how many events it tests

	next  atomic.Int64 // the next block a worker takes
	bytes atomic.Int64 // record bytes read, for the search's speed

	ready chan struct{} // a block was settled (capacity 1: one wake-up is enough)

	mu        sync.Mutex
	results   [][]int32 // each block's matches, until the blocks before it are settled
	settled   []bool    // by block
	frontier  int       // blocks before it are settled and their matches in found
	found     []int32   // matches not yet handed out by Next
	delivered int       // the frontier at the last Next
	last      time.Time // when Next last handed out matches
}

// Found is what a Search found since the last Next: the matches among
// the events it tested in order up to Tested.
type Found struct {
	search  *Search
	matches []int32 // loaded indexes, ascending, all after the previous Found's
	Tested  int     // events tested so far, in order
	Total   int     // events the search tests
	Done    bool    // the last Found of the search
}

// searchBlock is how many events a worker tests at a time: a block of
// ~1 KB records is a millisecond or two of one core, which bounds how long
// a cancelled search goes on.
const searchBlock = 2048

// searchTick is the least time between two deliveries of a running search:
// each one redraws the screen, work taken from the search.
var searchTick = 40 * time.Millisecond

func newSearch(snap Snapshot, cands []int32, terms []*term) *Search {
	total := snap.Len()
	if cands != nil {
		total = len(cands)
	}
	blocks := (total + searchBlock - 1) / searchBlock
	return &Search{snap: snap, cands: cands, terms: terms, total: total, ready: make(chan struct{}, 1),
		results: make([][]int32, blocks), settled: make([]bool, blocks)}
}

// Start sets a worker per core searching; they stop when ctx is done.
func (s *Search) Start(ctx context.Context) {
	for range min(runtime.GOMAXPROCS(0), max(len(s.settled), 1)) {
		go s.work(ctx)
	}
}

func (s *Search) work(ctx context.Context) {
	for ctx.Err() == nil {
		b := int(s.next.Add(1) - 1)
		if b >= len(s.settled) {
			return
		}
		s.settle(b, s.block(b))
	}
}

// block tests the events of block b.
func (s *Search) block(b int) []int32 {
	from, to := b*searchBlock, min((b+1)*searchBlock, s.total)
	var matches []int32
	read := 0
	for k := from; k < to; k++ {
		i := int32(k)
		if s.cands != nil {
			i = s.cands[k]
		}
		raw := s.snap.Raw(int(i))
		read += len(raw)
		if s.pass(raw) {
			matches = append(matches, i)
		}
	}
	s.bytes.Add(int64(read))
	return matches
}

func (s *Search) pass(raw string) bool {
	for _, tm := range s.terms {
		if !tm.matchValue(raw) {
			return false
		}
	}
	return true
}

// settle records block b's matches and moves the frontier past every
// block settled in order.
func (s *Search) settle(b int, matches []int32) {
	s.mu.Lock()
	s.results[b], s.settled[b] = matches, true
	moved := false
	for s.frontier < len(s.settled) && s.settled[s.frontier] {
		s.found = append(s.found, s.results[s.frontier]...)
		s.results[s.frontier] = nil
		s.frontier++
		moved = true
	}
	s.mu.Unlock()
	if moved {
		select {
		case s.ready <- struct{}{}:
		default:
		}
	}
}

// Next waits for matches found since the last call, or for the search to
// end, and hands them out; between two calls at least searchTick passes
// unless the search ended. ok is false when ctx ended first.
func (s *Search) Next(ctx context.Context) (f Found, ok bool) {
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		s.mu.Lock()
		done := s.frontier == len(s.settled)
		wait := time.Until(s.last.Add(searchTick))
		if done || s.frontier > s.delivered && wait <= 0 {
			f = Found{search: s, matches: s.found, Tested: min(s.frontier*searchBlock, s.total), Total: s.total, Done: done}
			s.found, s.delivered, s.last = nil, s.frontier, time.Now()
			s.mu.Unlock()
			return f, true
		}
		progressed := s.frontier > s.delivered
		s.mu.Unlock()
		var tick <-chan time.Time
		if progressed {
			if timer == nil {
				timer = time.NewTimer(wait)
			} else {
				timer.Reset(wait)
			}
			tick = timer.C
		}
		select {
		case <-s.ready:
		case <-tick:
		case <-ctx.Done():
			return Found{search: s}, false
		}
	}
}

// Bytes is how many record bytes the search has read.
func (s *Search) Bytes() int64 { return s.bytes.Load() }

// run searches on every core until the end and returns everything found.
func (s *Search) run() Found {
	s.Start(context.Background())
	var all []int32
	for {
		f, _ := s.Next(context.Background())
		all = append(all, f.matches...)
		if f.Done {
			f.matches = all
			return f
		}
	}
}
