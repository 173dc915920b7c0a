package athena_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsathena "github.com/aws/aws-sdk-go-v2/service/athena"

	"lazytrail/fetch"
	"lazytrail/fetch/athena"
	"lazytrail/fetch/athena/athenatest"
	"lazytrail/fetch/localtrail"
	"lazytrail/fetch/localtrail/localtest"
	"lazytrail/fetch/trail/s3test"
	"lazytrail/model"
)

var demoEnd = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

var (
	demoOnce   sync.Once
	demoEvents []model.Event
)

// demo is the demo account's events, every region.
func demo() []model.Event {
	demoOnce.Do(func() {
		d := localtrail.Demo(demoEnd)
		for _, r := range d.Regions() {
			demoEvents = append(demoEvents, d.Events(r)...)
		}
	})
	return demoEvents
}

// pathOf is the made-up log file a record is said to come from.
func pathOf(e *model.Event) string {
	return fmt.Sprintf("s3://trail/AWSLogs/%s/CloudTrail/%s/%s/%s_CloudTrail_%s.json.gz",
		e.Account, e.Region, e.Time.Format("2006/01/02"), e.Account, e.ID)
}

// selected is what a query over [since, until] must return, computed with
// the stream's filter (not the SQL), newest first as the SQL orders.
func selected(events []model.Event, f model.Filter, since, until time.Time) []model.Event {
	var out []model.Event
	for i := range events {
		e := &events[i]
		if !e.Time.Before(since) && !e.Time.After(until) && f.Match(e) {
			out = append(out, *e)
		}
	}
	slices.SortFunc(out, func(a, b model.Event) int {
		return cmp.Or(b.Time.Compare(a.Time), cmp.Compare(b.ID, a.ID))
	})
	return out
}

// rig is moto behind the proxy, with the CloudTrail table in Glue, whose
// queries select want's rows.
type rig struct {
	moto  string
	proxy *athenatest.Proxy
	cfg   aws.Config
}

func newRig(t testing.TB, want func(sql string) []model.Event) *rig {
	t.Helper()
	moto := localtest.Moto(t)
	p := athenatest.NewProxy(t, moto, "us-east-1", func(sql string) ([][]*string, error) {
		var rows [][]*string
		for _, e := range want(sql) {
			r, err := athenatest.Row(e.Raw, pathOf(&e))
			if err != nil {
				return nil, err
			}
			rows = append(rows, r)
		}
		return rows, nil
	})
	cfg := s3test.Config(t, p.URL)
	athenatest.CreateTable(t, s3test.Config(t, moto), "trails", "cloudtrail")
	return &rig{moto: moto, proxy: p, cfg: cfg}
}

func (r *rig) open(t testing.TB, f model.Filter, since, until time.Time) fetch.Pager {
	t.Helper()
	src, err := athena.NewSource(context.Background(), r.cfg, athena.Options{Table: "trails.cloudtrail", Output: "s3://results/lazytrail/"})
	if err != nil {
		t.Fatal(err)
	}
	parts, err := src.Partitions(f, since, until)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 1 || !strings.Contains(parts[0].Detail, "SELECT") {
		t.Fatalf("want one partition with its SQL, got %+v", parts)
	}
	return parts[0].Pager
}

// comparable is what a row carries of an event: the fields lazytrail
// selects (sourceIdentity and identityProvider are not among them).
func comparable(e model.Event) model.Event {
	e.Raw, e.Origin, e.ParseError = "", "", ""
	e.Identity.SourceIdentity, e.Identity.IdentityProvider = "", ""
	return e
}

