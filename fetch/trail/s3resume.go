package trail

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// s3MaxAttempts is how many times one S3 request is tried (the SDK's
// default is 3): with S3 answering 503 SlowDown to 30 % of requests, 3
// attempts lose about 3 requests in 100, 10 fewer than 1 in 100,000, and
// the exponential backoff (up to 20 s) slows the run as S3 asks.
const s3MaxAttempts = 10

// s3MaxResumes is how many times in a row a body may fail without a byte
// read in between before the object is skipped: a body that keeps making
// progress is always continued (it ends, its size being finite).
const s3MaxResumes = 8

// newS3Retryer is the SDK's standard retryer with more attempts and
// without its client-side retry budget, which a throttling storm drains
// in seconds and then fails the requests that a backoff would have saved
// (as for LookupEvents and Athena).
func newS3Retryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = s3MaxAttempts
		o.RateLimiter = ratelimit.None
	})
}

// s3Body is a GetObject body that resumes: when a read fails midway (the
// connection reset, the body shorter than its Content-Length, no byte for
// the store's stall deadline), it GETs the object again after a backoff,
// from the offset reached (a ranged GET with If-Match on the first
// answer's ETag, so that the two halves are of the same object), and goes
// on reading; its reader never sees the failure. Errors that a new GET
// cannot mend (the object deleted or changed, access denied) and
// s3MaxResumes failures in a row without progress end the read with an
// error naming the object.
type s3Body struct {
	ctx   context.Context
	store *s3Store
	key   string
	etag  string
	size  int64 // the object's size; -1 when the first answer did not say

	// mu guards rc: Close may come from another goroutine, to unblock a
	// Read in progress (and ends a backoff or a resumed GET).
	mu     sync.Mutex
	rc     io.ReadCloser // nil after a failure, until the next GET
	closed chan struct{}
	once   sync.Once

	off      int64 // bytes handed to the reader
	failures int   // failed reads since the last byte read
	lastErr  error
	err      error // final
}

func (b *s3Body) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	for {
		b.mu.Lock()
		rc := b.rc
		b.mu.Unlock()
		if rc == nil {
			var err error
			if rc, err = b.resume(); err != nil {
				b.err = err
				return 0, err
			}
		}
		n, err := rc.Read(p)
		b.off += int64(n)
		if n > 0 {
			b.failures = 0
		}
		switch {
		case err == nil:
			return n, nil
		case err == io.EOF && (b.size < 0 || b.off >= b.size):
			return n, io.EOF
		case err == io.EOF:
			err = io.ErrUnexpectedEOF // shorter than S3 said
		}
		if cerr := b.ctx.Err(); cerr != nil {
			b.err = b.pathErr(cerr)
			return n, b.err
		}
		if b.isClosed() {
			b.err = b.pathErr(errBodyClosed)
			return n, b.err
		}
		rc.Close()
		b.mu.Lock()
		b.rc = nil
		b.mu.Unlock()
		b.failures++
		b.lastErr = err
		if n > 0 {
			return n, nil
		}
	}
}

var errBodyClosed = errors.New("closed")

func (b *s3Body) isClosed() bool {
	select {
	case <-b.closed:
		return true
	default:
		return false
	}
}

// resume GETs the rest of the object after a failed read.
func (b *s3Body) resume() (io.ReadCloser, error) {
	if b.failures > s3MaxResumes {
		return nil, b.pathErr(fmt.Errorf("%w (%d times in a row, at byte %d)", b.lastErr, b.failures, b.off))
	}
	// Backoff with jitter: 100 ms, 200 ms, … up to 5 s.
	d := min(100*time.Millisecond<<(b.failures-1), 5*time.Second)
	d = d/2 + rand.N(d/2+1)
	t := time.NewTimer(d)
	select {
	case <-b.ctx.Done():
		t.Stop()
		return nil, b.pathErr(b.ctx.Err())
	case <-b.closed:
		t.Stop()
		return nil, b.pathErr(errBodyClosed)
	case <-t.C:
	}
	in := &s3.GetObjectInput{}
	if b.etag != "" {
		in.IfMatch = aws.String(b.etag)
	}
	ranged := b.size >= 0 && b.off > 0
	if ranged {
		if b.off >= b.size {
			return b.use(io.NopCloser(strings.NewReader(""))) // everything came but the EOF
		}
		in.Range = aws.String(fmt.Sprintf("bytes=%d-", b.off))
	}
	out, err := b.store.get(b.ctx, b.key, in)
	if err != nil {
		return nil, err
	}
	// A server that ignored the range sent the object from its start:
	// skip what was read already, as for an object of unknown size.
	skip := b.off
	if ranged && strings.HasPrefix(aws.ToString(out.ContentRange), fmt.Sprintf("bytes %d-", b.off)) {
		skip = 0
	}
	if skip > 0 {
		if _, err := io.CopyN(io.Discard, out.Body, skip); err != nil {
			out.Body.Close()
			if cerr := b.ctx.Err(); cerr != nil {
				return nil, b.pathErr(cerr)
			}
			b.failures++
			b.lastErr = err
			return b.resume()
		}
	}
	return b.use(out.Body)
}

// use makes rc the body to read, unless Close came meanwhile.
func (b *s3Body) use(rc io.ReadCloser) (io.ReadCloser, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.isClosed() {
		rc.Close()
		return nil, b.pathErr(errBodyClosed)
	}
	b.rc = rc
	return rc, nil
}

// pathErr names the object in a read error, as the store's other errors.
func (b *s3Body) pathErr(err error) error {
	name := b.store.Name(b.key)
	if cerr := b.ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		err = cerr
	}
	return &fs.PathError{Op: "read", Path: s3OneLine(name),
		Err: &S3Error{Name: name, Cause: s3OneLine(err.Error()), err: err}}
}

func (b *s3Body) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.once.Do(func() { close(b.closed) })
	if b.rc == nil {
		return nil
	}
	return b.rc.Close()
}
