package trail

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"lazytrail/fetch"
	"lazytrail/model"
)

// arrivalPager delivers standard input as it arrives: each page is what
// was decoded since the last (at least one event), newest first, so
// records print before the input closes. Input has no name time to order
// it by: a page promises only what LookupEvents does (no later event is
// newer than its oldest), and an event that breaks it is delivered anyway
// and counted late. The decoder waits while more than pendingMemory is
// decoded and not yet taken, so memory stays bounded however fast the
// input comes.
type arrivalPager struct {
	st Store
	sh *shared

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	start  sync.Once
	closed sync.Once

	mu       sync.Mutex
	wake     chan struct{} // closed and replaced when something changes
	pending  []model.Event
	mem      int64
	skips    []fetch.Skip
	finished bool
	promised time.Time

	files, records, late atomic.Int64

	keys []orderKey // Next's sorting buffer
}

func newArrivalPager(ctx context.Context, st Store, sh *shared) *arrivalPager {
	p := &arrivalPager{st: st, sh: sh, wake: make(chan struct{})}
	p.ctx, p.cancel = context.WithCancel(context.WithoutCancel(ctx))
	return p
}

// pendingMemory bounds what is decoded but not yet taken by Next.
var pendingMemory int64 = 16 << 20

func (p *arrivalPager) Stats() Stats {
	return Stats{Files: p.files.Load(), Records: p.records.Load(), Late: p.late.Load()}
}

// broadcast wakes the waiters; callers hold mu.
func (p *arrivalPager) broadcast() {
	close(p.wake)
	p.wake = make(chan struct{})
}

func (p *arrivalPager) run() {
	defer p.wg.Done()
	defer func() {
		p.mu.Lock()
		p.finished = true
		p.broadcast()
		p.mu.Unlock()
	}()
	name := p.st.Name(stdinKey)
	r, gz, done, err := openFile(p.ctx, p.st, stdinKey, nil)
	p.files.Add(1)
	if err != nil {
		if p.ctx.Err() == nil {
			p.mu.Lock()
			p.skips = append(p.skips, fetch.Skip{What: name, Why: oneLine(err)})
			p.mu.Unlock()
		}
		return
	}
	defer done()
	skips := decodeStream(name, r, gz, p.sh.limit, p.sh.prefilter, func(e model.Event) {
		p.records.Add(1)
		if !p.sh.in(e.Time) {
			return
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		for p.mem > pendingMemory && p.ctx.Err() == nil {
			wake := p.wake
			p.mu.Unlock()
			select {
			case <-wake:
			case <-p.ctx.Done():
			}
			p.mu.Lock()
		}
		p.pending = append(p.pending, e)
		p.mem += eventSize(&e)
		p.broadcast()
	})
	p.mu.Lock()
	p.skips = append(p.skips, skips...)
	p.mu.Unlock()
}

// Next delivers what arrived since the last page, waiting for something.
func (p *arrivalPager) Next(ctx context.Context) (fetch.Page, error) {
	if p.ctx.Err() != nil {
		return fetch.Page{}, errClosed
	}
	p.start.Do(func() {
		p.wg.Add(1)
		go p.run()
	})
	p.mu.Lock()
	for len(p.pending) == 0 && !p.finished {
		wake := p.wake
		p.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return fetch.Page{}, ctx.Err()
		}
		p.mu.Lock()
	}
	evs, skips, finished := p.pending, p.skips, p.finished
	p.pending, p.skips, p.mem = nil, nil, 0
	p.broadcast()
	p.mu.Unlock()

	p.keys = sortNewestFirst(evs, p.keys)
	page := fetch.Page{Events: evs, Skipped: skips, Done: finished}
	if len(evs) > 0 {
		if !p.promised.IsZero() && evs[0].Time.After(p.promised) {
			for i := range evs {
				if evs[i].Time.After(p.promised) {
					p.late.Add(1)
				}
			}
		}
		oldest := evs[len(evs)-1].Time
		if p.promised.IsZero() || oldest.Before(p.promised) {
			p.promised = oldest
		}
	}
	page.Horizon = p.promised
	if page.Horizon.IsZero() {
		page.Horizon = forever
	}
	return page, nil
}

// Close stops the read and waits for it to end.
func (p *arrivalPager) Close() {
	p.closed.Do(func() {
		p.cancel()
		p.wg.Wait()
	})
}
