package trail

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"lazytrail/fetch"
	"lazytrail/model"
)

// Options are what Open reads trail log files with.
type Options struct {
	// Since and Until bound the events delivered (inclusive); zero is
	// unbounded, the default for files: everything they hold. Folders and
	// files whose names put them outside are not listed or read.
	Since, Until time.Time

	// AWS is the configuration S3 clients are made from (credentials,
	// region, endpoint, HTTP client, retryer), used as it is.
	AWS aws.Config

	// Workers bounds the files read and decoded at once, across every
	// partition of the Open; 0 is 2 × GOMAXPROCS for local roots, and at
	// least 16 when there is an S3 root (its reads wait on the network).
	Workers int

	// S3Stall is how long an S3 request may go without a byte before it
	// is given up and retried (a GET continues from where it stopped); 0
	// is DefaultS3Stall (30 s).
	S3Stall time.Duration

	// MaxFileBytes, when not 0, is the most one file may hold once
	// decompressed: the rest of a larger file is skipped and named. Files
	// are decoded as they are read, so memory does not depend on their
	// size; the default is no limit.
	MaxFileBytes int64

	wrap func(Store) Store // tests: wraps every store (to count its calls)
}

// S3Workers is the default number of reads in flight when a root is in S3:
// a GET mostly waits on the network, so many overlap on few cores (the
// decoding after it is bounded by the cores separately).
const S3Workers = 48

// Open discovers the partitions of trail log files under roots: local
// folders (the S3 layout copied to disk, flat folders of log files, single
// files in any shape decodeStream takes), "-" for standard input, and
// s3://bucket[/prefix]. Under AWSLogs/ (organisation folders o-…/
// included) every account × region folder is one partition, listed day by
// day, newest first, only when its pages are wanted; log files found
// elsewhere are grouped by the account and region in their names; any
// other records file is a partition of its own, read whole.
//
// A root that cannot be read at all (it does not exist, the first S3
// listing is denied) is an error naming it, with a hint; what discovery
// left out below the roots (stray keys, unreadable folders, FIFOs in a
// folder) is returned as skips. Each partition's Pager is a StatsPager;
// close every one. Open's ctx bounds discovery only: the pagers' reads
// end when they are closed (and each Next honours its own ctx).
//
// The same event delivered in two files (CloudTrail may deliver a file
// twice) is delivered twice: de-duplication by event id is the consumer's.
func Open(ctx context.Context, roots []string, opts Options) ([]fetch.Partition, []fetch.Skip, error) {
	parts, skips, _, err := open(ctx, roots, opts)
	return parts, skips, err
}

// open is Open, also returning what its pagers share (for Source.Open to
// hand them the consumer's filter before they read).
func open(ctx context.Context, roots []string, opts Options) ([]fetch.Partition, []fetch.Skip, *shared, error) {
	if len(roots) == 0 {
		return nil, nil, nil, errors.New("records: no roots given (name folders, files, - or s3://bucket/prefix)")
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = 2 * runtime.GOMAXPROCS(0)
		for _, r := range roots {
			if strings.HasPrefix(r, "s3://") {
				workers = max(workers, S3Workers)
			}
		}
	}
	sh := &shared{since: opts.Since, until: opts.Until, limit: opts.MaxFileBytes,
		sem: make(chan struct{}, workers), cpu: &gate{slots: make(chan struct{}, runtime.GOMAXPROCS(0))}, window: workers}

	var parts []fetch.Partition
	var skips []fetch.Skip
	fail := func(err error) ([]fetch.Partition, []fetch.Skip, *shared, error) {
		for _, p := range parts {
			p.Pager.Close()
		}
		return nil, nil, nil, err
	}
	for _, root := range roots {
		specs, st, source, sk, err := discover(ctx, root, opts)
		_, arrival := st.(*stdinStore)
		if err == nil && opts.wrap != nil {
			st = opts.wrap(st)
		}
		if err != nil {
			return fail(err)
		}
		if len(specs) == 0 && len(sk) == 0 {
			return fail(fmt.Errorf("records %s: no CloudTrail log files there (looked for AWSLogs/…/CloudTrail/<region>/ folders and *.json, *.json.gz, *.jsonl files)", model.Printable(root)))
		}
		skips = append(skips, sk...)
		for _, spec := range specs {
			var pg fetch.Pager
			if arrival {
				pg = newArrivalPager(ctx, st, sh) // standard input: as it comes
			} else {
				pg = newPager(ctx, st, sh, spec)
			}
			parts = append(parts, fetch.Partition{Source: source, Account: spec.account, Region: spec.region, Pager: pg})
		}
	}
	// Each partition may keep its share of the reads in flight (at least
	// 4), so that read-ahead memory stays bounded by about twice the
	// workers' files however many partitions there are. No pager has read
	// anything yet.
	sh.window = max(4, min(workers, 2*workers/max(len(parts), 1)))
	return parts, skips, sh, nil
}

