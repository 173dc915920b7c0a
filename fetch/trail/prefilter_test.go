package trail_test

import (
	"reflect"
	"testing"

	"lazytrail/fetch/internal/streamtest"
	"lazytrail/fetch/trail"
	"lazytrail/fetch/trail/trailtest"
	"lazytrail/model"
)

// TestOpenKeep: a stream opened with the consumer's filter (Request.Keep)
// delivers, of the events the filter matches, exactly those of a stream
// opened without it, in the same order and equal field by field (Raw
// included), both on the first open (the partitions found at start) and
// on a later one (a fresh discovery). BenchmarkDecodeFile/keep shows the
// records it passes over.
func TestOpenKeep(t *testing.T) {
	tree := trailtest.Generate(trailtest.Spec{Regions: []string{"eu-west-1", "us-east-1"}, Days: 2, FilesPerDay: 3, RecordsPerFile: 40, Seed: 3})
	dir := t.TempDir()
	if err := tree.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	all := func(f model.Filter, keep bool) []model.Event {
		src, err := trail.NewSource(t.Context(), trail.Settings{Roots: []string{dir}})
		if err != nil {
			t.Fatal(err)
		}
		defer src.Close()
		req := model.Request{}
		if keep {
			req.Keep = f
		}
		var out []model.Event
		for range 2 { // the first open, then a fresh discovery
			var got []model.Event
			for _, e := range streamtest.All(t, openStream(t, src, req)) {
				if f.Match(&e) {
					got = append(got, e)
				}
			}
			if out != nil && !reflect.DeepEqual(got, out) {
				t.Fatalf("%q: the second open delivered other events", f)
			}
			out = got
		}
		return out
	}
	for _, text := range []string{"user:adam", "user:adam event:RunInstances", "event=StopInstances,AssumeRole -user:terraform", "agent:command/getsec", "raw:instance-state-name region:eu"} {
		f := model.ParseFilter(text)
		want, got := all(f, false), all(f, true)
		if len(want) == 0 {
			t.Fatalf("%q matches nothing: a test of nothing", text)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q: with Keep %d events, without %d (or they differ)", text, len(got), len(want))
		}
	}
}

func openStream(t *testing.T, src *trail.Source, req model.Request) model.Stream {
	t.Helper()
	s, _ := src.Open(t.Context(), req)
	return s
}