func TestQueryPagesLazilyAndRebuildsEveryEvent(t *testing.T) {
	until := demoEnd
	since := until.Add(-3 * 24 * time.Hour)
	f := model.ParseFilter("-event:Decrypt")
	want := selected(demo(), f, since, until)
	if len(want) < 2*1000 {
		t.Fatalf("the test wants at least two full pages, the demo has %d matches", len(want))
	}
	r := newRig(t, func(string) []model.Event { return want })
	athenatest.Progress(t, r.moto, 1) // QUEUED, RUNNING, SUCCEEDED on successive polls
	r.proxy.Scanned(3_500_000_000)
	p := r.open(t, f, since, until)
	defer p.Close()

	ctx := context.Background()
	var got []model.Event
	var statuses []string
	var firstResults int
	for pages := 0; ; pages++ {
		pg, err := p.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		statuses = append(statuses, pg.Status)
		if len(pg.Events) > 0 && firstResults == 0 {
			firstResults = pages + 1
			// Lazy: one results page fetched, no more, until asked.
			if n := r.proxy.Calls("GetQueryResults"); n != 1 {
				t.Fatalf("after the first results page, %d GetQueryResults calls", n)
			}
			t.Logf("requests before the first screen: GetTable %d, StartQueryExecution %d, GetQueryExecution %d, GetQueryResults %d",
				r.proxy.Calls("GetTable"), r.proxy.Calls("StartQueryExecution"), r.proxy.Calls("GetQueryExecution"), r.proxy.Calls("GetQueryResults"))
		}
		got = append(got, pg.Events...)
		if pg.Done {
			break
		}
		if pages > 100 {
			t.Fatal("the pager never finished")
		}
	}
	if !slices.ContainsFunc(statuses, func(s string) bool { return strings.Contains(s, "RUNNING") }) {
		t.Errorf("no page reported the query running: %q", statuses)
	}
	if last := statuses[len(statuses)-1]; !strings.Contains(last, "SUCCEEDED · 3.5 GB scanned · $0.02") {
		t.Errorf("final status %q, want the state, 3.5 GB and $0.02 (3.5 GB at $5/TB)", last)
	}
	pagesWanted := (len(want) + 1 + 999) / 1000 // the header row is in the first page
	if n := r.proxy.Calls("GetQueryResults"); n != pagesWanted {
		t.Errorf("%d GetQueryResults calls for %d rows, want %d", n, len(want), pagesWanted)
	}
	if len(got) != len(want) {
		t.Fatalf("got %d events, want %d", len(got), len(want))
	}
	for i := range want {
		orig, err := model.FromRecord(want[i].Raw)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := comparable(got[i]), comparable(orig); !equalEvents(g, w) {
			t.Fatalf("event %d rebuilt from its row differs:\n got %+v\nwant %+v", i, g, w)
		}
		if got[i].Origin != pathOf(&want[i]) {
			t.Fatalf("event %d: origin %q, want %q", i, got[i].Origin, pathOf(&want[i]))
		}
	}
	// The SQL moto received names the range and the negated term.
	sql := r.proxy.SQL()
	if len(sql) != 1 || !strings.Contains(sql[0], "NOT (starts_with(coalesce(eventname, ''), 'Decrypt'))") {
		t.Errorf("SQL sent: %q", sql)
	}
}

func equalEvents(a, b model.Event) bool {
	return fmt.Sprintf("%+v", a) == fmt.Sprintf("%+v", b)
}

func TestFailedQuerySaysWhy(t *testing.T) {
	r := newRig(t, func(string) []model.Event { return nil })
	r.proxy.Fail("HIVE_BAD_DATA: Error parsing field value for field 3")
	p := r.open(t, model.ParseFilter("user:alice"), demoEnd.Add(-time.Hour), demoEnd)
	defer p.Close()
	var err error
	for range 10 {
		if _, err = p.Next(context.Background()); err != nil {
			break
		}
	}
	if err == nil || !strings.Contains(err.Error(), "failed: HIVE_BAD_DATA: Error parsing field value for field 3") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("the error is more than one line: %q", err)
	}
}

func TestThrottlingIsRetried(t *testing.T) {
	until := demoEnd
	since := until.Add(-6 * time.Hour)
	f := model.ParseFilter("")
	want := selected(demo(), f, since, until)
	r := newRig(t, func(string) []model.Event { return want })
	r.proxy.Throttle("StartQueryExecution", 1)
	r.proxy.Throttle("GetQueryExecution", 2)
	r.proxy.Throttle("GetQueryResults", 2)
	p := r.open(t, f, since, until)
	defer p.Close()
	n := 0
	for {
		pg, err := p.Next(context.Background())
		if err != nil {
			t.Fatalf("a throttled call was not retried: %v", err)
		}
		n += len(pg.Events)
		if pg.Done {
			break
		}
	}
	if n != len(want) {
		t.Errorf("got %d events, want %d", n, len(want))
	}
	if c := r.proxy.Calls("StartQueryExecution"); c != 2 {
		t.Errorf("StartQueryExecution called %d times, want 2 (one throttled)", c)
	}
}

func TestCloseStopsARunningQuery(t *testing.T) {
	r := newRig(t, func(string) []model.Event { return nil })
	r.proxy.Hold(true)
	p := r.open(t, model.ParseFilter("event:RunInstances"), demoEnd.Add(-24*time.Hour), demoEnd)
	pg, err := p.Next(context.Background())
	if err != nil || pg.Done || !strings.Contains(pg.Status, "athena") {
		t.Fatalf("first page %+v, %v: want a running query's status", pg, err)
	}
	p.Close()
	if c := r.proxy.Calls("StopQueryExecution"); c != 1 {
		t.Fatalf("StopQueryExecution called %d times, want 1", c)
	}
	// moto itself now holds the query as cancelled.
	ids := r.proxy.IDs()
	out, err := awsathena.NewFromConfig(s3test.Config(t, r.moto)).GetQueryExecution(context.Background(),
		&awsathena.GetQueryExecutionInput{QueryExecutionId: &ids[0]})
	if err != nil {
		t.Fatal(err)
	}
	if s := out.QueryExecution.Status.State; s != "CANCELLED" {
		t.Errorf("query state after Close: %s", s)
	}
}

