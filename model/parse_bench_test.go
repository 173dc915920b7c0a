package model

import "testing"

// BenchmarkFromRecord is the parse of one realistic record, the core of
// reading trail files: events/s and MB/s of record JSON per core.
func BenchmarkFromRecord(b *testing.B) {
	s := newSynth(1)
	records := make([]string, 1000)
	size := 0
	for i := range records {
		records[i] = s.record()
		size += len(records[i])
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := FromRecord(records[i%len(records)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(size)/float64(len(records))*float64(b.N)/b.Elapsed().Seconds()/1e6, "MB/s")
}
