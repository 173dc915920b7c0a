package main

import (
	"context"
	"time"

	"lazytrail/model"
	"lazytrail/tui"
)

// tuiConfig builds today's tui.Config from the source: every kind of
// query the TUI opens, the planner, and reading originals back. It is the
// bridge until tui.Config takes the model.Source itself; then this file
// goes and main writes tui.Config{Source: src, Filter: …}.
func tuiConfig(ctx context.Context, src model.Source, filterText string) tui.Config {
	account, notice := src.Label()
	caps := src.Capabilities()
	open := func(req model.Request) (tui.Source, tui.Query) {
		s, q := src.Open(ctx, req)
		return s, tui.Query{Start: q.Start, End: q.End, Regions: q.Partitions, Lookup: q.Lookup}
	}
	// What the command line's filter pushes down: the first query's plan.
	first := src.Plan(model.ParseFilter(filterText)).Key
	cfg := tui.Config{
		Account:      account,
		Notice:       notice,
		Filter:       filterText,
		HistoryLimit: caps.HistoryLimit,
		Open:         func() (tui.Source, tui.Query) { return open(model.Request{Plan: first}) },
	}
	if caps.Ranges {
		cfg.OpenRange = func(r tui.Range) (tui.Source, tui.Query) {
			return open(model.Request{Range: model.Range(r), Plan: first})
		}
	}
	if caps.Follow {
		cfg.OpenAfter = func(after time.Time) (tui.Source, tui.Query) {
			return open(model.Request{After: after, Plan: first})
		}
	}
	if caps.Plans {
		cfg.OpenLookup = func(r tui.Range, plan string) (tui.Source, tui.Query) {
			return open(model.Request{Range: model.Range(r), Plan: plan})
		}
		cfg.Pushed = first
	}
	if caps.WholeFilter {
		cfg.PlanKey = func(f model.Filter) string { return src.Plan(f).Key }
	}
	if o, ok := src.(model.Originals); ok {
		cfg.Original = o.Original
	}
	return cfg
}
