package fetch

import (
	"fmt"
	"testing"
	"time"

	"lazytrail/model"
)

// BenchmarkMerge measures the merge core alone: a million synthetic events
// from 16 regions, pages of 50 fed as the demand rule allows, every event
// released and copied out as the stream does. "one-page" holds each
// region to a page ahead (the rule before the lookahead budget, so the
// figure compares with earlier runs); "lookahead" lets regions read ahead
// within the budget, as a scan does, and so keeps a larger heap.
func BenchmarkMerge(b *testing.B) {
	b.Run("one-page", func(b *testing.B) { benchmarkMerge(b, 8, false) })
	b.Run("lookahead", func(b *testing.B) { benchmarkMerge(b, 2048, true) })
}

// benchmarkMerge feeds pages from a ring per region; ring must exceed the
// pages a region can hold unreleased, since a page is rewritten on reuse.
func benchmarkMerge(b *testing.B, ring int, lookahead bool) {
	const (
		regions  = 16
		pageSize = 50
		total    = 1_000_000
	)
	pages := make([][][]model.Event, regions)
	for r := range pages {
		pages[r] = make([][]model.Event, ring)
		for p := range pages[r] {
			pages[r][p] = make([]model.Event, pageSize)
			for i := range pages[r][p] {
				pages[r][p][i].ID = fmt.Sprintf("r%02d-p%d-%02d", r, p, i)
			}
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	released := 0
	for range b.N {
		m := newMerge(regions, pageSize)
		if !lookahead {
			m.lookahead = 0
		}
		m.setDemand(nil, total)
		next := make([]int, regions)
		clock := make([]int64, regions) // seconds back from epoch, per region
		out := make([]model.Event, 0, 4*pageSize)
		delivered := 0
		for delivered < total {
			for r := range regions {
				if delivered >= total || !m.mayFetch(r) {
					continue
				}
				page := pages[r][next[r]%ring]
				next[r]++
				for i := range page {
					clock[r] += int64(1 + (r+i)%3) // regions interleave, some seconds tie
					page[i].Time = epoch.Add(-time.Duration(clock[r]) * time.Second)
				}
				m.add(r, page)
				delivered += len(page)
				out = m.release(out[:0])
				released += len(out)
			}
		}
		for r := range regions {
			m.finish(r)
		}
		released += len(m.release(out[:0]))
	}
	b.StopTimer()
	if released != b.N*total {
		b.Fatalf("released %d events, want %d", released, b.N*total)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(released), "ns/event")
}
