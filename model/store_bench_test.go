package model

import "testing"

// BenchmarkStoreAdd is the TUI's side of loading: parsed events added
// to a timeline in the stream's batches (the update loop does this for
// every event loaded), per event.
func BenchmarkStoreAdd(b *testing.B) {
	const n = 20000
	s := newSynth(1)
	evs := make([]Event, n)
	for i := range evs {
		e, err := FromRecord(s.record())
		if err != nil {
			b.Fatal(err)
		}
		evs[i] = e
	}
	b.ReportAllocs()
	for b.Loop() {
		tl := NewTimeline()
		for from := 0; from < n; from += 50 {
			tl.Add(evs[from:min(from+50, n)])
		}
		if tl.Len() != n {
			b.Fatal(tl.Len())
		}
		releaseTimeline(tl)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/event")
}

// BenchmarkStoreAt is what a row, the detail pane or an export pays
// to read one loaded event.
func BenchmarkStoreAt(b *testing.B) {
	const n = 4096
	s := newSynth(1)
	tl := NewTimeline()
	for range n {
		e, err := FromRecord(s.record())
		if err != nil {
			b.Fatal(err)
		}
		tl.Add([]Event{e})
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if tl.At(i&(n-1)).ID == "" {
			b.Fatal("no id")
		}
		i++
	}
}
