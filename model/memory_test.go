package model

import (
	"runtime"
	"testing"
)

// BenchmarkEventMemory measures what a loaded event costs: the heap its
// Event and everything it references hold, including Raw itself, against
// the size of Raw. Target: ratio-to-raw ≤ 2. ns/op is the parse of one
// record.
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
	events := make([]Event, n)
	for i, raw := range raws {
		var err error
		if events[i], err = FromRecord(raw); err != nil {
			b.Fatal(err)
		}
	}
	raws = nil // from here on only the events hold the records
	after := heap()
	runtime.KeepAlive(events)
	perEvent := (float64(after) - float64(before) + float64(rawBytes)) / n
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
	b.ReportMetric(rawPerEvent, "raw-bytes/event")
	b.ReportMetric(perEvent/rawPerEvent, "ratio-to-raw")
}
