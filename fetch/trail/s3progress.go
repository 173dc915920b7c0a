package trail

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// DefaultS3Stall is how long an S3 request may wait for its next byte (the
// response's headers, or the next bytes of its body) before it is given up
// and retried: a connection that stalls (a middlebox that dropped it
// without a reset, a server that stopped sending) would otherwise hold a
// read, and the run, forever. S3 sends a listing or an object's next bytes
// in well under a second; 30 s leaves room for a slow link.
const DefaultS3Stall = 30 * time.Second

// stallError is a request that went without a byte for its deadline. It
// is a timeout to the SDK's retryer (a listing or the start of a GET is
// retried like a dropped connection) and to the resuming body (a body is
// continued by a fresh GET).
type stallError struct{ after time.Duration }

func (e *stallError) Error() string {
	return fmt.Sprintf("no data from S3 for %s (the connection stalled)", e.after)
}
func (e *stallError) Timeout() bool   { return true }
func (e *stallError) Temporary() bool { return true }

// progressClient is the S3 client's HTTP client with a deadline on
// progress: while a request waits for its response or for its body's
// next bytes, a timer runs; if it fires, the request's own context is
// cancelled and the wait ends with a stallError. Time the caller spends
// between reads (decoding what it has) does not count.
type progressClient struct {
	inner aws.HTTPClient
	stall time.Duration
}

func (c *progressClient) Do(req *http.Request) (*http.Response, error) {
	parent := req.Context()
	ctx, cancel := context.WithCancel(parent)
	w := &watchdog{cancel: cancel, stall: c.stall}
	w.timer = time.AfterFunc(c.stall, w.fire)
	resp, err := c.inner.Do(req.WithContext(ctx))
	stalled := w.disarm()
	if err != nil {
		cancel()
		if stalled && parent.Err() == nil {
			return nil, &stallError{c.stall}
		}
		return nil, err
	}
	resp.Body = &watchedBody{rc: resp.Body, w: w, parent: parent}
	return resp, nil
}

// watchdog cancels one request when its timer fires.
type watchdog struct {
	timer  *time.Timer
	fired  atomic.Bool
	cancel context.CancelFunc
	stall  time.Duration
}

func (w *watchdog) fire() {
	w.fired.Store(true)
	w.cancel()
}

// arm starts the wait for the next byte.
func (w *watchdog) arm() { w.timer.Reset(w.stall) }

// disarm ends the wait and reports whether the deadline passed.
func (w *watchdog) disarm() bool {
	w.timer.Stop()
	return w.fired.Load()
}

// watchedBody is a response body read under the watchdog.
type watchedBody struct {
	rc     io.ReadCloser
	w      *watchdog
	parent context.Context
}

func (b *watchedBody) Read(p []byte) (int, error) {
	if b.w.fired.Load() {
		return 0, &stallError{b.w.stall}
	}
	b.w.arm()
	n, err := b.rc.Read(p)
	if b.w.disarm() && err != nil && err != io.EOF && b.parent.Err() == nil {
		err = &stallError{b.w.stall}
	}
	return n, err
}

func (b *watchedBody) Close() error {
	b.w.timer.Stop()
	err := b.rc.Close()
	b.w.cancel()
	return err
}
