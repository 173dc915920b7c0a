package athena_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"lazytrail/fetch"
	"lazytrail/fetch/athena"
	"lazytrail/model"
)

// The Athena source: the whole filter is the plan (equal up to spacing),
// it loads exactly what the filter matches, a query narrows in place, and
// Open runs the plan's SQL over the range asked for, delivering its rows.
func TestAthenaSourcePlansTheWholeFilter(t *testing.T) {
	until := demoEnd
	since := until.Add(-7 * 24 * time.Hour)
	f := model.ParseFilter("event=RunInstances  -user:adam")
	want := selected(demo(), f, since, until)
	if len(want) == 0 {
		t.Fatal("the demo has no match: the test would prove nothing")
	}
	var mu sync.Mutex
	var sqls []string
	r := newRig(t, func(sql string) []model.Event {
		mu.Lock()
		sqls = append(sqls, sql)
		mu.Unlock()
		return want
	})
	src, err := athena.NewSource(context.Background(), r.cfg, athena.Options{Table: "trails.cloudtrail", Output: "s3://results/lazytrail/",
		Span: fetch.Span{Start: since, End: until}})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	caps := src.Capabilities()
	if caps != (model.Capabilities{Ranges: true, Plans: true, NarrowsInPlace: true, WholeFilter: true}) {
		t.Errorf("capabilities %+v: want no history limit and no follow mode", caps)
	}
	if account, _ := src.Label(); account != "athena trails.cloudtrail" {
		t.Errorf("account %q", account)
	}
	p := src.Plan(f)
	if again := src.Plan(model.ParseFilter(" event=RunInstances -user:adam ")); again.Key != p.Key || p.Key == "" {
		t.Errorf("plans %q and %q differ in spacing only", p.Key, again.Key)
	}
	if !f.Narrows(p.Loads) || !p.Loads.Narrows(f) {
		t.Errorf("the plan loads %q, not the filter %q", p.Loads.String(), f.String())
	}
	if other := src.Plan(model.ParseFilter("event=RunInstances")); other.Key == p.Key {
		t.Errorf("two filters, one plan %q", p.Key)
	}

	stream, q := src.Open(t.Context(), model.Request{Plan: p.Key})
	stream.Want(nil, 1<<30)
	var got []model.Event
	for {
		b, ok := stream.Next(t.Context())
		if !ok {
			break
		}
		got = append(got, b.Events...)
	}
	stream.Close()
	if len(got) != len(want) {
		t.Fatalf("delivered %d rows, the query selected %d", len(got), len(want))
	}
	for i := range got {
		if got[i].ID != want[i].ID {
			t.Fatalf("row %d is %s, want %s", i, got[i].ID, want[i].ID)
		}
	}
	if !q.Start.Equal(since) || !q.End.Equal(until) || q.Lookup != "SQL: every term (R)" {
		t.Errorf("query %+v", q)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(sqls) != 1 || !strings.Contains(sqls[0], "'RunInstances'") || !strings.Contains(strings.ToLower(sqls[0]), "adam") {
		t.Errorf("the SQL run does not hold the filter's terms: %q", sqls)
	}
	if left := src.Leftovers(); len(left) != 0 {
		t.Errorf("a query that finished left %q", left)
	}
}
