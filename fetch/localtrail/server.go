package localtrail

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"lazytrail/model"
)

// Options configures a Server. The zero value is AWS's behaviour.
type Options struct {
	// Quota is the request rate allowed per region, per second. 0 means
	// AWS's 2; a negative value means unlimited.
	Quota float64
	// Burst is the size of each region's token bucket; 0 means
	// max(1, int(Quota)).
	Burst int
	// Latency is added before every answer; SetLatency overrides it per region.
	Latency time.Duration
	// Now is the clock for the default time range (now-90d .. now, widened
	// to every record of a NewRecordsDataset); nil
	// means time.Now.
	Now func() time.Time
}

// Stats counts what one region's requests met.
type Stats struct {
	Requests   int // every request signed for this region
	Served     int // pages answered with 200
	Events     int // events on those pages
	Throttled  int // ThrottlingException, from the quota or ThrottleEvery
	Faulted    int // answered (or hung) by a fault knob: denied, 500, hang, expired token
	Rejected   int // invalid requests answered with an Invalid*Exception or similar
	Hung       int // requests that hung (also counted in Faulted)
	Malformed  int // events served with a broken CloudTrailEvent
	Duplicated int // events repeated from the previous page
}

// Server is the endpoint: an http.Handler serving LookupEvents for every
// region at once, the region taken from each request's SigV4 scope, and
// the Price List's GetProducts (pricelist.go) for the ledger's estimates.
type Server struct {
	data     *Dataset      // set before ready is closed; read only after
	ready    chan struct{} // closed once data is there
	opts     Options
	tokenKey [32]byte
	requests atomic.Uint64 // for request ids

	pricingDenied   atomic.Bool  // GetProducts answers AccessDeniedException
	pricingRequests atomic.Int64 // GetProducts requests seen

	mu      sync.Mutex
	regions map[string]*regionState
	madeUp  int // regions in regions that are neither real nor the dataset's

	closing   chan struct{}
	closeOnce sync.Once
	inflight  sync.WaitGroup
	listeners []*http.Server
	timeouts  timeouts // of the servers Listen starts
}

// timeouts bound how long a connection may hold the server's resources:
// a client that trickles its headers or body, never reads its answer, or
// keeps an idle connection open is dropped.
type timeouts struct {
	readHeader time.Duration // from the connection's first byte to the end of the headers
	read       time.Duration // the whole request, body included
	write      time.Duration // from the end of the headers to the end of the answer
	idle       time.Duration // between requests on a kept-alive connection
}

// defaultTimeouts are generous for any real client: a LookupEvents request
// is a few hundred bytes and its answer at most 50 events. write leaves room
// for --latency and for a fault's hang, which lasts until the client gives up.
var defaultTimeouts = timeouts{readHeader: 10 * time.Second, read: time.Minute, write: 2 * time.Minute, idle: 2 * time.Minute}

// maxHeaderBytes bounds a request's headers (a signed request's are under
// 2 KB); maxBodyBytes its body.
const (
	maxHeaderBytes = 64 << 10
	maxBodyBytes   = 1 << 20
)

type regionState struct {
	limiter *rate.Limiter
	latency *time.Duration // nil: Options.Latency
	fault   Fault
	faultN  uint64 // requests since SetFault
	servedN uint64 // events served since SetFault
	stats   Stats
}

// New returns a Server over d.
func New(d *Dataset, opts Options) *Server {
	if d == nil {
		d = NewDataset(nil)
	}
	s := newServer(opts)
	s.data = d
	close(s.ready)
	return s
}

// NewDeferred returns a Server that listens at once and builds its dataset
// in the background; requests wait until it is there. --demo uses it so
// that building the demo account overlaps the terminal's start-up.
func NewDeferred(build func() *Dataset, opts Options) *Server {
	s := newServer(opts)
	go func() {
		if s.data = build(); s.data == nil {
			s.data = NewDataset(nil)
		}
		close(s.ready)
	}()
	return s
}

func newServer(opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{opts: opts, regions: map[string]*regionState{}, closing: make(chan struct{}), ready: make(chan struct{}), timeouts: defaultTimeouts}
	rand.Read(s.tokenKey[:])
	return s
}

func newLimiter(perSecond float64, burst int) *rate.Limiter {
	switch {
	case perSecond == 0:
		perSecond = 2
	case perSecond < 0:
		return rate.NewLimiter(rate.Inf, 1)
	}
	if burst <= 0 {
		burst = max(1, int(perSecond))
	}
	return rate.NewLimiter(rate.Limit(perSecond), burst)
}

// state returns a region's state, creating it on first use; s.mu is held.
func (s *Server) state(region string) *regionState {
	st := s.regions[region]
	if st == nil {
		st = &regionState{limiter: newLimiter(s.opts.Quota, s.opts.Burst)}
		s.regions[region] = st
	}
	return st
}

// SetLatency sets the delay before every answer in one region.
func (s *Server) SetLatency(region string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state(region).latency = &d
}

// SetQuota sets one region's request rate and bucket size, with the same
// meaning as Options.Quota and Options.Burst.
func (s *Server) SetQuota(region string, perSecond float64, burst int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state(region).limiter = newLimiter(perSecond, burst)
}

// SetFault makes a region misbehave (the zero Fault heals it) and restarts
// the fault counters, so the pattern is reproducible from this call on.
func (s *Server) SetFault(region string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.state(region)
	st.fault, st.faultN, st.servedN = f, 0, 0
}

// Stats returns a region's counters.
func (s *Server) Stats(region string) Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st := s.regions[region]; st != nil {
		return st.stats
	}
	return Stats{}
}

// Listen serves s in the background on addr ("127.0.0.1:0" picks a free
// port) and returns the endpoint URL, e.g. http://127.0.0.1:4599.
func (s *Server) Listen(addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("listen on %s: %w", addr, err)
	}
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: s.timeouts.readHeader,
		ReadTimeout:       s.timeouts.read,
		WriteTimeout:      s.timeouts.write,
		IdleTimeout:       s.timeouts.idle,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          log.New(printableWriter{os.Stderr}, "localtrail: ", log.LstdFlags),
	}
	s.mu.Lock()
	s.listeners = append(s.listeners, hs)
	s.mu.Unlock()
	go hs.Serve(ln)
	return "http://" + ln.Addr().String(), nil
}

// Shutdown stops serving: hung and delayed requests end at once (their
// connections are dropped), listeners close, and it returns when every
// request has finished or ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	s.closeOnce.Do(func() { close(s.closing) })
	s.mu.Lock()
	listeners := s.listeners
	s.mu.Unlock()
	var errs []error
	for _, hs := range listeners {
		if err := hs.Shutdown(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	done := make(chan struct{})
	go func() { s.inflight.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		errs = append(errs, ctx.Err())
	}
	return errors.Join(errs...)
}

// printableWriter writes each line of net/http's error log (which can quote
// what a client sent) with its control characters escaped.
type printableWriter struct{ w io.Writer }

func (p printableWriter) Write(b []byte) (int, error) {
	var out strings.Builder
	for line := range strings.Lines(string(b)) {
		out.WriteString(model.Printable(strings.TrimRight(line, "\r\n")))
		out.WriteByte('\n')
	}
	if _, err := io.WriteString(p.w, out.String()); err != nil {
		return 0, err
	}
	return len(b), nil
}
