package model

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
)

var (
	rawBenchOnce sync.Once
	rawBenchTL   *Timeline
)

// rawBenchTimeline is a million loaded events with synthetic records of
// 1-3 KB, each its own allocation as a parsed record is.
func rawBenchTimeline() *Timeline {
	rawBenchOnce.Do(func() {
		s := newSynth(18)
		rawBenchTL = NewTimeline()
		evs := make([]Event, 0, 10_000)
		for i := range 1_000_000 {
			evs = append(evs, Event{ID: fmt.Sprintf("ev-%07d", i), Raw: s.record()})
			if len(evs) == cap(evs) {
				rawBenchTL.Add(evs)
				evs = evs[:0]
			}
		}
	})
	return rawBenchTL
}

// BenchmarkRawSearch is a raw: term over a million loaded records (1.7 GB):
// the search on every core, as GB/s and ms per search, beside a plain
// strings.Index pass over the same records on every core (the memory's
// speed, the goal) and containsFold on one core (how the update loop
// matched a raw: term before it was searched off the loop).
func BenchmarkRawSearch(b *testing.B) {
	tl := rawBenchTimeline()
	snap := tl.Snapshot()
	var total int64
	for i := range snap.Len() {
		total += int64(len(snap.Raw(i)))
	}
	report := func(b *testing.B) {
		b.ReportMetric(float64(total)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/search")
	}
	for _, needle := range []string{"i-0dbc", "AKIAEXAMPLEdana", "zzzz", "runinstances", "ec2.amazonaws.com"} {
		f := ParseFilter("raw:" + needle)
		b.Run("search/"+needle, func(b *testing.B) {
			matches := 0
			for b.Loop() {
				b.StopTimer()
				tl.SetFilter(Filter{})
				b.StartTimer()
				s := tl.BeginFilter(f)
				if s == nil {
					b.Fatal("no search")
				}
				tl.Found(s.run())
				matches = tl.Matches()
			}
			report(b)
			b.ReportMetric(float64(matches), "matches")
		})
		b.Run("strings.Index/"+needle, func(b *testing.B) {
			for b.Loop() {
				parallel(snap.Len(), func(from, to int) {
					for i := from; i < to; i++ {
						strings.Index(snap.Raw(i), needle)
					}
				})
			}
			report(b)
		})
		b.Run("containsFold-1-core/"+needle, func(b *testing.B) {
			for b.Loop() {
				for i := range snap.Len() {
					containsFold(snap.Raw(i), needle)
				}
			}
			report(b)
		})
	}
}

// parallel runs f over [0, n) cut in one stretch per core.
func parallel(n int, f func(from, to int)) {
	var wg sync.WaitGroup
	parts := runtime.GOMAXPROCS(0)
	for p := range parts {
		wg.Go(func() { f(n*p/parts, n*(p+1)/parts) })
	}
	wg.Wait()
}