// discover finds one root's partitions.
func discover(ctx context.Context, root string, opts Options) ([]*partSpec, Store, string, []fetch.Skip, error) {
	shown := model.Printable(root)
	switch {
	case isStdin(root):
		st := newStdinStore()
		spec := &partSpec{region: "stdin", files: []fileRef{{key: stdinKey, size: -1}}}
		return []*partSpec{spec}, st, "files", nil, nil

	case strings.HasPrefix(root, "s3://"):
		bucket, prefix, _ := strings.Cut(strings.TrimPrefix(root, "s3://"), "/")
		if bucket == "" {
			return nil, nil, "", nil, fmt.Errorf("records %s: no bucket named (write s3://bucket or s3://bucket/prefix)", shown)
		}
		st := newS3StoreStall(opts.AWS, bucket, prefix, opts.S3Stall)
		w := newWalker(ctx, st, false)
		if err := w.root(prefix); err != nil {
			return nil, nil, "", nil, rootErr(ctx, shown, err, "check the bucket name, the prefix, and s3:ListBucket on the bucket")
		}
		return w.specs(), st, "s3", w.skips, nil
	}

	st, err := newLocalStore(root)
	if err != nil {
		return nil, nil, "", nil, rootErr(ctx, shown, err, "")
	}
	w := newWalker(ctx, st, true)
	if st.file != "" {
		// A file named explicitly is read whatever its name or kind (a
		// FIFO, a device): the user asked for it.
		es, err := st.List(ctx, "")
		if err != nil {
			return nil, nil, "", nil, rootErr(ctx, shown, err, "")
		}
		for _, e := range es {
			w.looseFile(e, &strays{w: w}, true)
		}
		return w.specs(), st, "files", w.skips, nil
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		abs = root
	}
	if err := w.root(filepath.ToSlash(abs)); err != nil {
		return nil, nil, "", nil, rootErr(ctx, shown, err, "")
	}
	return w.specs(), st, "files", w.skips, nil
}

// rootErr is the one error for a root that cannot be read, with a hint.
// It wraps the cause, for errors.Is (fs.ErrNotExist, fs.ErrPermission).
func rootErr(ctx context.Context, shown string, err error, hint string) error {
	if ctx.Err() != nil {
		return fmt.Errorf("records %s: %w", shown, ctx.Err())
	}
	var s3e *S3Error
	if errors.As(err, &s3e) {
		if s3e.Hint == "" && hint != "" {
			return &rootError{fmt.Sprintf("records %s: %s (%s)", shown, s3e.Cause, hint), err}
		}
		return &rootError{fmt.Sprintf("records %s: %s", shown, s3e.Error()), err}
	}
	cause := bare(err)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		hint = "no such file or folder; check the path"
	case errors.Is(err, fs.ErrPermission):
		hint = "permission denied; check the path's permissions"
	}
	if hint != "" {
		return &rootError{fmt.Sprintf("records %s: %s (%s)", shown, oneLine(cause), hint), err}
	}
	return &rootError{fmt.Sprintf("records %s: %s", shown, oneLine(cause)), err}
}

type rootError struct {
	msg string
	err error
}

func (e *rootError) Error() string { return e.msg }
func (e *rootError) Unwrap() error { return e.err }
