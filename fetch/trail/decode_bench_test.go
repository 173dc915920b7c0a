package trail

import (
	"bytes"
	"compress/gzip"
	"io"
	"runtime"
	"testing"

	"lazytrail/fetch/trail/trailtest"
	"lazytrail/model"
)

// BenchmarkDecodeFile is the decode stage as the pager runs it: one
// gzipped log file of the bench shape (.ci/bench-records: 1,000 records of
// ~1.26 KB) gunzipped and decoded to Events. It reports events/s and, the
// figures that do not depend on a noisy machine, allocs/event and
// bytes/event (the stage's allocation budget: a few per event; the whole
// print path's is 10).
func BenchmarkDecodeFile(b *testing.B) {
	tree := trailtest.Generate(trailtest.Spec{FilesPerDay: 1, RecordsPerFile: 1000, Seed: 7})
	body := tree.Files()[0].Body
	b.Run("all", func(b *testing.B) { benchDecodeFile(b, body, model.Filter{}) })
}

func benchDecodeFile(b *testing.B, body []byte, keep model.Filter) {
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw))) // MB/s of JSON
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	n, kept := 0, 0
	for range b.N {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		skips := decodeStream("f", zr, true, 0, func(e model.Event) {
			n++
			if keep.Match(&e) {
				kept++
			}
		})
		if len(skips) != 0 {
			b.Fatal(skips)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(n), "allocs/event")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(n), "bytes/event")
	b.ReportMetric(float64(kept)/float64(n), "kept")
}
