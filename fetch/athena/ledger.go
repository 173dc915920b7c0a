package athena

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"lazytrail/model"
)

// Ledger runs the ledger's query (CompileLedger) over the range and filter
// req asks for, and returns its rows as the builder would: alive first,
// then newest created first. Prices are not in them (ApplyPrices). A
// filter SQL cannot decide exactly is refused with model.ErrNoLedger.
func (s *Source) Ledger(ctx context.Context, req model.Request) ([]model.LedgerRow, error) {
	start, end := s.resolve(req)
	sql, err := CompileLedger(Query{Table: s.table, Filter: model.ParseFilter(req.Plan), Since: start, Until: end})
	if err != nil {
		return nil, err
	}
	p := s.pager(sql, end)
	defer p.Close() // stops the query when ctx ends it early
	if err := p.begin(ctx); err != nil {
		return nil, err
	}
	for done := false; !done; {
		if done, err = p.wait(ctx); err != nil {
			return nil, err
		}
	}
	width := len(ResultColumns(sql))
	var out []model.LedgerRow
	for done := false; !done; {
		var rows []row
		if rows, done, err = p.rows(ctx); err != nil {
			return nil, err
		}
		for _, r := range rows {
			if len(r) != width {
				return nil, fmt.Errorf("the Athena query %s: a row has %d columns, the query selects %d", p.id, len(r), width)
			}
			lr, err := ledgerRowFrom(r)
			if err != nil {
				return nil, fmt.Errorf("the Athena query %s: %w", p.id, err)
			}
			out = append(out, lr)
		}
	}
	SortLedger(out)
	return out, nil
}

// ledgerRowFrom reads one row of the ledger's query (ledgerColumns, every
// one of them).
func ledgerRowFrom(r row) (model.LedgerRow, error) {
	col := func(i int) string {
		if r[i] == nil {
			return ""
		}
		return *r[i]
	}
	number := func(i int) (int64, error) {
		if col(i) == "" {
			return 0, nil
		}
		n, err := strconv.ParseInt(col(i), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%s is not a number: %q", ledgerColumns[i], model.Printable(col(i)))
		}
		return n, nil
	}
	alive, err := number(12)
	if err != nil {
		return model.LedgerRow{}, err
	}
	ms, err := number(14)
	if err != nil {
		return model.LedgerRow{}, err
	}
	events, err := number(15)
	if err != nil {
		return model.LedgerRow{}, err
	}
	return model.LedgerRow{
		Account: col(0), Region: col(1), ResourceType: col(2), ResourceID: col(3),
		CreatedTime: eventTime(col(4)), CreatedBy: col(5), CreatedByARN: col(6), CreatedEventID: col(7),
		CreatedByService: col(8), UserAgent: col(9),
		DeletedTime: eventTime(col(10)), DeletedBy: col(11), Alive: alive == 1,
		Size: col(13), RunningHours: (time.Duration(ms) * time.Millisecond).Hours(), Events: int(events),
	}, nil
}

// eventTime reads an eventTime column; the zero time for "" (no such
// call) or text that is no time.
func eventTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// SortLedger orders rows as the builder's Rows does: alive first, then
// newest created first, then by id (and account, region and type, where
// the builder keeps the order it saw them in).
func SortLedger(rows []model.LedgerRow) {
	slices.SortStableFunc(rows, func(a, b model.LedgerRow) int {
		if a.Alive != b.Alive {
			if a.Alive {
				return -1
			}
			return 1
		}
		return cmp.Or(b.CreatedTime.Compare(a.CreatedTime), cmp.Compare(a.ResourceID, b.ResourceID),
			cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region), cmp.Compare(a.ResourceType, b.ResourceType))
	})
}
