package athena

import (
	"context"
	"strings"
	"time"

	"lazytrail/fetch"
	"lazytrail/model"
)

// pageSize is GetQueryResults' page, which sizes the merge's buffer.
const pageSize = pageRows

// Open starts the query of req.Plan (the whole filter, as Plan keyed it)
// over the range req asks for.
func (s *Source) Open(ctx context.Context, req model.Request) (model.Stream, model.Query) {
	start, end := s.resolve(req)
	q := model.Query{Start: start, End: end, Lookup: "SQL: every term (R)"}
	parts, err := s.Partitions(model.ParseFilter(req.Plan), start, end)
	if err != nil {
		parts = []fetch.Partition{fetch.FailedPartition("athena", "query", err)}
	}
	return fetch.OpenPartitions(ctx, parts, pageSize), q
}

// resolve is the range req asks for, now.
func (s *Source) resolve(req model.Request) (start, end time.Time) {
	now := time.Now().UTC()
	if s.opts.Now != nil {
		now = s.opts.Now().UTC()
	}
	return s.opts.Span.Resolve(req, now)
}

// Plan is the whole filter: every term is compiled to SQL, so a settled
// filter other than in spacing is a new query, and the query loads
// exactly what the filter matches.
func (s *Source) Plan(f model.Filter) model.Plan {
	key := strings.Join(strings.Fields(f.String()), " ")
	return model.Plan{Key: key, Loads: model.ParseFilter(key)}
}

// Capabilities: any range; the whole filter is the plan, and a filter
// that narrows an answered query pages it on rather than paying for a new
// scan. No follow mode: it would start a query every 15 s.
func (s *Source) Capabilities() model.Capabilities {
	return model.Capabilities{Ranges: true, Plans: true, NarrowsInPlace: true, WholeFilter: true}
}

// Label names the table, and says so when it is not partitioned (every
// query then scans all of it).
func (s *Source) Label() (account, notice string) {
	return "athena " + s.opts.Table, s.table.Unpartitioned()
}

// Close releases nothing: each stream stops its own query.
func (s *Source) Close() {}

// Original reads an Athena row's record from its log file.
func (s *Source) Original(ctx context.Context, e *model.Event) (string, error) {
	return s.originals.Record(ctx, e.Origin, e.ID)
}

// Prefetch reads, several at once, the log files of the rows the filter
// matches, before they are asked for one by one.
func (s *Source) Prefetch(ctx context.Context, events []model.Event, f model.Filter) {
	var paths []string
	for i := range events {
		if events[i].Origin != "" && f.Match(&events[i]) {
			paths = append(paths, events[i].Origin)
		}
	}
	s.originals.Prefetch(ctx, paths)
}
