package athena_test

import (
	"context"
	"testing"
	"time"

	"lazytrail/fetch/athena"
	"lazytrail/fetch/athena/athenatest"
	"lazytrail/model"
)

// BenchmarkFirstScreen counts the requests from opening an Athena source
// to its first results page, against moto (a query that moves QUEUED ->
// RUNNING -> SUCCEEDED on successive polls, as a short one does on AWS):
// lazytrail's own round trip is GetTable; the rest is the protocol's
// minimum (start, the polls, one results page).
func BenchmarkFirstScreen(b *testing.B) {
	events := demo()
	until := demoEnd
	since := until.Add(-24 * time.Hour)
	f := model.ParseFilter("user:skeddly-")
	want := selected(events, f, since, until)
	r := newRig(b, func(string) []model.Event { return want })
	athenatest.Progress(b, r.moto, 1)
	count := func() (total, own float64) {
		for _, op := range []string{"GetTable", "StartQueryExecution", "GetQueryExecution", "GetQueryResults"} {
			total += float64(r.proxy.Calls(op))
		}
		return total, float64(r.proxy.Calls("GetTable"))
	}
	b.ResetTimer()
	total0, own0 := count()
	for i := 0; i < b.N; i++ {
		src, err := athena.NewSource(context.Background(), r.cfg, athena.Options{Table: "trails.cloudtrail", Output: "s3://results/q/"})
		if err != nil {
			b.Fatal(err)
		}
		parts, err := src.Partitions(f, since, until)
		if err != nil {
			b.Fatal(err)
		}
		p := parts[0].Pager
		for {
			pg, err := p.Next(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			if len(pg.Events) > 0 || pg.Done {
				break
			}
		}
		p.Close()
	}
	total, own := count()
	b.ReportMetric((total-total0)/float64(b.N), "requests/first-screen")
	b.ReportMetric((own-own0)/float64(b.N), "own-requests/first-screen")
}

// BenchmarkRowToEvent is the cost of turning one result row into an
// event (rebuilding the record and parsing it), over the demo's records.
func BenchmarkRowToEvent(b *testing.B) {
	events := demo()[:5000]
	rows := make([][]*string, len(events))
	for i := range events {
		row, err := athenatest.Row(events[i].Raw, pathOf(&events[i]))
		if err != nil {
			b.Fatal(err)
		}
		rows[i] = row
	}
	b.ResetTimer()
	start := time.Now()
	n := 0
	for i := 0; i < b.N; i++ {
		if _, err := athena.EventFromRow(rows[i%len(rows)]); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "events/s")
}
