package athena_test

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"lazytrail/fetch/athena"
	"lazytrail/fetch/athena/athenatest"
	"lazytrail/fetch/localtrail/localtest"
	"lazytrail/fetch/trail/s3test"
	"lazytrail/model"
)

// The ledger's Go side through the real SDK and moto: the source starts
// the ledger's query, polls it, pages its rows and reads them. The rows
// the proxy answers are the builder's over the demo account, written as
// the query's columns hold them (the SQL itself is checked on DuckDB in
// sqltest); what the source returns must be the builder's rows, in its
// order.

// ledgerRig is moto behind the proxy, answering every query with rows.
func ledgerRig(t *testing.T, rows func(sql string) [][]*string) (*athena.Source, *athenatest.Proxy) {
	t.Helper()
	moto := localtest.Moto(t)
	p := athenatest.NewProxy(t, moto, "us-east-1", func(sql string) ([][]*string, error) { return rows(sql), nil })
	athenatest.CreateTable(t, s3test.Config(t, moto), "trails", "cloudtrail")
	src, err := athena.NewSource(context.Background(), s3test.Config(t, p.URL), athena.Options{Table: "trails.cloudtrail", Output: "s3://results/lazytrail/"})
	if err != nil {
		t.Fatal(err)
	}
	return src, p
}

// wireRow is a ledger row as the query's columns hold it: times as
// eventTime text, alive 1 or 0, running time in milliseconds.
func wireRow(r model.LedgerRow) []*string {
	text := func(s string) *string { return &s }
	at := func(t time.Time) *string {
		if t.IsZero() {
			return text("")
		}
		return text(t.UTC().Format(time.RFC3339))
	}
	alive := "0"
	if r.Alive {
		alive = "1"
	}
	return []*string{text(r.Account), text(r.Region), text(r.ResourceType), text(r.ResourceID),
		at(r.CreatedTime), text(r.CreatedBy), text(r.CreatedByARN), text(r.CreatedEventID), text(r.CreatedByService), text(r.UserAgent),
		at(r.DeletedTime), text(r.DeletedBy), text(alive), text(r.Size),
		text(strconv.FormatInt(int64(math.Round(r.RunningHours*3.6e6)), 10)), text(strconv.Itoa(r.Events))}
}

func TestLedgerReadsTheQuerysRows(t *testing.T) {
	until := demoEnd
	since := until.Add(-30 * 24 * time.Hour)
	l := model.NewLedger()
	for _, e := range selected(demo(), model.ParseFilter("-user:skeddly-"), since, until) {
		l.Add(&e)
	}
	want := l.Rows(since, until)
	if len(want) < 10 {
		t.Fatalf("the demo's month has %d resources: too few to prove anything", len(want))
	}
	var sent []string
	src, proxy := ledgerRig(t, func(sql string) [][]*string {
		sent = append(sent, sql)
		// In the query's own order (by resource), not the builder's.
		byKey := slices.Clone(want)
		slices.SortFunc(byKey, func(a, b model.LedgerRow) int {
			return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.ResourceType, b.ResourceType), cmp.Compare(a.ResourceID, b.ResourceID))
		})
		var rows [][]*string
		for _, r := range byKey {
			rows = append(rows, wireRow(r))
		}
		return rows
	})
	got, err := src.Ledger(context.Background(), model.Request{Range: model.Range{Since: since, Until: until}, Plan: "-user:skeddly-"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if math.Abs(g.RunningHours-w.RunningHours) > 1e-6 {
			t.Errorf("row %d %s: %v hours, want %v", i, w.ResourceID, g.RunningHours, w.RunningHours)
		}
		g.RunningHours = w.RunningHours
		if !g.CreatedTime.Equal(w.CreatedTime) || !g.DeletedTime.Equal(w.DeletedTime) {
			t.Errorf("row %d %s: times %v %v, want %v %v", i, w.ResourceID, g.CreatedTime, g.DeletedTime, w.CreatedTime, w.DeletedTime)
		}
		g.CreatedTime, g.DeletedTime = w.CreatedTime, w.DeletedTime
		if g != w {
			t.Errorf("row %d:\n got  %+v\n want %+v", i, g, w)
		}
	}
	if len(sent) != 1 || !strings.HasPrefix(sent[0], "/* lazytrail resource ledger */") || !strings.Contains(sent[0], "FROM "+src.Table().Name+"\n") {
		t.Errorf("the queries sent: %.300q", sent)
	}
	if n := proxy.Calls("StopQueryExecution"); n != 0 {
		t.Errorf("a query that finished was stopped %d times", n)
	}
}

func TestLedgerFailedQuerySaysWhy(t *testing.T) {
	src, proxy := ledgerRig(t, func(string) [][]*string { return nil })
	proxy.Fail("HIVE_BAD_DATA: Error parsing field value")
	_, err := src.Ledger(context.Background(), model.Request{Range: model.Range{Since: demoEnd.Add(-time.Hour), Until: demoEnd}})
	if err == nil || !strings.Contains(err.Error(), "failed: HIVE_BAD_DATA: Error parsing field value") {
		t.Fatalf("err = %v", err)
	}
}

// A ledger given up on (its context cancelled while the query runs)
// stops the query rather than leave it scanning, and billing.
func TestLedgerCancelledStopsTheQuery(t *testing.T) {
	src, proxy := ledgerRig(t, func(string) [][]*string { return nil })
	proxy.Hold(true)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for proxy.Calls("GetQueryExecution") < 2 {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
	}()
	_, err := src.Ledger(ctx, model.Request{Range: model.Range{Since: demoEnd.Add(-time.Hour), Until: demoEnd}})
	if err == nil {
		t.Fatal("a cancelled ledger returned no error")
	}
	if n := proxy.Calls("StopQueryExecution"); n != 1 {
		t.Errorf("StopQueryExecution called %d times, want 1", n)
	}
}
