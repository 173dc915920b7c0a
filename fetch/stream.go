// Package fetch is the engine every source shares: the stream — the
// watermark merge of every partition (account × region of a source, a
// file, a query) into one newest-first sequence that fetches only as far
// as the consumer's demand — its progress and stats, the command line's
// time range (Span), and one-line explanations of what went wrong. Each
// source is a package of its own that builds partitions (Pager) and
// implements model.Source: lookup (LookupEvents), trail (log files),
// athena (an Athena table).
package fetch

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"lazytrail/model"
)

// Stats counts what a stream did, for tests, benchmarks and diagnostics.
type Stats struct {
	Requests   int // requests for pages, as the pagers report them (Reporter)
	Attempts   int // HTTP attempts, retries included
	Retries    int // attempts retried
	Throttles  int // throttled attempts
	Failed     int // partitions that failed for good (retries exhausted or not retryable); cancellation excluded
	Resumes    int // queries started again from their last event (an expired page token)
	Pages      int // pages received
	Received   int // events received on those pages
	Duplicates int // events dropped as already received
	Delivered  int // events handed out by Next
	Late       int // events delivered newer than an event already released
	Twins      int // events delivered with the id and time of another, other content
	Skipped    int // files or records the pagers left out
}

// Stream is the merged, newest-first stream of every partition's events.
// It satisfies model.Stream. All methods are safe for concurrent use.
type Stream struct {
	ctx    context.Context
	cancel context.CancelFunc
	done   sync.WaitGroup

	mu    sync.Mutex
	core  *merge
	parts []*partState  // sorted by region, account, source: the index the core uses
	out   []model.Event // released, not yet handed out by Next
	spare []model.Event // an array the consumer gave back (Recycle), for the next release
	// outBytes is the memory of out (eventSize); past outLimit no
	// partition pages until Next hands out takes them.
	outBytes, outLimit int64
	changed            bool          // progress moved since the last Next
	wake               chan struct{} // closed and replaced on every change
	closed             bool
	stats              Stats
	skipped            []string // since the last batch: Batch.Skipped
}

// partState is one partition's pager and progress; progress is guarded by
// Stream.mu, the pager is used only by the partition's goroutine.
type partState struct {
	pager    Pager
	progress model.RegionProgress
}

// maxSkipsShown bounds the skip list a partition keeps for display; the
// count goes on, and every skip is in the next Batch.Skipped.
const maxSkipsShown = 200

// OpenPartitions starts paging the partitions in the background; nothing
// is requested until Want opens a demand. pageSize is the typical page of
// the sources (50 for LookupEvents), which sizes the merge's buffers.
// Close releases everything, the pagers included.
func OpenPartitions(ctx context.Context, parts []Partition, pageSize int) *Stream {
	return OpenPartitionsWithin(ctx, parts, pageSize, 0)
}

// OpenPartitionsWithin is OpenPartitions holding about budget bytes read
// ahead of the consumer (model.Request.Budget; 0: the default), counted
// as the merge counts events (the raw record and eventOverhead): half
// for the pagers' own read-ahead (BudgetPager), half for the merge's
// lookahead, and the events released but not yet taken by Next stop
// every partition's paging at half too, so a consumer slower than the
// pagers (a printer writing to a slow pipe) holds memory flat.
func OpenPartitionsWithin(ctx context.Context, parts []Partition, pageSize int, budget int64) *Stream {
	ctx, cancel := context.WithCancel(ctx)
	s := &Stream{ctx: ctx, cancel: cancel, wake: make(chan struct{}), changed: true}
	if budget <= 0 {
		budget = 2 * lookaheadBudget
	}
	s.start(parts, pageSize, budget)
	return s
}

// BudgetPager is a pager that reads ahead of what the merge asked for
// (the trail pagers read files in parallel): Budget, called once before
// the first Next, gives the bytes all the pagers of the stream may hold
// read ahead together.
type BudgetPager interface {
	Pager
	Budget(bytes int64)
}

// start sorts the partitions, builds the merge over them, hands each
// reporting pager its Reporter and each reading-ahead pager its budget,
// and starts one goroutine per partition.
func (s *Stream) start(parts []Partition, pageSize int, budget int64) {
	parts = slices.Clone(parts)
	slices.SortStableFunc(parts, func(a, b Partition) int {
		return cmp.Or(cmp.Compare(a.Region, b.Region), cmp.Compare(a.Account, b.Account), cmp.Compare(a.Source, b.Source))
	})
	s.core = newMerge(len(parts), max(pageSize, 1))
	s.core.share(budget / 2)
	s.outLimit = budget / 2
	for _, p := range parts {
		s.parts = append(s.parts, &partState{pager: p.Pager, progress: model.RegionProgress{
			Source: p.Source, Account: p.Account, Region: p.Region, State: model.RegionWaiting,
			Detail: p.Detail,
		}})
	}
	for i, p := range s.parts {
		if rp, ok := p.pager.(ReportingPager); ok {
			rp.Attach(partReporter{s: s, i: i})
		}
		if bp, ok := p.pager.(BudgetPager); ok {
			bp.Budget(budget / 2)
		}
	}
	s.done.Add(len(s.parts))
	for i := range s.parts {
		go s.page(i)
	}
}

