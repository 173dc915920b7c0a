package trail

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"lazytrail/fetch"
	"lazytrail/model"
)

// Settings is what the command line says for --records.
type Settings struct {
	Roots   []string         // folders, files, - (stdin), s3://bucket[/prefix]
	Options Options          // Since and Until: --since and --until when given (zero: everything the files hold)
	Regions []string         // --region: keep only these partitions (none: all)
	Profile string           // the profile S3 is read with ("" = the default chain)
	Now     func() time.Time // the clock of a range's "now"; nil: time.Now
}

// Source reads trail log files directly: local folders, files, stdin and
// S3 buckets, each account × region a partition of the stream, read at
// disk and network speed with no pacing. It implements model.Source.
type Source struct {
	settings Settings
	label    string

	// first holds the partitions discovered at start, so the first stream
	// does not list again; later opens (r in the TUI) discover afresh.
	first   []fetch.Partition
	firstSh *shared // what first's pagers share
	skips   []fetch.Skip
}

var _ model.Source = (*Source)(nil)

// pageSize is the events of a typical CloudTrail log file, which sizes
// the merge's buffers for file partitions.
const pageSize = 1000

// NewSource discovers the partitions under the roots (loading the AWS
// config first when a root is in S3), so that a root with nothing to read
// fails at start with one line that says so.
func NewSource(ctx context.Context, s Settings) (*Source, error) {
	src := &Source{settings: s, label: "records"}
	if slices.ContainsFunc(s.Roots, func(r string) bool { return strings.HasPrefix(r, "s3://") }) {
		cctx, cancel := context.WithTimeout(ctx, fetch.CredentialCheckTimeout)
		cfg, err := fetch.LoadConfig(cctx, s.Profile)
		cancel()
		if err != nil {
			return nil, err
		}
		src.settings.Options.AWS = cfg
		src.label = "s3"
	}
	parts, skips, sh, err := open(ctx, s.Roots, src.settings.Options)
	if err != nil {
		return nil, fmt.Errorf("%s", model.Printable(err.Error()))
	}
	src.first, src.firstSh, src.skips = src.keep(parts), sh, skips
	if len(src.first) == 0 && len(skips) == 0 {
		return nil, fmt.Errorf("--records %s: no CloudTrail log files there%s: give a folder of log files, a file, - or s3://bucket", model.Printable(strings.Join(s.Roots, ", ")), src.regionHint())
	}
	return src, nil
}

// keep applies --region to the partitions that are regions (a loose file
// read whole names no region before it is read: it stays).
func (s *Source) keep(parts []fetch.Partition) []fetch.Partition {
	if len(s.settings.Regions) == 0 {
		return parts
	}
	return slices.DeleteFunc(parts, func(p fetch.Partition) bool {
		return p.Account != "" && !slices.Contains(s.settings.Regions, p.Region)
	})
}

func (s *Source) regionHint() string {
	if len(s.settings.Regions) == 0 {
		return ""
	}
	return " in " + strings.Join(s.settings.Regions, ",")
}

// Open starts a stream over the partitions: for the command line's range
// the ones found at start the first time, then a fresh discovery (files
// may have been delivered since); for another range, a fresh discovery
// bounded by it. req.Keep becomes the pagers' prefilter: the records it
// rules out are not decoded.
func (s *Source) Open(ctx context.Context, req model.Request) (model.Stream, model.Query) {
	prefilter := model.NewPrefilter(req.Keep)
	opts := s.settings.Options
	if !req.Range.IsZero() || !req.After.IsZero() {
		opts.Since, opts.Until = fetch.Span{}.Resolve(req, s.now())
	}
	q := model.Query{Start: opts.Since, End: opts.Until}
	if !q.Start.IsZero() && q.End.IsZero() {
		q.End = s.now()
	}
	if req.Range.IsZero() && req.After.IsZero() && s.first != nil {
		// The partitions found at start: the first stream does not list again.
		parts, skips := s.first, s.skips
		s.firstSh.prefilter = prefilter // before any pager reads
		s.first, s.firstSh, s.skips = nil, nil, nil
		return s.stream(ctx, parts, skips, req.Budget), q
	}
	// Later queries (r, T, follow) discover afresh, since files may have
	// been delivered; listing is I/O, so it waits for the stream's first
	// Next, off the TUI's Update.
	return fetch.Deferred(func() model.Stream {
		parts, skips, sh, err := open(ctx, s.settings.Roots, opts)
		if err != nil {
			parts = []fetch.Partition{fetch.FailedPartition("files", "discovery", err)}
		} else {
			sh.prefilter = prefilter
		}
		return s.stream(ctx, s.keep(parts), skips, req.Budget)
	}), q
}

// stream merges the partitions, with the files that were not log files
// named in a partition of their own, within the request's memory budget.
func (s *Source) stream(ctx context.Context, parts []fetch.Partition, skips []fetch.Skip, budget int64) model.Stream {
	if len(skips) > 0 {
		parts = append(parts, fetch.SkippedPartition("files", "(not log files)", skips))
	}
	return fetch.OpenPartitionsWithin(ctx, parts, pageSize, budget)
}

func (s *Source) now() time.Time {
	if s.settings.Now != nil {
		return s.settings.Now().UTC()
	}
	return time.Now().UTC()
}

// Plan: nothing is pushed down; every file in the range is read.
func (s *Source) Plan(model.Filter) model.Plan { return model.Plan{} }

// Capabilities: any range (the files' names bound what is read), and
// follow mode (files delivered since are read on the next query).
func (s *Source) Capabilities() model.Capabilities {
	return model.Capabilities{Ranges: true, Follow: true}
}

// Label is "records" for files, "s3" when a root is in S3.
func (s *Source) Label() (account, notice string) { return s.label, "" }

// Close releases nothing: each stream closes its own pagers.
func (s *Source) Close() {}
