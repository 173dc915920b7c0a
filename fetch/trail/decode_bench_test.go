package trail

import (
	"bytes"
	"github.com/klauspost/compress/gzip"
	"io"
	"runtime"
	"syscall"
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
	// The floor: gunzip alone.
	b.Run("gunzip", func(b *testing.B) {
		cpu := cpuTime()
		for range b.N {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, zr); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N)/1000, "cpu-ns/record")
	})
	b.Run("all", func(b *testing.B) { benchDecodeFile(b, body, model.Filter{}) })
	// A filter the source is told of (Request.Keep): the records it rules
	// out cheaply are not decoded. 1 in 32 records match.
	b.Run("keep", func(b *testing.B) { benchDecodeFile(b, body, model.ParseFilter("user:adam event:RunInstances")) })
}

// cpuTime is the process's user and system CPU time in ns: on a machine
// shared with other work it varies less than the wall time.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
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
	cpu := cpuTime()
	n, kept := 0, 0 // events decoded, and of them kept by the filter
	for range b.N {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		skips := decodeStream("f", zr, true, 0, model.NewPrefilter(keep), func(e model.Event) {
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
	cpu = cpuTime() - cpu
	runtime.ReadMemStats(&after)
	records := float64(b.N) * 1000 // the file's records, decoded or passed over
	b.ReportMetric(records/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(cpu)/records, "cpu-ns/record")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/records, "allocs/record")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/records, "bytes/record")
	b.ReportMetric(float64(n)/records, "decoded")
	b.ReportMetric(float64(kept)/records, "kept")
}
