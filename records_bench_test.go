package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"lazytrail/fetch/trail/trailtest"
	"lazytrail/model"
)

// benchTrail is the large set: 1,000 log files of 1,000 records
// (8 regions × 7 days × 18 files a day, about 1.4 GB of JSON), written once
// per directory. LAZYTRAIL_BENCH_RECORDS scales the records per file.
func benchTrail(tb testing.TB, dir string) string {
	tb.Helper()
	perFile := 1000
	if v, err := strconv.Atoi(os.Getenv("LAZYTRAIL_BENCH_RECORDS")); err == nil && v > 0 {
		perFile = v
	}
	root := filepath.Join(dir, "trail-"+strconv.Itoa(perFile))
	if _, err := os.Stat(root + ".complete"); err == nil {
		return root
	}
	tree := trailtest.Generate(trailtest.Spec{
		Accounts: []string{"111122223333"},
		Regions:  []string{"ap-southeast-2", "eu-central-1", "eu-north-1", "eu-west-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-2"},
		Start:    time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Days: 7, FilesPerDay: 18, RecordsPerFile: perFile,
		LateEvery: 10, Seed: 7,
	})
	if err := tree.WriteDir(root); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(root+".complete", nil, 0o644); err != nil {
		tb.Fatal(err)
	}
	return root
}

// benchDir is where the large set lives between runs: LAZYTRAIL_BENCH_DIR,
// or a temporary folder of the benchmark's own.
func benchDir(b *testing.B) string {
	if d := os.Getenv("LAZYTRAIL_BENCH_DIR"); d != "" {
		return d
	}
	return b.TempDir()
}

// TestGenerateBenchTrail writes the large set for .ci/bench-records, only
// when asked to (LAZYTRAIL_BENCH_DIR set).
func TestGenerateBenchTrail(t *testing.T) {
	dir := os.Getenv("LAZYTRAIL_BENCH_DIR")
	if dir == "" {
		t.Skip("set LAZYTRAIL_BENCH_DIR to write the benchmark trail")
	}
	t.Logf("trail at %s", benchTrail(t, dir))
}

// firstLineWriter notes when the first line arrives, then cancels.
type firstLineWriter struct {
	got    chan struct{}
	cancel context.CancelFunc
	buf    bytes.Buffer
}

func (w *firstLineWriter) Write(p []byte) (int, error) {
	w.buf.Write(p)
	if bytes.Count(w.buf.Bytes(), []byte("\n")) >= 50 && w.got != nil {
		close(w.got)
		w.got = nil
		w.cancel()
	}
	return len(p), nil
}

// BenchmarkRecordsFirstScreen: from start to the first 50 events printed
// (a screen) of --records over the large set, through run() as a user runs
// it: discovery, the newest file of each partition, the merge.
func BenchmarkRecordsFirstScreen(b *testing.B) {
	root := benchTrail(b, benchDir(b))
	var total time.Duration
	for range b.N {
		ctx, cancel := context.WithCancel(context.Background())
		w := &firstLineWriter{got: make(chan struct{}), cancel: cancel}
		got := w.got
		t0 := time.Now()
		run(ctx, []string{"--records", root, "--print", "jsonl", "--limit", "50"}, w, io.Discard)
		select {
		case <-got:
		default:
			b.Fatal("fewer than 50 events printed")
		}
		total += time.Since(t0)
		cancel()
	}
	b.ReportMetric(total.Seconds()*1000/float64(b.N), "ms/first-screen")
}

// BenchmarkRecordsPrintAll: --records DIR --print jsonl to the end.
func BenchmarkRecordsPrintAll(b *testing.B) {
	root := benchTrail(b, benchDir(b))
	var events int
	var total time.Duration
	for range b.N {
		var n countingWriter
		t0 := time.Now()
		if code := run(context.Background(), []string{"--records", root, "--print", "jsonl"}, &n, io.Discard); code != exitOK {
			b.Fatalf("exit %d", code)
		}
		total += time.Since(t0)
		events += n.lines
	}
	b.ReportMetric(float64(events)/total.Seconds(), "events/s")
	b.ReportMetric(float64(events)/float64(b.N), "events")
}

type countingWriter struct{ lines int }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.lines += bytes.Count(p, []byte("\n"))
	return len(p), nil
}

// BenchmarkRecordsTimelineMemory is the TUI's memory with the whole large
// set loaded: every event of --records through the stream into the
// timeline the TUI keeps, then, once the garbage is collected and given
// back (as the TUI does when a stream ends), the process's resident memory
// (Linux; the timeline's arena is outside the Go heap) and the live heap
// against the records' raw JSON (issue 18's target: RSS ≤ 1.3×).
func BenchmarkRecordsTimelineMemory(b *testing.B) {
	root := benchTrail(b, benchDir(b))
	for range b.N {
		o, err := parseArgs([]string{"--records", root}, io.Discard, time.Now().UTC())
		if err != nil {
			b.Fatal(err)
		}
		src, err := openSource(context.Background(), o)
		if err != nil {
			b.Fatal(err)
		}
		s, _ := src.Open(context.Background(), model.Request{})
		tl := model.NewTimeline()
		s.Want(nil, 1<<40)
		raw := 0
		for {
			batch, ok := s.Next(context.Background())
			if !ok {
				break
			}
			for i := range batch.Events {
				raw += len(batch.Events[i].Raw)
			}
			tl.Add(batch.Events)
		}
		s.Close()
		debug.FreeOSMemory()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(ms.HeapInuse)/float64(raw), "heap-ratio-to-raw")
		b.ReportMetric(float64(tl.Len()), "events")
		if rss := residentBytes(); rss > 0 {
			b.ReportMetric(float64(rss)/float64(raw), "rss-ratio-to-raw")
			b.ReportMetric(float64(rss)/float64(tl.Len()), "rss-bytes/event")
		}
		runtime.KeepAlive(tl)
		tl.Release()
	}
}

// residentBytes is the process's resident memory (VmRSS), 0 where /proc
// does not say.
func residentBytes() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
