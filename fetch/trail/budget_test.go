package trail_test

import (
	"slices"
	"testing"

	"lazytrail/fetch/internal/streamtest"
	"lazytrail/fetch/trail"
	"lazytrail/fetch/trail/trailtest"
	"lazytrail/model"
)

// TestRecordsBudgetKeepsTheOrder: a stream opened with a tiny read-ahead
// budget (Request.Budget: files past it spill, pagers wait for the
// consumer) delivers the very same events in the very same order as one
// with the default.
func TestRecordsBudgetKeepsTheOrder(t *testing.T) {
	tree := trailtest.Generate(trailtest.Spec{Regions: []string{"eu-west-1", "us-east-1", "us-west-2"}, Days: 2, FilesPerDay: 6,
		RecordsPerFile: 60, LateEvery: 3, Seed: 5})
	dir := t.TempDir()
	if err := tree.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	read := func(budget int64) []string {
		src, err := trail.NewSource(t.Context(), trail.Settings{Roots: []string{dir}})
		if err != nil {
			t.Fatal(err)
		}
		defer src.Close()
		stream, _ := src.Open(t.Context(), model.Request{Budget: budget})
		var out []string
		for _, e := range streamtest.All(t, stream) {
			out = append(out, e.ID+" "+e.Raw)
		}
		return out
	}
	want := read(0)
	if len(want) != len(tree.Events()) {
		t.Fatalf("%d events read, the files hold %d", len(want), len(tree.Events()))
	}
	if got := read(16 << 10); !slices.Equal(got, want) {
		t.Fatalf("a 16 kB budget read %d events, in another order than the default's %d", len(got), len(want))
	}
}
