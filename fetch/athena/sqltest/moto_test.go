package sqltest

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"testing"
	"time"

	"lazytrail/fetch/athena"
	"lazytrail/fetch/athena/athenatest"
	"lazytrail/fetch/athena/sqltest/duckathena"
	"lazytrail/fetch/localtrail/localtest"
	"lazytrail/fetch/trail/s3test"
	"lazytrail/model"
)

// The whole source on a real engine: lazytrail compiles the filter and
// starts the query in moto's Athena through the real SDK; moto runs no
// SQL, so the proxy in front of it runs the SQL moto received on DuckDB
// and queues what DuckDB returned; lazytrail pages those rows with
// NextToken and turns them into events, which must be the events the
// stream's filter selects from the same records, newest first.
func TestTheSourceThroughMotoAndDuckDB(t *testing.T) {
	db, c := openDB(t)
	src, proxy := sourceOverDuckDB(t, db)
	until := demoEnd
	for _, ch := range []struct {
		filter string
		back   time.Duration
	}{
		{"user:skeddly-", 90 * 24 * time.Hour},
		{"event:Authorize,Revoke res:sg-", 90 * 24 * time.Hour},
		{"-ro:true region:eu-west-1,us-east-1", 7 * 24 * time.Hour},
		{"err -user:skeddly-", 30 * 24 * time.Hour},
		{"agent:terraform type:AssumedRole", 90 * 24 * time.Hour},
		{"ro:true source:ec2,s3", 14 * 24 * time.Hour}, // several results pages
	} {
		t.Run(ch.filter, func(t *testing.T) {
			f := model.ParseFilter(ch.filter)
			since := until.Add(-ch.back)
			parts, err := src.Partitions(f, since, until)
			if err != nil {
				t.Fatal(err)
			}
			p := parts[0].Pager
			defer p.Close()
			var got []string
			for {
				pg, err := p.Next(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				for i := range pg.Events {
					if f.Match(&pg.Events[i]) { // the stream's filter runs on every source's events
						got = append(got, pg.Events[i].ID)
					}
				}
				if pg.Done {
					break
				}
			}
			var want []model.Event
			for i := range c.events {
				e := &c.events[i]
				if !e.Time.Before(since) && !e.Time.After(until) && f.Match(e) {
					want = append(want, *e)
				}
			}
			slices.SortFunc(want, func(a, b model.Event) int { return cmp.Or(b.Time.Compare(a.Time), cmp.Compare(b.ID, a.ID)) })
			wantIDs := make([]string, len(want))
			for i := range want {
				wantIDs[i] = want[i].ID
			}
			if len(wantIDs) == 0 {
				t.Fatalf("%q selects nothing: the test proves nothing", ch.filter)
			}
			if !slices.Equal(got, wantIDs) {
				t.Fatalf("%q: %d events through moto and DuckDB, the stream selects %d; first difference: %v",
					ch.filter, len(got), len(wantIDs), diff(got, wantIDs))
			}
			t.Logf("%q over %v: %d events, %d results pages", ch.filter, ch.back, len(got), (len(got)+1+999)/1000)
		})
	}
	if n := proxy.Calls("StartQueryExecution"); n != 6 {
		t.Errorf("%d queries started, want 6", n)
	}
}

// sourceOverDuckDB is the Athena source on moto's Athena through the real
// SDK, with a proxy in front of moto that runs the SQL moto received on db
// (moto runs none), where the table trails.cloudtrail is db's cloudtrail.
func sourceOverDuckDB(t *testing.T, db *sql.DB) (*athena.Source, *athenatest.Proxy) {
	t.Helper()
	// Glue names the table trails.cloudtrail; DuckDB holds it as cloudtrail.
	for _, stmt := range []string{"CREATE SCHEMA trails", "CREATE VIEW trails.cloudtrail AS SELECT * FROM main.cloudtrail"} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	moto := localtest.Moto(t)
	proxy := athenatest.NewProxy(t, moto, "us-east-1", func(query string) ([][]*string, error) { return runOnDuckDB(db, query) })
	athenatest.CreateTable(t, s3test.Config(t, moto), "trails", "cloudtrail")
	src, err := athena.NewSource(context.Background(), s3test.Config(t, proxy.URL), athena.Options{Table: "trails.cloudtrail", Output: "s3://results/q/"})
	if err != nil {
		t.Fatal(err)
	}
	return src, proxy
}

// runOnDuckDB runs a query and returns its rows as Athena's
// GetQueryResults returns them.
func runOnDuckDB(db *sql.DB, query string) ([][]*string, error) { return duckathena.Results(db, query) }
