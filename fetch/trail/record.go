package trail

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Originals reads records back from the log files they came from, for
// sources that hold a record only as a query's columns (Athena's "$path"
// and eventid): the JSON pane and headless output show the original. The
// records of the last few files read are kept, because a query's rows
// come from few files, many records each.
type Originals struct {
	cfg aws.Config
	max int

	mu      sync.Mutex
	buckets map[string]Store             // one client per bucket, which learns its region once
	files   map[string]map[string]string // path -> event id -> record
	order   []string                     // paths, oldest read first
	reading map[string]*fileRead         // reads in flight, which later askers wait for
}

// fileRead is one log file being read for every caller that wants it:
// moving through a list of rows from one file reads it once.
type fileRead struct {
	done    chan struct{}
	records map[string]string
	err     error
}

// NewOriginals reads S3 paths with cfg and keeps up to files files.
func NewOriginals(cfg aws.Config, files int) *Originals {
	return &Originals{cfg: cfg, max: max(files, 1), files: map[string]map[string]string{}, buckets: map[string]Store{}, reading: map[string]*fileRead{}}
}

// Record is the record with eventID in the log file at path (s3://bucket/key
// or a local file), exactly as the file holds it, read through the same
// reader as every other file.
func (o *Originals) Record(ctx context.Context, path, eventID string) (string, error) {
	records, err := o.records(ctx, path)
	if err != nil {
		return "", err
	}
	if raw, ok := records[eventID]; ok {
		return raw, nil
	}
	return "", fmt.Errorf("%s holds no record with eventID %s", path, eventID)
}

// prefetchWorkers is how many files Prefetch reads at once; maxPrefetch
// bounds the files it keeps (a log file is kilobytes to a few megabytes).
const (
	prefetchWorkers = 16
	maxPrefetch     = 256
)

// Prefetch reads the files at paths that are not cached yet, several at
// once, and keeps at least all of them: a headless run restores a batch
// of rows whose files interleave (every account × region delivers its
// own), which one by one, through a small cache, would read files over
// and over. Errors are left for Record to report.
func (o *Originals) Prefetch(ctx context.Context, paths []string) {
	seen := map[string]bool{}
	var want []string
	for _, p := range paths {
		if !seen[p] {
			seen[p] = true
			want = append(want, p)
		}
	}
	want = want[:min(len(want), maxPrefetch)]
	o.mu.Lock()
	o.max = max(o.max, len(want))
	o.mu.Unlock()
	work := make(chan string)
	var wg sync.WaitGroup
	for range min(prefetchWorkers, len(want)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				_, _ = o.records(ctx, p)
			}
		}()
	}
	for _, p := range want {
		work <- p
	}
	close(work)
	wg.Wait()
}

// records is every record of the file at path by event id: from the
// cache, from a read in flight, or read now.
func (o *Originals) records(ctx context.Context, path string) (map[string]string, error) {
	o.mu.Lock()
	if records, ok := o.files[path]; ok {
		o.mu.Unlock()
		return records, nil
	}
	if r, ok := o.reading[path]; ok {
		o.mu.Unlock()
		select {
		case <-r.done:
			return r.records, r.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	r := &fileRead{done: make(chan struct{})}
	o.reading[path] = r
	o.mu.Unlock()

	r.records, r.err = o.read(ctx, path)
	o.mu.Lock()
	delete(o.reading, path)
	if r.err == nil {
		o.files[path] = r.records
		o.order = append(o.order, path)
		if len(o.order) > o.max {
			delete(o.files, o.order[0])
			o.order = o.order[1:]
		}
	}
	o.mu.Unlock()
	close(r.done)
	return r.records, r.err
}

func (o *Originals) read(ctx context.Context, path string) (map[string]string, error) {
	var st Store
	key := path
	if rest, ok := strings.CutPrefix(path, "s3://"); ok {
		bucket, k, _ := strings.Cut(rest, "/")
		if bucket == "" || k == "" {
			return nil, fmt.Errorf("%s is not an s3://bucket/key path", path)
		}
		o.mu.Lock()
		st = o.buckets[bucket]
		if st == nil {
			st = newS3Store(o.cfg, bucket, "")
			o.buckets[bucket] = st
		}
		o.mu.Unlock()
		key = k
	} else {
		local, err := newLocalStore(filepath.Dir(path))
		if err != nil {
			return nil, err
		}
		st, key = local, filepath.Base(path)
	}
	events, err := readFile(ctx, st, key, path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	records := make(map[string]string, len(events))
	for i := range events {
		records[events[i].ID] = events[i].Raw
	}
	return records, nil
}
