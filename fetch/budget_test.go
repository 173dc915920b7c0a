package fetch

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"lazytrail/model"
)

// watchedPager serves pages of events newest first and, each time the
// stream lets it fetch, notes what the stream holds read ahead of the
// consumer: released but not taken, and buffered in the merge.
type watchedPager struct {
	s      *Stream
	region int
	pages  int
	next   int
	held   *maxHeld
}

type maxHeld struct {
	mu  sync.Mutex
	max int64
}

const watchedPageSize = 20

func (p *watchedPager) Next(context.Context) (Page, error) {
	p.s.mu.Lock()
	held := p.s.outBytes
	for i := range p.s.core.regions {
		held += p.s.core.regions[i].bytes
	}
	p.s.mu.Unlock()
	p.held.mu.Lock()
	p.held.max = max(p.held.max, held)
	p.held.mu.Unlock()

	evs := make([]model.Event, watchedPageSize)
	for i := range evs {
		n := p.next*watchedPageSize + i
		evs[i] = model.Event{ID: fmt.Sprintf("r%d-%06d", p.region, n), Time: epoch.Add(-time.Duration(n) * time.Second),
			Raw: strings.Repeat("x", 1000)}
	}
	p.next++
	return Page{Events: evs, Done: p.next == p.pages}, nil
}

func (p *watchedPager) Close() {}

// TestStreamHoldsItsBudgetWithASlowConsumer: with a consumer much slower
// than its partitions (a printer writing to a slow pipe), what the stream
// holds read ahead stays within its budget, a page a partition and the
// lookahead floor, instead of growing with the history; every event still
// arrives once, in order.
func TestStreamHoldsItsBudgetWithASlowConsumer(t *testing.T) {
	const (
		regions = 4
		pages   = 150
		budget  = 256 << 10
	)
	held := &maxHeld{}
	s := &Stream{}
	parts := make([]Partition, regions)
	pagers := make([]*watchedPager, regions)
	for r := range parts {
		pagers[r] = &watchedPager{region: r, pages: pages, held: held}
		parts[r] = Partition{Source: "test", Region: fmt.Sprint(r), Pager: pagers[r]}
	}
	// OpenPartitionsWithin, with the pagers pointed at the stream before
	// they start.
	ctx, cancel := context.WithCancel(context.Background())
	*s = Stream{ctx: ctx, cancel: cancel, wake: make(chan struct{}), changed: true}
	for _, p := range pagers {
		p.s = s
	}
	s.start(parts, watchedPageSize, budget)
	defer s.Close()

	s.Want(nil, math.MaxInt)
	got, last := 0, int64(math.MaxInt64)
	for {
		b, ok := s.Next(context.Background())
		if !ok {
			break
		}
		for i := range b.Events {
			if n := b.Events[i].Time.UnixNano(); n > last {
				t.Fatalf("event %s out of order", b.Events[i].ID)
			} else {
				last = n
			}
		}
		got += len(b.Events)
		s.Recycle(b.Events)
		time.Sleep(200 * time.Microsecond) // slower than the partitions: pacing, not an assertion
	}
	if want := regions * pages * watchedPageSize; got != want {
		t.Fatalf("%d events, want %d", got, want)
	}
	perEvent := eventSize(&model.Event{Raw: strings.Repeat("x", 1000)})
	page := watchedPageSize * perEvent
	lookahead := max(int64(watchedPageSize)*2048, budget/2/regions)
	bound := budget/2 + regions*(lookahead+page) + page
	total := regions * pages * page
	t.Logf("held at most %d bytes read ahead (bound %d, history %d)", held.max, bound, total)
	if held.max > bound {
		t.Fatalf("held %d bytes read ahead, more than the budget's bound %d", held.max, bound)
	}
	if total < 10*bound {
		t.Fatalf("the history (%d bytes) is too small to show the bound (%d)", total, bound)
	}
}

// budgetPager records the budget the stream gives it.
type budgetPager struct {
	failPager
	got int64
}

func (p *budgetPager) Budget(bytes int64) { p.got = bytes }

// TestOpenPartitionsGivesPagersTheirShare: a pager that reads ahead by
// itself is told its share of the request's budget, and of the default
// when the request names none.
func TestOpenPartitionsGivesPagersTheirShare(t *testing.T) {
	for _, c := range []struct{ budget, want int64 }{{32 << 20, 16 << 20}, {0, lookaheadBudget}} {
		p := &budgetPager{failPager: failPager{err: fmt.Errorf("no pages")}}
		s := OpenPartitionsWithin(context.Background(), []Partition{{Source: "test", Region: "r", Pager: p}}, 10, c.budget)
		s.Close()
		if p.got != c.want {
			t.Errorf("budget %d: the pager was given %d, want %d", c.budget, p.got, c.want)
		}
	}
}
