package sqltest

import (
	"database/sql"
	"testing"
	"time"

	"lazytrail/fetch/athena"
	"lazytrail/model"
)

// BenchmarkLedgerSQL times the ledger's query on DuckDB over every record
// the tests load (the demo account's 90 days, the stratus and edge
// records, the hand-made ones), against the builder over the same events:
// what a ledger costs where the events are, and the rows that come back
// instead of the events.
func BenchmarkLedgerSQL(b *testing.B) {
	db, all := ledgerDB(b)
	c, _ := loadCorpus()
	for _, r := range []struct {
		name         string
		since, until time.Time
	}{
		{"everything", c.oldest, ledgerEnd.Add(2 * time.Hour)},
		{"demo-90-days", demoEnd.Add(-90 * 24 * time.Hour), demoEnd},
	} {
		var events []model.Event
		for i := range all {
			if !all[i].Time.Before(r.since) && !all[i].Time.After(r.until) {
				events = append(events, all[i])
			}
		}
		b.Run(r.name, func(b *testing.B) { benchLedger(b, db, events, r.since, r.until) })
	}
}

func benchLedger(b *testing.B, db *sql.DB, events []model.Event, since, until time.Time) {
	q := athena.Query{Table: table, Since: since, Until: until}
	b.Run("duckdb", func(b *testing.B) {
		var rows []model.LedgerRow
		for b.Loop() {
			var err error
			if rows, _, err = sqlLedger(db, q); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(events))*float64(b.N)/b.Elapsed().Seconds(), "events/s")
		b.ReportMetric(float64(len(rows)), "rows/query")
		b.ReportMetric(float64(len(events)), "events-in-range")
	})
	b.Run("builder", func(b *testing.B) {
		var rows []model.LedgerRow
		for b.Loop() {
			rows = builderLedger(events, model.Filter{}, since, until)
		}
		b.ReportMetric(float64(len(events))*float64(b.N)/b.Elapsed().Seconds(), "events/s")
		b.ReportMetric(float64(len(rows)), "rows/query")
	})
}
