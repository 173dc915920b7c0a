package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"lazytrail/fetch"
	"lazytrail/fetch/athena"
	"lazytrail/fetch/trail"
	"lazytrail/model"
)

// athenaSource queries the trail's Athena table (--athena): each filter
// settled in the TUI is one query, its SQL every term of the filter.
type athenaSource struct {
	src       *athena.Source
	originals *trail.Originals // the log files rows came from, for the JSON pane and --print
}

// originalFiles is how many log files' records are kept for the JSON
// pane and headless output: a query's rows come from few files.
const originalFiles = 64

func openAthenaBackend(ctx context.Context, o *options) (*backend, error) {
	ctx, cancel := context.WithTimeout(ctx, credentialCheckTimeout)
	defer cancel()
	cfg, err := loadConfig(ctx, o.profile)
	if err != nil {
		return nil, err
	}
	src, err := athena.NewSource(ctx, cfg, athena.Options{Table: o.athena, WorkGroup: o.workgroup, Output: o.athenaOut})
	if err != nil {
		return nil, fmt.Errorf("%s", model.Printable(fetch.Explain(err)))
	}
	b := &backend{
		athena:  &athenaSource{src: src, originals: trail.NewOriginals(cfg, originalFiles)},
		account: "athena " + o.athena,
		note:    src.Table().Unpartitioned(),
		close:   func() {},
	}
	return b, nil
}

// open starts the query of filterText over [start, end].
func (s *athenaSource) open(ctx context.Context, filterText string, start, end time.Time) (*fetch.Stream, model.Query) {
	q := model.Query{Start: start, End: end, Partitions: 1, Lookup: "SQL: every term (R)"}
	parts, err := s.src.Partitions(model.ParseFilter(filterText), start, end)
	if err != nil {
		parts = []fetch.Partition{fetch.FailedPartition("athena", "query", err)}
	}
	return fetch.OpenPartitions(ctx, parts, athenaPageSize), q
}

// reportUnstopped says, one line each, which Athena queries may still be
// running because StopQueryExecution failed or did not answer, and how
// to stop them.
func (b *backend) reportUnstopped(stderr io.Writer) {
	if b.athena == nil {
		return
	}
	for _, line := range b.athena.src.Unstopped() {
		fmt.Fprintf(stderr, "lazytrail: %s\n", line) // printable already
	}
}

// athenaPageSize is GetQueryResults' page, which sizes the merge's buffer.
const athenaPageSize = 1000

// planKey is what a filter's query pushes to Athena: all of it, so a new
// settled filter (other than in spacing) is a new query.
func planKey(f model.Filter) string { return strings.Join(strings.Fields(f.String()), " ") }

// original reads an Athena row's record from its log file.
func (s *athenaSource) original(ctx context.Context, e *model.Event) (string, error) {
	return s.originals.Record(ctx, e.Origin, e.ID)
}

// prefetch reads, several at once, the log files of a batch's rows that
// match, before they are printed one by one.
func (s *athenaSource) prefetch(ctx context.Context, events []model.Event, f model.Filter) {
	var paths []string
	for i := range events {
		if events[i].Origin != "" && f.Match(&events[i]) {
			paths = append(paths, events[i].Origin)
		}
	}
	s.originals.Prefetch(ctx, paths)
}
