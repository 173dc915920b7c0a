package main

import (
	"context"
	"io"
	"runtime"
	"testing"
	"time"

	"lazytrail/fetch/trail/trailtest"
)

// printBenchEvents is the records of printBenchSet.
const printBenchEvents = 57_600

// printBenchSet writes a trail of the bench layout into dir, small enough
// to write in a few seconds: 8 regions × 2 days × 18 files × 200 records.
func printBenchSet(dir string) error {
	tree := trailtest.Generate(trailtest.Spec{
		Accounts: []string{"111122223333"},
		Regions:  []string{"ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-2"},
		Start:    time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Days: 2, FilesPerDay: 18, RecordsPerFile: 200,
		LateEvery: 10, Seed: 7,
	})
	return tree.WriteDir(dir)
}

// BenchmarkPrintPath is --records DIR --print FORMAT to the end through
// run(), as a user runs it, written to io.Discard: discovery, reading,
// decoding, the per-file order, the merge, the filter and the writer. It
// reports events/s and, from the runtime's own counters (every goroutine
// of the run included), allocations and bytes allocated per event
// printed: the budget is 10 allocations an event for the whole
// path.
func BenchmarkPrintPath(b *testing.B) {
	root := b.TempDir() // a benchmark with sub-benchmarks runs once
	if err := printBenchSet(root); err != nil {
		b.Fatal(err)
	}
	for _, format := range []string{"jsonl", "json", "csv"} {
		b.Run(format, func(b *testing.B) { benchmarkPrint(b, root, format) })
	}
	b.Run("jsonl-filtered", func(b *testing.B) {
		benchmarkPrint(b, root, "jsonl", "--filter", "event:DescribeInstances")
	})
}

func benchmarkPrint(b *testing.B, root, format string, extra ...string) {
	args := append([]string{"--records", root, "--print", format}, extra...)
	var events int
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for range b.N {
		var n countingWriter
		if code := run(context.Background(), args, &n, io.Discard); code != exitOK {
			b.Fatalf("exit %d", code)
		}
		if format == "jsonl" && len(extra) == 0 && n.lines != printBenchEvents {
			b.Fatalf("%d lines printed, want %d", n.lines, printBenchEvents)
		}
		events += printBenchEvents // records read: the per-event figures are per record, filtered or not
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(events), "allocs/event")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(events), "bytes/event")
}
