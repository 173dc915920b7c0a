package model

import (
	"testing"
	"time"
)

// ledgerBenchEvents parses n synthetic records (synth's mix: a third of
// them calls the rules name, Stop/Start by a scheduler over 400 instances
// in 16 regions, Terraform launches, denied terminates) once.
func ledgerBenchEvents(b *testing.B, n int) []Event {
	b.Helper()
	s := newSynth(19)
	evs := make([]Event, n)
	for i := range evs {
		e, err := FromRecord(s.record())
		if err != nil {
			b.Fatal(err)
		}
		evs[i] = e
	}
	return evs
}

// BenchmarkLedger builds the ledger over a million events (target: ≤ 1 s,
// reported as events/s) and lists its rows.
func BenchmarkLedger(b *testing.B) {
	const n = 1_000_000
	pool := ledgerBenchEvents(b, 1<<17)
	b.Run("add", func(b *testing.B) {
		var rows int
		for b.Loop() {
			l := NewLedger()
			for i := range n {
				l.Add(&pool[i&(len(pool)-1)])
			}
			rows = len(l.Rows(time.Time{}, time.Time{}))
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
		b.ReportMetric(float64(rows), "rows")
	})
}
