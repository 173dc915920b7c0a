package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"lazytrail/model"
)

// runLedger is --view resources: the resource ledger over the events the
// source delivers for the filter, priced, printed in the --print format.
// The rows are complete only when every event was read, so nothing is
// printed before the stream ends; the exit code says, as for events,
// whether every partition answered.
func runLedger(ctx context.Context, o *options, src model.Source, pricer model.Pricer, stdout, stderr io.Writer) int {
	filter := ledgerFilter(o.filterText())
	rows, code := ledgerRows(ctx, src, filter, stderr)
	if code == exitFailed {
		return code
	}
	if ctx.Err() != nil {
		fmt.Fprintf(stderr, "lazytrail: interrupted; the resource ledger is incomplete and was not printed\n")
		return exitPartial
	}
	priceLedger(ctx, rows, pricer, stderr)
	if o.limit > 0 && len(rows) > o.limit {
		rows = rows[:o.limit]
	}
	sink := &byteCounter{w: stdout}
	out := bufio.NewWriterSize(sink, 64<<10)
	w, err := model.NewLedgerWriter(o.print, out)
	if err != nil { // flags.go accepted only the formats both print
		fmt.Fprintf(stderr, "lazytrail: %v\n", err)
		return exitUsage
	}
	for i := range rows {
		w.Row(&rows[i])
	}
	err = w.End()
	if err == nil {
		err = out.Flush()
	}
	if err != nil {
		// Rows are not counted as they reach the output: the count of
		// whole ones is not known, only that the ledger is cut short.
		return writeFailed(err, 0, len(rows), stderr)
	}
	return code
}

// ledgerFilter is the user's filter narrowed to the calls some rule
// names: the ledger reads nothing else, so a source that can skip
// records undecoded (trail files) or compile the filter (Athena) does.
func ledgerFilter(user string) model.Filter {
	return model.ParseFilter(strings.TrimSpace(user + " event=" + strings.Join(ledgerEventNames(), ",")))
}

// ledgerEventNames are the event names of every rule, sorted, once each.
func ledgerEventNames() []string {
	var names []string
	for _, r := range model.LedgerRules {
		for _, calls := range [][]model.LedgerCall{r.Create, r.Delete, r.Start, r.Stop, r.Modify} {
			for _, c := range calls {
				names = append(names, c.Event)
			}
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// ledgerRows pairs what the source delivers: by the source itself when it
// can (Athena's SQL), else by the builder over the stream's events. The
// code is the one runPrint would give for the same partitions.
func ledgerRows(ctx context.Context, src model.Source, filter model.Filter, stderr io.Writer) ([]model.LedgerRow, int) {
	plan, caps := src.Plan(filter), src.Capabilities()
	if caps.Plans && plan.Key == "" {
		// Every call the ledger reads changes something: LookupEvents
		// serves ReadOnly=false itself, a twenty-eighth of the demo's events,
		// where the event names (alternatives) cannot be pushed down.
		plan = src.Plan(model.ParseFilter(filter.String() + " ro:false"))
	}
	req := model.Request{Plan: plan.Key, Keep: filter, Budget: printBudget}
	if ls, ok := src.(model.LedgerSource); ok {
		rows, err := ls.Ledger(ctx, req)
		switch {
		case err == nil:
			return rows, exitOK
		case ctx.Err() != nil:
			return nil, exitPartial // interrupted: runLedger says so
		case !errors.Is(err, model.ErrNoLedger):
			fmt.Fprintf(stderr, "lazytrail: the resource ledger: %s\n", model.Printable(err.Error()))
			return nil, exitFailed
		}
		// A term the source cannot decide: the builder over its events.
	}
	stream, q := src.Open(ctx, req)
	defer stream.Close()
	stream.Want(filter.Match, math.MaxInt)
	ledger := model.NewLedger()
	progress := newProgressLine(stderr)
	var last []model.RegionProgress
	read, named := 0, 0
	for {
		batch, ok := stream.Next(ctx)
		if !ok {
			break
		}
		last = batch.Progress
		named += nameSkips(batch.Skipped, progress, stderr)
		for i := range batch.Events {
			if e := &batch.Events[i]; filter.Match(e) {
				ledger.Add(e)
				read++
			}
		}
		progress.show(read, "events read", batch.Progress)
		// The ledger keeps copies of what it needs (Ledger.Add), so the
		// stream may reuse the batch, as for --print.
		if recycler, ok := stream.(eventRecycler); ok {
			recycler.Recycle(batch.Events)
		}
	}
	progress.clear()
	if ctx.Err() != nil {
		return nil, exitPartial
	}
	return ledger.Rows(q.Start, q.End), reportRegions(last, read, "events read", named, stderr)
}

// priceLedger sets the rows' estimates: the unit price of each key the
// rows need, asked of the pricer once; a nil pricer (--no-prices) leaves
// every estimate out and each row says why.
func priceLedger(ctx context.Context, rows []model.LedgerRow, pricer model.Pricer, stderr io.Writer) {
	if pricer == nil {
		model.ApplyPrices(rows, nil, []model.PriceMiss{{Reason: "not asked for (--no-prices)"}})
		return
	}
	seen := map[model.PriceKey]bool{}
	var keys []model.PriceKey
	for i := range rows {
		if k, ok := model.LedgerPriceKey(&rows[i]); ok && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		model.ApplyPrices(rows, nil, nil)
		return
	}
	prices, misses := pricer.Prices(ctx, keys)
	model.ApplyPrices(rows, prices, misses)
	if len(misses) > 0 {
		fmt.Fprintf(stderr, "lazytrail: %s\n", missesLine(misses, len(keys)))
	}
}

// missesLine says how many prices were not found, naming the first: a
// failure of pricing as a whole is one miss with no key.
func missesLine(misses []model.PriceMiss, asked int) string {
	m := misses[0]
	if m.Key == (model.PriceKey{}) {
		return "no prices (" + model.Printable(m.Reason) + "): no row has an estimate, and each costNote says why"
	}
	what := string(m.Key.Kind)
	if m.Key.Size != "" {
		what = m.Key.Size
	}
	return fmt.Sprintf("%d of %d prices not found (first: %s in %s: %s): those rows have no estimate, and their costNote says why", len(misses), asked,
		model.Printable(what), model.Printable(m.Key.Region), model.Printable(m.Reason))
}