// Want asks for n more events that match (nil matches all) beyond those
// released so far, replacing any earlier demand; n <= 0 stops fetching once
// requests in flight return. It never blocks.
func (s *Stream) Want(match func(*model.Event) bool, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.core.setDemand(match, n)
	s.broadcast()
}

// Next blocks until events are released, progress changes or the stream
// ends, and returns what happened since the last call: the released events
// in global newest-first order and every partition's progress. ok is false
// once every partition finished and everything was handed out, after
// Close, or when ctx (or the context given to Open) is done.
func (s *Stream) Next(ctx context.Context) (model.Batch, bool) {
	s.mu.Lock()
	for {
		if s.closed {
			s.mu.Unlock()
			return model.Batch{}, false
		}
		if len(s.out) > 0 || s.changed {
			b := model.Batch{Progress: s.progressLocked(), Skipped: s.skipped}
			if len(s.out) > 0 {
				// The consumer owns the array now; an empty one (a
				// recycled array nothing was released into) stays.
				b.Events, s.out = s.out, nil
				if s.outBytes > s.outLimit {
					s.broadcast() // pagers held back by out may go on
				}
				s.outBytes = 0
			}
			s.stats.Delivered += len(b.Events)
			s.changed, s.skipped = false, nil
			s.mu.Unlock()
			return b, true
		}
		if s.core.drained() {
			s.mu.Unlock()
			return model.Batch{}, false
		}
		wake := s.wake
		s.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return model.Batch{}, false
		case <-s.ctx.Done(): // Open's context ended: the pagers are gone
			return model.Batch{}, false
		}
		s.mu.Lock()
	}
}

// Close cancels every request, including ones hanging or backing off, and
// returns once every goroutine of the stream has ended.
func (s *Stream) Close() {
	s.cancel()
	s.mu.Lock()
	already := s.closed
	s.closed = true
	s.broadcast()
	s.mu.Unlock()
	s.done.Wait()
	if already {
		return
	}
	for _, p := range s.parts {
		p.pager.Close()
	}
}

// Stats is a snapshot of the stream's counters.
func (s *Stream) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

func (s *Stream) progressLocked() []model.RegionProgress {
	out := make([]model.RegionProgress, len(s.parts))
	for i, p := range s.parts {
		out[i] = p.progress
		out[i].Late = s.core.regions[i].late
		out[i].Skips = slices.Clip(out[i].Skips)
		out[i].Twins = slices.Clip(out[i].Twins)
	}
	return out
}

// broadcast wakes Next and every pager waiting for its turn. Callers hold mu.
func (s *Stream) broadcast() {
	close(s.wake)
	s.wake = make(chan struct{})
}

// update changes partition i's progress under the lock and wakes Next.
func (s *Stream) update(i int, f func(p *model.RegionProgress, st *Stats)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(&s.parts[i].progress, &s.stats)
	s.changed = true
	s.broadcast()
}

// page is partition i's goroutine: wait for the merge to allow a page,
// fetch it, hand it over, until the partition finishes or the stream is
// closed.
func (s *Stream) page(i int) {
	defer s.done.Done()
	for {
		if !s.awaitTurn(i) {
			return
		}
		pg, err := s.parts[i].pager.Next(s.ctx)
		if s.ctx.Err() != nil {
			return
		}
		if !s.deliver(i, pg, err) {
			return
		}
	}
}

// awaitTurn blocks until partition i may fetch its next page; false when
// the stream is closed.
func (s *Stream) awaitTurn(i int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for !s.core.mayFetch(i) || s.outBytes > s.outLimit {
		wake := s.wake
		if p := &s.parts[i].progress; p.State == model.RegionPaging {
			p.State = model.RegionWaiting
			s.changed = true
			s.broadcast()
			wake = s.wake
		}
		s.mu.Unlock()
		select {
		case <-wake:
		case <-s.ctx.Done():
		}
		s.mu.Lock()
		if s.ctx.Err() != nil {
			return false
		}
	}
	if p := &s.parts[i].progress; p.State != model.RegionPaging {
		p.State = model.RegionPaging
		s.changed = true
		s.broadcast()
	}
	return true
}

