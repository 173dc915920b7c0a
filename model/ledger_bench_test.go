package model

import (
	"fmt"
	"testing"
	"time"
)

// ledgerBenchEvents parses n synthetic records once: synth's mix, in
// which nearly a third are calls the rules name (a scheduler stopping and
// starting 400 instances in 16 regions, Terraform launches) and another
// 7% are denied terminates, a write-heavy account.
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

// BenchmarkLedger builds the ledger and lists its rows. "add" feeds a
// million events to Ledger.Add (target: ≤ 1 s, reported as events/s),
// cycling through 128k distinct records; "timeline" is the TUI's way,
// Timeline.Ledger over a quarter of a million loaded events, which reads
// only the records whose event name a rule names.
func BenchmarkLedger(b *testing.B) {
	pool := ledgerBenchEvents(b, 1<<17)
	named := 0
	for i := range pool {
		if ledgerNamed(pool[i].Name) && pool[i].ErrorCode == "" {
			named++
		}
	}
	b.Run("add", func(b *testing.B) {
		const n = 1_000_000
		var rows int
		for b.Loop() {
			l := NewLedger()
			for i := range n {
				l.Add(&pool[i&(len(pool)-1)])
			}
			rows = len(l.Rows(time.Time{}, time.Time{}))
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
		b.ReportMetric(float64(named)/float64(len(pool)), "named-share")
		b.ReportMetric(float64(rows), "rows")
	})
	b.Run("timeline", func(b *testing.B) {
		const n = 1 << 18
		evs := make([]Event, n)
		for i := range evs {
			evs[i] = pool[i&(len(pool)-1)]
			// A copy of its own: a distinct id and time, newest first.
			evs[i].ID = fmt.Sprintf("%s-%d", evs[i].ID, i)
			evs[i].Time = pool[0].Time.Add(-time.Duration(i) * time.Second)
		}
		tl := NewTimeline()
		tl.Add(evs)
		evs = nil
		var rows int
		for b.Loop() {
			rows = len(tl.Ledger().Rows(time.Time{}, time.Time{}))
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
		b.ReportMetric(float64(rows), "rows")
	})
}
