package model

import (
	"context"
	"errors"
)

// LedgerSource is a Source that computes the resource ledger itself, where
// the events are (Athena: one SQL query over the table), rather than
// delivering every event for the builder to pair. It is optional, found by
// type assertion; its rows are the builder's (Ledger.Rows over the same
// events and range), without prices: ApplyPrices fills those in as for the
// builder's rows.
type LedgerSource interface {
	// Ledger pairs the events r asks for (its Range, zero for the command
	// line's; its Plan, the filter as Plan keyed it) into the ledger's
	// rows, alive first, then newest created first. It blocks on I/O. An
	// error wrapping ErrNoLedger means the source cannot answer r exactly:
	// build the ledger from the stream's events instead.
	Ledger(ctx context.Context, r Request) ([]LedgerRow, error)
}

// ErrNoLedger is what a LedgerSource answers for a request it cannot
// compute exactly (a filter term its query language cannot decide).
var ErrNoLedger = errors.New("the source cannot compute the ledger for this request")
