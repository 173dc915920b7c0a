package sqltest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"lazytrail/model"
)

// The ledger through the whole source: the Athena source compiles the
// ledger's query and runs it in moto's Athena through the real SDK, the
// proxy runs the SQL moto received on DuckDB, and the source pages the
// rows and reads them into model.LedgerRows, which must be the builder's
// over the same records, range and filter, in the builder's order.
func TestLedgerThroughMotoAndDuckDB(t *testing.T) {
	db, events := ledgerDB(t)
	src, proxy := sourceOverDuckDB(t, db)
	var ledger model.Source = src
	ls, ok := ledger.(model.LedgerSource)
	if !ok {
		t.Fatal("the Athena source is no model.LedgerSource")
	}
	started := 0
	for _, tc := range []struct {
		name, filter string
		since, until time.Time
	}{
		{"hand-made records (the fleet: two results pages)", "", ledgerStart, ledgerEnd},
		{"hand-made records, filtered, part of the week", "-user:alice region:us-east-1", ledgerStart.Add(30 * time.Hour), ledgerEnd},
		{"the demo account's 90 days", "", demoEnd.Add(-90 * 24 * time.Hour), demoEnd},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := model.ParseFilter(tc.filter)
			req := model.Request{Range: model.Range{Since: tc.since, Until: tc.until}, Plan: src.Plan(f).Key}
			got, err := ls.Ledger(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			started++
			want := builderLedger(events, f, tc.since, tc.until)
			if len(want) == 0 {
				t.Fatal("the builder finds no resources: the case proves nothing")
			}
			if diffs := sameLedger(got, want); len(diffs) > 0 {
				t.Fatalf("the source's ledger is not the builder's:\n%s", strings.Join(diffs, "\n"))
			}
			// The builder's order: alive first, then newest created.
			if !slices.IsSortedFunc(got, func(a, b model.LedgerRow) int {
				if a.Alive != b.Alive {
					if a.Alive {
						return -1
					}
					return 1
				}
				return b.CreatedTime.Compare(a.CreatedTime)
			}) {
				t.Error("the rows are not alive first, then newest created first")
			}
			t.Logf("%d resources, %d results pages", len(got), (len(got)+1+999)/1000)
		})
	}
	// A filter SQL cannot decide exactly is refused before any query.
	_, err := ls.Ledger(context.Background(), model.Request{Range: model.Range{Since: ledgerStart, Until: ledgerEnd}, Plan: "res:i-0aaa"})
	if !errors.Is(err, model.ErrNoLedger) {
		t.Errorf("res: gave %v, want model.ErrNoLedger", err)
	}
	if n := proxy.Calls("StartQueryExecution"); n != started {
		t.Errorf("%d queries started, want %d", n, started)
	}
}
