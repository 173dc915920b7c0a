package lookup

import (
	"strings"
	"testing"
	"time"

	"lazytrail/fetch"
	"lazytrail/fetch/internal/streamtest"
	"lazytrail/fetch/localtrail"
	"lazytrail/model"
)

// serveDemo is the demo dataset's Source over the local endpoint, paged
// over the week before demoEnd, at a clock pinned to demoEnd.
func serveDemo(t *testing.T, s Settings) *Source {
	t.Helper()
	ds := demoDataset()
	s.Span = fetch.Span{Start: demoEnd.Add(-7 * 24 * time.Hour), End: demoEnd}
	s.Rate = 1000
	s.Now = func() time.Time { return demoEnd }
	src, err := Serve(localtrail.New(ds, localtrail.Options{Quota: -1}), ds.Regions(), "demo", s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(src.Close)
	return src
}

// The planner's source: the filter's best exact term is the plan, what it
// loads is that term, and a query opened with the plan pushes it down and
// delivers exactly the dataset's events of that name in the range.
func TestSourcePlansTheBestExactTerm(t *testing.T) {
	src := serveDemo(t, Settings{})
	caps := src.Capabilities()
	if caps.HistoryLimit != 90*24*time.Hour || !strings.Contains(caps.Beyond, "--records") || !caps.Plans || caps.Fixed != "" || !caps.Ranges || !caps.Follow || caps.WholeFilter || caps.NarrowsInPlace {
		t.Fatalf("capabilities %+v", caps)
	}
	if account, notice := src.Label(); account != "demo" || notice != "" {
		t.Errorf("label %q, %q", account, notice)
	}
	if p := src.Plan(model.ParseFilter("user:adam event:Run")); p.Key != "" || !p.Loads.IsZero() {
		t.Errorf("a filter without an exact term planned %+v", p)
	}
	f := model.ParseFilter("user:ad event=RunInstances")
	p := src.Plan(f)
	if p.Key != "EventName=RunInstances" {
		t.Fatalf("plan %q, want EventName=RunInstances", p.Key)
	}
	if term := model.ParseFilter("event=RunInstances"); !term.Narrows(p.Loads) || !p.Loads.Narrows(term) || !f.Narrows(p.Loads) {
		t.Errorf("the plan loads %q, not what event=RunInstances matches", p.Loads.String())
	}
	stream, q := src.Open(t.Context(), model.Request{Plan: p.Key})
	got := streamtest.All(t, stream)
	start := demoEnd.Add(-7 * 24 * time.Hour)
	want := 0
	ds := demoDataset()
	for _, r := range ds.Regions() {
		for _, e := range ds.Events(r) {
			if e.Name == "RunInstances" && !e.Time.Before(start) && !e.Time.After(demoEnd) {
				want++
			}
		}
	}
	if want == 0 || len(got) != want {
		t.Fatalf("delivered %d events, the dataset holds %d RunInstances in the range", len(got), want)
	}
	for i := range got {
		if got[i].Name != "RunInstances" {
			t.Fatalf("event %s is %s: the plan was not pushed down", got[i].ID, got[i].Name)
		}
	}
	if q.Lookup != "pushed down EventName=RunInstances" || !q.Start.Equal(start) || !q.End.Equal(demoEnd) {
		t.Errorf("query %+v", q)
	}
}

// --lookup fixes what is pushed down: no planner, the plan is the fixed
// attribute whatever the filter, and every query pushes it.
func TestSourceWithLookupByHand(t *testing.T) {
	a, err := ParseAttribute("eventname=RunInstances")
	if err != nil {
		t.Fatal(err)
	}
	src := serveDemo(t, Settings{Lookup: &a})
	caps := src.Capabilities()
	if caps.Plans || caps.Fixed != "--lookup EventName=RunInstances" || caps.HistoryLimit != History {
		t.Fatalf("capabilities %+v", caps)
	}
	if p := src.Plan(model.ParseFilter("user=adam")); p.Key != "EventName=RunInstances" {
		t.Errorf("plan %q: want the fixed attribute", p.Key)
	}
	stream, q := src.Open(t.Context(), model.Request{Plan: "Username=adam"})
	for _, e := range streamtest.All(t, stream) {
		if e.Name != "RunInstances" {
			t.Fatalf("event %s is %s: --lookup was not pushed down", e.ID, e.Name)
		}
	}
	if q.Lookup != "EventName=RunInstances" {
		t.Errorf("query says %q", q.Lookup)
	}
}

// A request's range: follow mode is everything after a time up to now, a
// range back ends now, and the zero Range is the command line's.
func TestSourceOpensTheRequestedRange(t *testing.T) {
	src := serveDemo(t, Settings{})
	after := demoEnd.Add(-2 * time.Hour)
	for _, c := range []struct {
		req        model.Request
		start, end time.Time
	}{
		{model.Request{}, demoEnd.Add(-7 * 24 * time.Hour), demoEnd},
		{model.Request{After: after, Range: model.Range{Back: time.Hour}}, after, demoEnd},
		{model.Request{Range: model.Range{Back: time.Hour}}, demoEnd.Add(-time.Hour), demoEnd},
		{model.Request{Range: model.Range{Since: after.Add(-time.Hour), Until: after}}, after.Add(-time.Hour), after},
	} {
		stream, q := src.Open(t.Context(), c.req)
		got := streamtest.All(t, stream)
		if !q.Start.Equal(c.start) || !q.End.Equal(c.end) {
			t.Errorf("%+v: query %v to %v, want %v to %v", c.req, q.Start, q.End, c.start, c.end)
		}
		for _, e := range got {
			if e.Time.Before(c.start) || e.Time.After(c.end) {
				t.Fatalf("%+v: event at %v outside %v to %v", c.req, e.Time, c.start, c.end)
			}
		}
	}
}

// --since past the 90 days kept is said in the notice, with the oldest
// day there is.
func TestSourceSaysWhatHistoryKeeps(t *testing.T) {
	ds := demoDataset()
	s := Settings{Since: "120d", Span: fetch.Span{Start: demoEnd.Add(-120 * 24 * time.Hour), End: demoEnd}, Now: func() time.Time { return demoEnd }}
	src, err := Serve(localtrail.New(ds, localtrail.Options{Quota: -1}), ds.Regions(), "demo", s)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	kept := demoEnd.Add(-History).Format("2006-01-02")
	if _, notice := src.Label(); !strings.Contains(notice, "nothing before "+kept) || !strings.Contains(notice, "--since 120d") {
		t.Errorf("notice %q", notice)
	}
}

// A lookup attribute the service refuses is explained with the keys it
// takes: the list fetch.Explain holds is the SDK's.
func TestRefusedAttributeNamesTheSDKKeys(t *testing.T) {
	ds := demoDataset()
	_, url := endpoint(t, ds, localtrail.Options{Quota: -1})
	opts := testOptions(url, 1000)
	opts.MaxAttempts = 1
	bad := Attribute{Key: "UserName", Value: "adam"} // the service matches keys case-sensitively
	s := OpenAccounts(t.Context(), Query{Regions: []string{"eu-west-1"}, End: demoEnd, Lookup: &bad}, opts)
	drain(t, s, nil, 1)
	p := s.Progress()[0]
	if p.State != model.RegionFailed || !strings.Contains(p.Err, "use --lookup KEY=VALUE with one of "+strings.Join(attributeKeys, ", ")) {
		t.Fatalf("state %v, error %q: want the SDK's keys", p.State, p.Err)
	}
}
