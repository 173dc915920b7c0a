package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"lazytrail/fetch"
	"lazytrail/fetch/trail"
	"lazytrail/model"
)

// recordsSource reads trail log files directly (--records): local folders,
// files, stdin and S3 buckets, each account × region a partition of the
// stream, read at disk and network speed with no pacing.
type recordsSource struct {
	roots   []string
	opts    trail.Options
	regions []string // --region: keep only these partitions ("" = all)

	// first holds the partitions discovered at start, so the first stream
	// does not list again; later opens (r in the TUI) discover afresh.
	first []fetch.Partition
	skips []fetch.Skip
}

// filePageSize is the events of a typical CloudTrail log file, which sizes
// the merge's buffers for file partitions.
const filePageSize = 1000

func openRecordsBackend(ctx context.Context, o *options) (*backend, error) {
	r := &recordsSource{roots: o.records}
	if o.sinceSet {
		r.opts.Since = o.start
	}
	if o.untilSet {
		r.opts.Until = o.end
	}
	if o.region != "all" && o.region != "" {
		r.regions = splitRegions(o.region)
	}
	account := "records"
	if anyS3(o.records) {
		cctx, cancel := context.WithTimeout(ctx, credentialCheckTimeout)
		cfg, err := loadConfig(cctx, o.profile)
		cancel()
		if err != nil {
			return nil, err
		}
		r.opts.AWS = cfg
		account = "s3"
	}
	parts, skips, err := trail.Open(ctx, r.roots, r.opts)
	if err != nil {
		return nil, fmt.Errorf("%s", model.Printable(err.Error()))
	}
	r.first, r.skips = r.keep(parts), skips
	if len(r.first) == 0 && len(skips) == 0 {
		return nil, fmt.Errorf("--records %s: no CloudTrail log files there%s: give a folder of log files, a file, - or s3://bucket", model.Printable(strings.Join(o.records, ", ")), r.regionHint())
	}
	return &backend{records: r, account: account, close: func() {}}, nil
}

// keep applies --region to the partitions that are regions (a loose file
// read whole names no region before it is read: it stays).
func (r *recordsSource) keep(parts []fetch.Partition) []fetch.Partition {
	if len(r.regions) == 0 {
		return parts
	}
	return slices.DeleteFunc(parts, func(p fetch.Partition) bool {
		return p.Account != "" && !slices.Contains(r.regions, p.Region)
	})
}

func (r *recordsSource) regionHint() string {
	if len(r.regions) == 0 {
		return ""
	}
	return " in " + strings.Join(r.regions, ",")
}

// open starts a stream over the partitions: the ones found at start the
// first time, then a fresh discovery (files may have been delivered since).
func (r *recordsSource) open(ctx context.Context) (*fetch.Stream, model.Query) {
	parts, skips := r.first, r.skips
	r.first, r.skips = nil, nil
	if parts == nil {
		var err error
		parts, skips, err = trail.Open(ctx, r.roots, r.opts)
		if err != nil {
			parts = []fetch.Partition{fetch.FailedPartition("files", "discovery", err)}
		}
		parts = r.keep(parts)
	}
	if len(skips) > 0 {
		parts = append(parts, fetch.SkippedPartition("files", "(not log files)", skips))
	}
	q := model.Query{Start: r.opts.Since, End: r.opts.Until, Partitions: len(parts)}
	if !q.Start.IsZero() && q.End.IsZero() {
		q.End = time.Now().UTC()
	}
	return fetch.OpenPartitions(ctx, parts, filePageSize), q
}
