package fetch

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"lazytrail/model"
)

// slicePager serves a synthetic region's pages, then ends.
type slicePager struct {
	pages [][]model.Event
	next  int
}

func (p *slicePager) Next(context.Context) (Page, error) {
	if p.next >= len(p.pages) {
		return Page{Done: true}, nil
	}
	pg := Page{Events: slices.Clone(p.pages[p.next])}
	p.next++
	pg.Done = p.next == len(p.pages)
	return pg, nil
}

func (p *slicePager) Close() {}

func syntheticStream(regions []syntheticRegion) *Stream {
	parts := make([]Partition, len(regions))
	for r, sr := range regions {
		parts[r] = Partition{Source: "test", Region: string(rune('a' + r)), Pager: &slicePager{pages: sr.pages}}
	}
	return OpenPartitions(context.Background(), parts, 8)
}

// TestRecycleKeepsWhatEveryBatchHolds: a consumer that gives every batch's
// events back (the headless printer) reads the same events, in the same
// order, as one that keeps them; and the batches a consumer keeps without
// recycling (the TUI's follow mode, a test) are never written again.
func TestRecycleKeepsWhatEveryBatchHolds(t *testing.T) {
	for seed := range uint64(40) {
		rng := rand.New(rand.NewPCG(seed, 7))
		regions := randomRegions(rng, 1+rng.IntN(6), 8)
		for r := range regions {
			regions[r].failAfter = -1
			for p := range regions[r].pages {
				for i := range regions[r].pages[p] {
					e := &regions[r].pages[p][i]
					e.Raw = "raw of " + e.ID
				}
			}
		}

		kept := syntheticStream(regions)
		kept.Want(nil, math.MaxInt)
		var batches [][]model.Event
		var want []string
		for {
			b, ok := kept.Next(context.Background())
			if !ok {
				break
			}
			batches = append(batches, b.Events)
			want = append(want, ids(b.Events)...)
		}
		kept.Close()
		var still []string
		for _, b := range batches {
			still = append(still, ids(b)...)
		}
		if !slices.Equal(still, want) {
			t.Fatalf("seed %d: kept batches changed after they were handed out", seed)
		}

		recycled := syntheticStream(regions)
		recycled.Want(nil, math.MaxInt)
		var got []string
		for {
			b, ok := recycled.Next(context.Background())
			if !ok {
				break
			}
			for _, e := range b.Events {
				if e.Raw != "raw of "+e.ID {
					t.Fatalf("seed %d: event %s carries %q", seed, e.ID, e.Raw)
				}
				got = append(got, e.ID)
			}
			recycled.Recycle(b.Events)
		}
		recycled.Close()
		if !slices.Equal(got, want) {
			t.Fatalf("seed %d: recycling changed the events\n got %v\nwant %v", seed, got, want)
		}
		if len(want) != len(slices.Compact(slices.Sorted(slices.Values(want)))) {
			t.Fatalf("seed %d: an event was released twice: %v", seed, want)
		}
	}
}

// TestRecycleReusesTheArray: once the consumer gives an array back, the
// next release writes into it instead of allocating.
func TestRecycleReusesTheArray(t *testing.T) {
	s := &Stream{core: newMerge(1, 4), wake: make(chan struct{})}
	s.core.setDemand(nil, math.MaxInt)
	page := func(sec int) []model.Event {
		return []model.Event{{ID: "x", Time: epoch.Add(-time.Duration(sec) * time.Second)}}
	}
	given := make([]model.Event, 3, 16)
	given[0].Raw = "old"
	s.Recycle(given)
	if given[0].Raw != "" {
		t.Fatal("a recycled array still holds its records")
	}
	s.core.add(0, page(1))
	s.core.finish(0)
	s.releaseLocked()
	if len(s.out) != 1 || &s.out[0] != &given[:1][0] {
		t.Fatalf("released %d events into another array", len(s.out))
	}
}
