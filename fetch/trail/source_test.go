package trail_test

import (
	"strings"
	"testing"
	"time"

	"lazytrail/fetch/internal/streamtest"
	"lazytrail/fetch/trail"
	"lazytrail/fetch/trail/trailtest"
	"lazytrail/model"
)

// The records source pushes nothing down, takes any range and follow
// mode, and reads every event of the files the range reaches, and only
// those; --region keeps its regions' partitions.
func TestRecordsSource(t *testing.T) {
	tree := trailtest.Generate(trailtest.Spec{Regions: []string{"eu-west-1", "us-east-1"}, Days: 3, FilesPerDay: 3, RecordsPerFile: 7})
	dir := t.TempDir()
	if err := tree.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	src, err := trail.NewSource(t.Context(), trail.Settings{Roots: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if caps := src.Capabilities(); caps != (model.Capabilities{Ranges: true, Follow: true}) {
		t.Errorf("capabilities %+v", caps)
	}
	if p := src.Plan(model.ParseFilter("event=RunInstances user:adam")); p.Key != "" || !p.Loads.IsZero() {
		t.Errorf("plan %+v: files push nothing down", p)
	}
	if account, notice := src.Label(); account != "records" || notice != "" {
		t.Errorf("label %q, %q", account, notice)
	}

	stream, q := src.Open(t.Context(), model.Request{})
	if got := len(streamtest.All(t, stream)); got != len(tree.Events()) {
		t.Errorf("the command line's range read %d events, the files hold %d", got, len(tree.Events()))
	}
	if !q.Start.IsZero() {
		t.Errorf("query %+v: want 2 partitions, no start", q)
	}

	var oldest, newest time.Time
	for _, e := range tree.Events() {
		if oldest.IsZero() || e.Time.Before(oldest) {
			oldest = e.Time
		}
		if e.Time.After(newest) {
			newest = e.Time
		}
	}
	since, until := oldest.Add(newest.Sub(oldest)/3), oldest.Add(2*newest.Sub(oldest)/3)
	want := 0
	for _, e := range tree.Events() {
		if !e.Time.Before(since) && !e.Time.After(until) {
			want++
		}
	}
	stream, q = src.Open(t.Context(), model.Request{Range: model.Range{Since: since, Until: until}})
	got := streamtest.All(t, stream)
	if want == 0 || len(got) != want {
		t.Errorf("the range read %d events, the files hold %d in it", len(got), want)
	}
	if !q.Start.Equal(since) || !q.End.Equal(until) {
		t.Errorf("query %v to %v, want %v to %v", q.Start, q.End, since, until)
	}

	one, err := trail.NewSource(t.Context(), trail.Settings{Roots: []string{dir}, Regions: []string{"eu-west-1"}})
	if err != nil {
		t.Fatal(err)
	}
	stream, _ = one.Open(t.Context(), model.Request{})
	got = streamtest.All(t, stream)
	inRegion := 0
	for _, e := range tree.Events() {
		if e.Region == "eu-west-1" {
			inRegion++
		}
	}
	for _, e := range got {
		if e.Region != "eu-west-1" {
			t.Fatalf("--region eu-west-1 read an event of %s", e.Region)
		}
	}
	if len(got) != inRegion {
		t.Errorf("--region eu-west-1 read %d events, the region holds %d", len(got), inRegion)
	}
}

// A root with nothing to read fails at start with one line saying so.
func TestRecordsSourceWithNothingThere(t *testing.T) {
	_, err := trail.NewSource(t.Context(), trail.Settings{Roots: []string{t.TempDir()}})
	if err == nil || !strings.Contains(err.Error(), "no CloudTrail log files there") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("error %v", err)
	}
}
