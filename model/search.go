package model

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// A raw: term reads every loaded record, a gigabyte at a million events:
// a few hundred milliseconds even at memory speed, too long for the TUI's
// update loop, which would stop taking keys. So a filter with a raw: term
// over many events leaves the view pending (Timeline.BeginFilter) and
// hands back a Search, which reads a Snapshot of the records on every
// core, off the loop, a step at a time, newest first (Step), each step's
// matches for the owner to put into the view (Timeline.Found). A step is
// cancelled with its context.

// Search is the search of loaded records for a filter's raw: terms.
type Search struct {
	snap  Snapshot
	cands []int32 // the events to test, ascending; nil: every event of snap
	terms []*term // the raw: terms, each of which must hold
	total int     // how many events it tests

	tested int          // events tested by the steps so far
	bytes  atomic.Int64 // record bytes read, for the search's speed
}

// Found is what a step of a Search found: the matches among the events it
// tested, in order, up to Tested.
type Found struct {
	search  *Search
	matches []int32 // loaded indexes, ascending, all after the previous Found's
	Tested  int     // events tested so far, in order
	Total   int     // events the search tests
	Done    bool    // the last Found of the search
}

// searchBlock is how many events a worker tests at a time: a block of
// ~1 KB records is a millisecond of one core, which bounds how long a
// cancelled search goes on.
const searchBlock = 2048

// searchStep is how many events a step tests: about 40 MB of records at a
// million, a few tens of milliseconds; each step redraws the screen. (A
// variable so that tests can step through few events.)
var searchStep = 16 * searchBlock

func newSearch(snap Snapshot, cands []int32, terms []*term) *Search {
	total := snap.Len()
	if cands != nil {
		total = len(cands)
	}
	return &Search{snap: snap, cands: cands, terms: terms, total: total}
}

// Step tests the next events, newest first, on every core, and returns
// the matches among them. ok is false when ctx ended first: the workers
// stop within a block, and the search is not to be stepped again. A
// Search is stepped by one goroutine at a time.
func (s *Search) Step(ctx context.Context) (f Found, ok bool) {
	from, to := s.tested, min(s.tested+searchStep, s.total)
	blocks := (to - from + searchBlock - 1) / searchBlock
	results := make([][]int32, blocks)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), blocks) {
		wg.Go(func() {
			for ctx.Err() == nil {
				b := int(next.Add(1) - 1)
				if b >= blocks {
					return
				}
				results[b] = s.block(from+b*searchBlock, min(from+(b+1)*searchBlock, to))
			}
		})
	}
	wg.Wait()
	if ctx.Err() != nil {
		return Found{search: s}, false
	}
	s.tested = to
	f = Found{search: s, Tested: to, Total: s.total, Done: to == s.total}
	for _, r := range results {
		f.matches = append(f.matches, r...)
	}
	return f, true
}

// block tests the events [from, to) of those the search tests.
func (s *Search) block(from, to int) []int32 {
	var matches []int32
	read := 0
	for k := from; k < to; k++ {
		i := int32(k)
		if s.cands != nil {
			i = s.cands[k]
		}
		raw := s.snap.rawView(int(i)) // tested, not kept
		read += len(raw)
		if rawPass(s.terms, raw) {
			matches = append(matches, i)
		}
	}
	runtime.KeepAlive(s.snap.lease) // the records read stay mapped until here
	s.bytes.Add(int64(read))
	return matches
}

// Bytes is how many record bytes the search has read.
func (s *Search) Bytes() int64 { return s.bytes.Load() }

// run steps the search to its end and returns everything found.
func (s *Search) run() Found {
	var all []int32
	for {
		f, _ := s.Step(context.Background())
		all = append(all, f.matches...)
		if f.Done {
			f.matches = all
			return f
		}
	}
}
