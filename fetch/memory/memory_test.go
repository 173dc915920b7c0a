package memory

import (
	"context"
	"fmt"
	"testing"
	"time"

	"lazytrail/model"
)

var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// events is n events a minute apart back from now, in a shuffled order,
// cycling through three names and two regions.
func events(n int) []model.Event {
	names := []string{"RunInstances", "StartInstances", "DescribeInstances"}
	regions := []string{"eu-west-1", "us-east-1"}
	out := make([]model.Event, n)
	for i := range out {
		j := (i * 7) % n // every index once when n is not a multiple of 7
		out[i] = model.Event{ID: fmt.Sprintf("ev-%03d", j), Time: now.Add(-time.Duration(j) * time.Minute),
			Name: names[j%3], Region: regions[j%2]}
	}
	return out
}

// drain asks for everything and reads the stream to its end.
func drain(t *testing.T, st model.Stream) ([]model.Event, model.Batch) {
	t.Helper()
	st.Want(nil, 1<<30)
	var got []model.Event
	var last model.Batch
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // bounds a hang only
		b, ok := st.Next(ctx)
		cancel()
		got = append(got, b.Events...)
		last = b
		if !ok {
			return got, last
		}
	}
}

func TestStreamIsNewestFirstAndReleasesOnlyOnDemand(t *testing.T) {
	src := &Source{Events: events(30), Batch: 4, Partitions: []model.RegionProgress{{Region: "eu-west-1"}, {Region: "us-east-1"}}}
	st, _ := src.Open(context.Background(), model.Request{})
	s := st.(*Stream)
	if !s.Idle() {
		t.Fatal("a stream asked for nothing should be idle")
	}
	s.Want(func(e *model.Event) bool { return e.Name == "RunInstances" }, 3)
	var released []model.Event
	for !s.Idle() {
		b, ok := s.Next(context.Background())
		if !ok {
			t.Fatal("the stream ended with events left")
		}
		released = append(released, b.Events...)
	}
	runs := 0
	for _, e := range released {
		if e.Name == "RunInstances" {
			runs++
		}
	}
	// Three RunInstances are in the newest 7 events (every third from
	// the newest); batches of 4 release 8.
	if runs != 3 || len(released) != 8 {
		t.Errorf("released %d events holding %d RunInstances; want the two batches that hold 3", len(released), runs)
	}
	rest, last := drain(t, s)
	all := append(released, rest...)
	if len(all) != 30 {
		t.Fatalf("%d events in all, want 30", len(all))
	}
	for i := 1; i < len(all); i++ {
		if all[i].Time.After(all[i-1].Time) {
			t.Fatalf("event %d (%s) is newer than the one before it", i, all[i].Time)
		}
	}
	perRegion := map[string]int{}
	for _, p := range last.Progress {
		if p.State != model.RegionDone {
			t.Errorf("%s is %v at the end, want done", p.Region, p.State)
		}
		perRegion[p.Region] = p.Events
	}
	if perRegion["eu-west-1"] != 15 || perRegion["us-east-1"] != 15 {
		t.Errorf("events per partition %v, want 15 each", perRegion)
	}
	if w := s.Wants(); len(w) != 2 || w[0] != 3 {
		t.Errorf("wants %v", w)
	}
}

func TestRangesSelectTheirEvents(t *testing.T) {
	src := &Source{Events: events(60), Start: now.Add(-30 * time.Minute), End: now}
	cases := []struct {
		name       string
		req        model.Request
		start, end time.Time
		want       int
	}{
		{"the command line's", model.Request{}, now.Add(-30 * time.Minute), now, 31},
		{"back from now", model.Request{Range: model.Range{Back: 10 * time.Minute}}, now.Add(-10 * time.Minute), now, 11},
		{"typed", model.Request{Range: model.Range{Since: now.Add(-50 * time.Minute), Until: now.Add(-40 * time.Minute)}},
			now.Add(-50 * time.Minute), now.Add(-40 * time.Minute), 11},
		{"after", model.Request{After: now.Add(-5 * time.Minute)}, now.Add(-5 * time.Minute), now, 6},
	}
	for _, c := range cases {
		st, q := src.Open(context.Background(), c.req)
		got, _ := drain(t, st)
		if !q.Start.Equal(c.start) || !q.End.Equal(c.end) || len(got) != c.want {
			t.Errorf("%s: %s → %s with %d events; want %s → %s with %d", c.name, q.Start, q.End, len(got), c.start, c.end, c.want)
		}
	}
}

// A plan pushes its Loads down: the stream delivers only what it matches,
// and says so through Describe. A key never planned fails the stream.
func TestPlanIsPushedDown(t *testing.T) {
	src := &Source{Events: events(30),
		Planner: func(f model.Filter) model.Plan {
			if k, v, ok := f.Pushdown(); ok {
				loads, _ := model.LookupFilter(k + "=" + v)
				return model.Plan{Key: k + "=" + v, Loads: loads}
			}
			return model.Plan{}
		},
		Describe: func(r model.Request) string { return r.Plan }}
	plan := src.Plan(model.ParseFilter("event=RunInstances user:ad"))
	if plan.Key != "EventName=RunInstances" {
		t.Fatalf("plan %q", plan.Key)
	}
	st, q := src.Open(context.Background(), model.Request{Plan: plan.Key})
	got, _ := drain(t, st)
	if len(got) != 10 || q.Lookup != "EventName=RunInstances" {
		t.Errorf("%d events under %q, want the 10 RunInstances", len(got), q.Lookup)
	}
	for _, e := range got {
		if e.Name != "RunInstances" {
			t.Errorf("%s delivered under the plan", e.Name)
		}
	}
	st, _ = src.Open(context.Background(), model.Request{Plan: "Username=nobody"})
	got, last := drain(t, st)
	if len(got) != 0 || last.Progress[0].State != model.RegionFailed || last.Progress[0].Err == "" {
		t.Errorf("an unplanned key delivered %d events, progress %+v", len(got), last.Progress)
	}
	if r := src.Requests(); len(r) != 2 || r[0].Plan != "EventName=RunInstances" {
		t.Errorf("requests %+v", r)
	}
}

// Close ends a stream waiting for demand, and cancelling its context ends
// Next without a batch.
func TestCloseAndCancelEndAWaitingStream(t *testing.T) {
	src := &Source{Events: events(10)}
	st, _ := src.Open(context.Background(), model.Request{})
	done := make(chan bool)
	go func() {
		_, ok := st.Next(context.Background())
		done <- ok
	}()
	st.Close()
	if <-done {
		t.Error("Next over a closed stream should say it ended")
	}
	st, _ = src.Open(context.Background(), model.Request{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if b, ok := st.Next(ctx); ok || len(b.Events) != 0 {
		t.Errorf("a cancelled Next returned %d events, ok %v", len(b.Events), ok)
	}
}

func TestOriginalsAreOptional(t *testing.T) {
	var plain model.Source = &Source{}
	if _, ok := plain.(model.Originals); ok {
		t.Error("a Source without originals offers them")
	}
	var with model.Source = WithOriginals(&Source{}, func(_ context.Context, e *model.Event) (string, error) {
		return `{"eventID":"` + e.ID + `"}`, nil
	})
	o, ok := with.(model.Originals)
	if !ok {
		t.Fatal("WithOriginals does not offer originals")
	}
	if got, err := o.Original(context.Background(), &model.Event{ID: "x"}); err != nil || got != `{"eventID":"x"}` {
		t.Errorf("original %q, %v", got, err)
	}
}