// deliver hands partition i's page (or failure) to the merge and releases
// what it can. It returns false when the partition has finished.
func (s *Stream) deliver(i int, pg Page, err error) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.broadcast()
	s.changed = true
	p := &s.parts[i].progress
	for _, sk := range pg.Skipped {
		line := model.Printable(sk.What) + ": " + model.Printable(sk.Why)
		if sk.Ignored {
			p.Ignored++
			if p.IgnoredExample == "" {
				p.IgnoredExample = line
			}
			continue
		}
		s.stats.Skipped++
		p.Skipped++
		s.skipped = append(s.skipped, line)
		if len(p.Skips) < maxSkipsShown {
			p.Skips = append(p.Skips, line)
		}
	}
	if pg.Status != "" {
		p.Status = model.Printable(pg.Status) // a failure's page says the final state too
	}
	if err != nil {
		s.stats.Failed++
		p.State = model.RegionFailed
		p.Err = explainPartition(err)
		s.core.finish(i)
		s.releaseLocked()
		s.takeTwins()
		return false
	}
	var fresh int
	if pg.Horizon.IsZero() {
		fresh = s.core.add(i, pg.Events)
	} else {
		fresh = s.core.addHorizon(i, pg.Events, horizonNanos(pg.Horizon))
	}
	if len(pg.Events) > 0 || pg.Status == "" {
		p.Pages++ // a page that only reports a status is not one of results
	}
	p.Events += fresh
	for k := range pg.Events {
		if t := pg.Events[k].Time; p.Oldest.IsZero() || t.Before(p.Oldest) {
			p.Oldest = t
		}
	}
	s.stats.Pages++
	s.stats.Received += len(pg.Events)
	s.stats.Duplicates += len(pg.Events) - fresh
	if pg.Done {
		p.State = model.RegionDone
		s.core.finish(i)
	}
	before := s.core.dropped
	s.releaseLocked()
	s.stats.Duplicates += s.core.dropped - before
	s.takeTwins()
	s.stats.Late = s.lateLocked()
	return !pg.Done
}

// releaseLocked moves what the merge can release to out, into the array
// the consumer gave back when out has none: a consumer that recycles its
// batches (the headless printer) then costs no allocation per release.
func (s *Stream) releaseLocked() {
	if s.out == nil && s.spare != nil {
		s.out, s.spare = s.spare, nil
	}
	n := len(s.out)
	s.out = s.core.release(s.out)
	for i := n; i < len(s.out); i++ {
		s.outBytes += eventSize(&s.out[i])
	}
}

// Recycle gives back the Events of a batch Next returned, once the
// consumer is done with them: it holds no pointer into them, no slice of
// them, and will not read them again. The stream may then write the
// events of a later batch into the same array. A consumer that keeps a
// batch's events (the TUI's timeline copies them; a test may keep the
// batches) simply never calls it: every batch then has an array of its
// own. Safe for concurrent use, like every method of the stream.
func (s *Stream) Recycle(events []model.Event) {
	if cap(events) == 0 {
		return
	}
	clear(events) // hold no record alive until the array is written again
	s.mu.Lock()
	defer s.mu.Unlock()
	if cap(events) > cap(s.spare) {
		s.spare = events[:0]
	}
}

// takeTwins names, in their partitions' progress, the records the merge
// released with the id of another at the same time but other content:
// both are kept (nothing is collapsed), and the user is told.
func (s *Stream) takeTwins() {
	for _, tw := range s.core.twins {
		s.stats.Twins++
		p := &s.parts[tw.region].progress
		p.TwinCount++
		if len(p.Twins) < maxSkipsShown {
			p.Twins = append(p.Twins, fmt.Sprintf("eventID %s at %s: two records with this id and time but different content; both kept (in a trail that means tampering or a bug)",
				model.Printable(tw.id), time.Unix(0, tw.nanos).UTC().Format(time.RFC3339Nano)))
		}
	}
	clear(s.core.twins)
	s.core.twins = s.core.twins[:0]
}

func (s *Stream) lateLocked() int {
	n := 0
	for i := range s.core.regions {
		n += s.core.regions[i].late
	}
	return n
}

// ExplainedError is a pager's failure already put in one printable line
// (with the hints only the pager knows, such as its profile).
type ExplainedError string

func (e ExplainedError) Error() string { return string(e) }

func explainPartition(err error) string {
	var done ExplainedError
	if errors.As(err, &done) {
		return string(done)
	}
	return ExplainFor(err, "")
}

// horizonNanos is a page's horizon as the merge counts it; one beyond
// what nanoseconds hold means "anything yet", which is the merge's own
// "not started" bound.
func horizonNanos(t time.Time) int64 {
	if t.After(maxNanosTime) {
		return math.MaxInt64
	}
	return nanosOf(t)
}