func TestCancelledContextStopsPolling(t *testing.T) {
	r := newRig(t, func(string) []model.Event { return nil })
	r.proxy.Hold(true)
	p := r.open(t, model.ParseFilter(""), demoEnd.Add(-time.Hour), demoEnd)
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := p.Next(ctx); err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := p.Next(ctx); err == nil {
		t.Fatal("Next after cancel returned no error")
	}
	p.Close()
	if c := r.proxy.Calls("StopQueryExecution"); c != 1 {
		t.Errorf("StopQueryExecution called %d times after a cancelled poll, want 1", c)
	}
}

// A table named in another case is the same table (Glue keeps names in
// lower case).
func TestTableNameIgnoresCase(t *testing.T) {
	r := newRig(t, func(string) []model.Event { return nil })
	src, err := athena.NewSource(context.Background(), r.cfg, athena.Options{Table: "Trails.CloudTrail"})
	if err != nil {
		t.Fatal(err)
	}
	if got := src.Table().Name; got != `"trails"."cloudtrail"` {
		t.Errorf("table named %s in SQL", got)
	}
	if _, err := athena.NewSource(context.Background(), r.cfg, athena.Options{Table: "NoSuch"}); err == nil || !strings.Contains(err.Error(), "no table default.nosuch") {
		t.Errorf("a bare name is not looked up lower-cased in default: %v", err)
	}
}

func TestMissingTableSaysHowToMakeOne(t *testing.T) {
	r := newRig(t, func(string) []model.Event { return nil })
	_, err := athena.NewSource(context.Background(), r.cfg, athena.Options{Table: "trails.nope"})
	if err == nil || !strings.Contains(err.Error(), "in us-east-1 has no table trails.nope") || !strings.Contains(err.Error(), "AWS_REGION") || !strings.Contains(err.Error(), "athena-ddl") {
		t.Fatalf("err = %v", err)
	}
}

// A query cancelled elsewhere (the console, another session) ends the
// partition with why, and is not stopped again.
func TestQueryCancelledElsewhere(t *testing.T) {
	r := newRig(t, func(string) []model.Event { return nil })
	r.proxy.Hold(true)
	p := r.open(t, model.ParseFilter("user:adam"), demoEnd.Add(-time.Hour), demoEnd)
	if _, err := p.Next(context.Background()); err != nil {
		t.Fatal(err)
	}
	id := r.proxy.IDs()[0]
	if _, err := awsathena.NewFromConfig(s3test.Config(t, r.moto)).StopQueryExecution(context.Background(),
		&awsathena.StopQueryExecutionInput{QueryExecutionId: &id}); err != nil {
		t.Fatal(err)
	}
	var err error
	for range 10 {
		if _, err = p.Next(context.Background()); err != nil {
			break
		}
	}
	if err == nil || !strings.Contains(err.Error(), "was cancelled") {
		t.Fatalf("err = %v, want the query named as cancelled", err)
	}
	p.Close()
	if n := r.proxy.Calls("StopQueryExecution"); n != 0 {
		t.Errorf("a cancelled query was stopped again (%d calls)", n)
	}
}

// A poll that fails ends the partition and stops the query at once: it
// may still be running, and nothing else would stop it until the stream
// is closed.
func TestFailedPollStopsTheQuery(t *testing.T) {
	r := newRig(t, func(string) []model.Event { return nil })
	r.proxy.Hold(true)
	p := r.open(t, model.ParseFilter("user:adam"), demoEnd.Add(-time.Hour), demoEnd)
	defer p.Close()
	if _, err := p.Next(context.Background()); err != nil {
		t.Fatal(err)
	}
	r.proxy.Refuse("GetQueryExecution", 1)
	if _, err := p.Next(context.Background()); err == nil || !strings.Contains(err.Error(), "asking for the Athena query's state") {
		t.Fatalf("err = %v", err)
	}
	if n := r.proxy.Calls("StopQueryExecution"); n != 1 {
		t.Errorf("%d StopQueryExecution calls after a failed poll, want 1", n)
	}
}

func TestStatusLineAndPrice(t *testing.T) {
	for _, c := range []struct {
		state   string
		scanned int64
		want    string
	}{
		{"RUNNING", 0, "athena RUNNING · 0 B scanned · $0.0001"},                    // 10 MB minimum: $0.00005
		{"SUCCEEDED", 1_234_000_000, "athena SUCCEEDED · 1.2 GB scanned · $0.0062"}, // 1,234 MB at $5/TB
		{"SUCCEEDED", 999_960, "athena SUCCEEDED · 1.0 MB scanned · $0.0001"},
		{"SUCCEEDED", 3_000_000_000_001, "athena SUCCEEDED · 3.0 TB scanned · $15.00"}, // rounded up to the MB
		{"FAILED", 5_000_000_000, "athena FAILED · 5.0 GB scanned · not billed"},
	} {
		if got := athena.StatusLine(c.state, c.scanned); got != c.want {
			t.Errorf("StatusLine(%s, %d) = %q, want %q", c.state, c.scanned, got, c.want)
		}
	}
}
