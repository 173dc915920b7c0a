package trail

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"lazytrail/fetch/trail/trailtest"
)

// BenchmarkReadLocal: events/s reading 100 files × 1,000 records (gzipped,
// S3 layout on local disk) through Open and every pager to its end.
func BenchmarkReadLocal(b *testing.B) {
	dir := filepath.Join(os.TempDir(), "lazytrail-bench-readlocal-v1")
	if _, err := os.Stat(filepath.Join(dir, "done")); err != nil {
		tree := trailtest.Generate(trailtest.Spec{
			Accounts: []string{"111122223333", "222233334444"},
			Regions:  []string{"eu-west-1", "us-east-1", "us-west-2", "ap-south-1", "sa-east-1"},
			Days:     2, FilesPerDay: 5, RecordsPerFile: 1000,
		})
		os.RemoveAll(dir)
		if err := tree.WriteDir(dir); err != nil {
			b.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "done"), nil, 0o644)
	}
	ctx := context.Background()
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		parts, _, err := Open(ctx, []string{filepath.Join(dir, "AWSLogs")}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		for _, d := range drain(b, ctx, parts) {
			n += len(d.events)
		}
		closeAll(parts)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(n)/float64(b.N), "events/op")
}
