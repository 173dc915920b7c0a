package model

import (
	"runtime"
	"testing"
)

// BenchmarkEventMemory measures what a loaded event costs: the heap that
// a Timeline holding it retains (the de-duplication and filter columns,
// the resource index) plus the arena bytes it fills outside the heap (the
// events' blobs, Raw among them), against the size of Raw. Target:
// ratio-to-raw ≤ 1.3 (issue 18). heap-bytes/event is the part on the Go
// heap, which the collector lets grow to twice its size. ns/op is the
// parse of one record.
func BenchmarkEventMemory(b *testing.B) {
	const n = 20000
	s := newSynth(1)
	raws := make([]string, n)
	rawBytes := 0
	for i := range raws {
		raws[i] = s.record()
		rawBytes += len(raws[i])
	}

	heap := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	tl := NewTimeline()
	batch := make([]Event, 0, 50)
	for _, raw := range raws {
		e, err := FromRecord(raw)
		if err != nil {
			b.Fatal(err)
		}
		if batch = append(batch, e); len(batch) == cap(batch) {
			tl.Add(batch)
			batch = batch[:0]
		}
	}
	tl.Add(batch)
	batch, raws = nil, nil // from here on only the timeline holds the records
	after := heap()
	if tl.Len() != n {
		b.Fatalf("timeline holds %d of %d events", tl.Len(), n)
	}
	runtime.KeepAlive(tl)
	arena := int64(0)
	if a := tl.st.arena; a != nil {
		for _, c := range a.chunks {
			arena += int64(len(c))
		}
		arena -= int64(len(a.chunks[len(a.chunks)-1]) - a.used)
	}
	heapPerEvent := (float64(after) - float64(before) + float64(rawBytes)) / n
	perEvent := heapPerEvent + float64(arena)/n
	rawPerEvent := float64(rawBytes) / n

	s = newSynth(2)
	sample := make([]string, 1024)
	for i := range sample {
		sample[i] = s.record()
	}
	i := 0
	for b.Loop() {
		if _, err := FromRecord(sample[i&1023]); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(perEvent, "bytes/event")
	b.ReportMetric(heapPerEvent, "heap-bytes/event")
	b.ReportMetric(rawPerEvent, "raw-bytes/event")
	b.ReportMetric(perEvent/rawPerEvent, "ratio-to-raw")
}
