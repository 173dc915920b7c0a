// Package fetch does lazytrail's I/O with AWS: one pager per region over the
// SDK's CloudTrail client (pinned time range, client-side pacing, retries),
// the watermark merge of every region into one newest-first stream that
// fetches only as far as the consumer's demand, region discovery, and
// one-line explanations of what went wrong.
package fetch

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"golang.org/x/time/rate"

	"lazytrail/fetch/internal/reqbody"
	"lazytrail/model"
)

// History is how far back LookupEvents reaches.
const History = 90 * 24 * time.Hour

// Query is what to page: the regions and a time range pinned for the whole
// query (a NextToken is bound to the parameters it was issued for).
type Query struct {
	Regions    []string   // the regions to page (already resolved)
	Start, End time.Time  // zero End means now at Open; zero Start means End-90d
	Lookup     *Attribute // optional pushdown of one exact attribute
}

// Options configures how the stream talks to CloudTrail.
type Options struct {
	AWS            aws.Config    // credentials etc.; the region is set per client
	EndpointURL    string        // CloudTrail BaseEndpoint override; "" = AWS
	Rate           float64       // client-side pacing, attempts/s per region; 0 = 2 (the AWS quota)
	Burst          int           // 0 = 1
	PageSize       int32         // 0 = 50
	MaxAttempts    int           // SDK attempts per request; 0 = 8
	RequestTimeout time.Duration // per attempt; 0 = 20s
	MaxBackoff     time.Duration // 0 = 5s
	Profile        string        // the AWS profile in use, named in error hints ("" = default)
}

func (o Options) withDefaults() Options {
	if o.Rate <= 0 {
		o.Rate = 2
	}
	if o.Burst <= 0 {
		o.Burst = 1
	}
	if o.PageSize <= 0 || o.PageSize > 50 {
		o.PageSize = 50
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 8
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = 20 * time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 5 * time.Second
	}
	return o
}

// Stats counts what a stream did, for tests, benchmarks and diagnostics.
type Stats struct {
	Requests   int // LookupEvents calls (pages asked for)
	Attempts   int // HTTP attempts, retries included
	Retries    int // attempts the SDK retried
	Throttles  int // throttled attempts
	Failed     int // calls that failed for good (retries exhausted or not retryable); cancellation excluded
	Resumes    int // queries resumed without a token after InvalidNextTokenException
	Pages      int // pages received
	Received   int // events received on those pages
	Duplicates int // events dropped as already received
	Delivered  int // events handed out by Next
}

// Stream is the merged, newest-first stream of every region's events. It
// satisfies tui.Source. All methods are safe for concurrent use.
type Stream struct {
	query  Query
	opts   Options
	ctx    context.Context
	cancel context.CancelFunc
	done   sync.WaitGroup

	transport *http.Transport

	mu      sync.Mutex
	core    *merge
	pagers  []*pager // sorted by region name, the index the core uses
	out     []model.Event
	changed bool          // progress moved since the last Next
	wake    chan struct{} // closed and replaced on every change
	closed  bool
	stats   Stats
}

// pager is one region's paging state. Its fields are guarded by Stream.mu,
// except client, which only its goroutine uses.
type pager struct {
	client   *cloudtrail.Client
	progress model.RegionProgress
	token    *string   // NextToken of the current query; nil for a first page
	end      time.Time // EndTime of the current query: Query.End, or where a resume began
	resumed  bool      // the current query is a resume that has not delivered a new oldest time yet
}

// Open starts paging the query's regions in the background; nothing is
// requested until Want opens a demand. Close releases everything.
func Open(ctx context.Context, opts Options, q Query) *Stream {
	opts = opts.withDefaults()
	if q.End.IsZero() {
		q.End = time.Now().UTC()
	}
	if q.Start.IsZero() {
		q.Start = q.End.Add(-History)
	}
	regions := slices.Clone(q.Regions)
	slices.Sort(regions)
	q.Regions = slices.Compact(regions)

	ctx, cancel := context.WithCancel(ctx)
	s := &Stream{
		query: q, opts: opts, ctx: ctx, cancel: cancel,
		core:    newMerge(len(q.Regions), int(opts.PageSize)),
		wake:    make(chan struct{}),
		changed: true, // the first Next reports every region waiting
	}
	// One transport for every region, owned by the stream so Close can
	// drop its idle connections; the client timeout bounds each attempt.
	s.transport = awshttp.NewBuildableClient().GetTransport()
	s.transport.MaxIdleConnsPerHost = max(s.transport.MaxIdleConnsPerHost, 2*len(q.Regions))
	httpClient := &http.Client{Transport: s.transport, Timeout: opts.RequestTimeout}
	bufferedClient := reqbody.Buffer(httpClient)
	for i, region := range q.Regions {
		p := &pager{end: q.End, progress: model.RegionProgress{Region: region, State: model.RegionWaiting}}
		retryer := newPacedRetryer(rate.NewLimiter(rate.Limit(opts.Rate), opts.Burst), opts.MaxAttempts, opts.MaxBackoff)
		retryer.onAttempt = func(err error, throttled bool) { s.attempted(i, err, throttled) }
		retryer.onRetry = func(err error, throttled bool) { s.retrying(i, err, throttled) }
		p.client = cloudtrail.NewFromConfig(opts.AWS, func(o *cloudtrail.Options) {
			o.Region = region
			if opts.EndpointURL != "" {
				o.BaseEndpoint = aws.String(opts.EndpointURL)
			}
			o.Retryer = retryer
			o.RetryMaxAttempts = 0 // keep the config's AWS_MAX_ATTEMPTS from wrapping (and unpacing) the retryer
			o.HTTPClient = bufferedClient
		})
		s.pagers = append(s.pagers, p)
	}
	s.done.Add(len(s.pagers))
	for i := range s.pagers {
		go s.page(i)
	}
	return s
}

// Want asks for n more events that match (nil matches all) beyond those
// released so far, replacing any earlier demand; n <= 0 stops fetching once
// requests in flight return. It never blocks.
func (s *Stream) Want(match func(*model.Event) bool, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.core.setDemand(match, n)
	s.broadcast()
}

// Next blocks until events are released, progress changes or the stream
// ends, and returns what happened since the last call: the released events
// in global newest-first order and every region's progress. ok is false once
// every region finished and everything was handed out, after Close, or when
// ctx (or the context given to Open) is done.
func (s *Stream) Next(ctx context.Context) (model.Batch, bool) {
	s.mu.Lock()
	for {
		if s.closed {
			s.mu.Unlock()
			return model.Batch{}, false
		}
		if len(s.out) > 0 || s.changed {
			b := model.Batch{Events: s.out, Progress: s.progressLocked()}
			s.stats.Delivered += len(s.out)
			s.out, s.changed = nil, false
			s.mu.Unlock()
			return b, true
		}
		if s.core.drained() {
			s.mu.Unlock()
			return model.Batch{}, false
		}
		wake := s.wake
		s.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return model.Batch{}, false
		case <-s.ctx.Done(): // Open's context ended: the pagers are gone
			return model.Batch{}, false
		}
		s.mu.Lock()
	}
}

// Close cancels every request, including ones hanging or backing off, and
// returns once every goroutine of the stream has ended.
func (s *Stream) Close() {
	s.cancel()
	s.mu.Lock()
	s.closed = true
	s.broadcast()
	s.mu.Unlock()
	s.done.Wait()
	s.transport.CloseIdleConnections()
}

// Progress is a snapshot of every region's progress, ordered by region name.
func (s *Stream) Progress() []model.RegionProgress {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.progressLocked()
}

// Stats is a snapshot of the stream's counters.
func (s *Stream) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// Query is the query as pinned at Open (End and Start filled in, regions
// sorted).
func (s *Stream) Query() Query { return s.query }

func (s *Stream) progressLocked() []model.RegionProgress {
	out := make([]model.RegionProgress, len(s.pagers))
	for i, p := range s.pagers {
		out[i] = p.progress
	}
	return out
}

// broadcast wakes Next and every pager waiting for its turn. Callers hold mu.
func (s *Stream) broadcast() {
	close(s.wake)
	s.wake = make(chan struct{})
}

// page is region i's goroutine: wait for the merge to allow a page, fetch
// it, hand it over, until the region finishes or the stream is closed.
func (s *Stream) page(i int) {
	defer s.done.Done()
	for {
		in, ok := s.awaitTurn(i)
		if !ok {
			return
		}
		out, err := s.pagers[i].client.LookupEvents(s.ctx, in)
		if s.ctx.Err() != nil {
			return
		}
		var page []model.Event
		if err == nil {
			page = make([]model.Event, len(out.Events))
			for k := range out.Events {
				page[k] = model.FromLookup(out.Events[k], s.query.Regions[i])
			}
		}
		if !s.deliver(i, out, page, err) {
			return
		}
	}
}

// awaitTurn blocks until region i may fetch its next page and returns the
// request for it; ok is false when the stream is closed.
func (s *Stream) awaitTurn(i int) (in *cloudtrail.LookupEventsInput, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for !s.core.mayFetch(i) {
		wake := s.wake
		if p := &s.pagers[i].progress; p.State == model.RegionPaging {
			p.State = model.RegionWaiting
			s.changed = true
			s.broadcast()
			wake = s.wake
		}
		s.mu.Unlock()
		select {
		case <-wake:
		case <-s.ctx.Done():
		}
		s.mu.Lock()
		if s.ctx.Err() != nil {
			return nil, false
		}
	}
	p := s.pagers[i]
	if p.progress.State != model.RegionPaging {
		p.progress.State = model.RegionPaging
		s.changed = true
		s.broadcast()
	}
	s.stats.Requests++
	return &cloudtrail.LookupEventsInput{
		StartTime:        aws.Time(s.query.Start),
		EndTime:          aws.Time(p.end),
		LookupAttributes: s.query.Lookup.lookupAttributes(),
		MaxResults:       aws.Int32(s.opts.PageSize),
		NextToken:        p.token,
	}, true
}

// deliver hands region i's page (or failure) to the merge and releases what
// it can. It returns false when the region has finished.
func (s *Stream) deliver(i int, out *cloudtrail.LookupEventsOutput, page []model.Event, err error) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.broadcast()
	s.changed = true
	p := s.pagers[i]
	rb := &s.core.regions[i]
	if err != nil {
		var expired *types.InvalidNextTokenException
		if errors.As(err, &expired) && p.token != nil && !p.resumed {
			// The token expired mid-query: query again from the last event
			// seen, inclusive; the merge drops what was seen at that second.
			// A second expiry before any progress fails the region instead
			// of looping.
			if rb.started {
				p.end = time.Unix(0, rb.bound).UTC()
			}
			p.token, p.resumed = nil, true
			s.stats.Resumes++
			return true
		}
		s.stats.Failed++
		p.progress.State = model.RegionFailed
		p.progress.Err = ExplainFor(err, s.opts.Profile)
		s.core.finish(i)
		s.out = s.core.release(s.out)
		return false
	}
	before := rb.bound
	fresh := s.core.add(i, page)
	if rb.bound != before || fresh > 0 {
		p.resumed = false
	}
	p.progress.Pages++
	p.progress.Events += fresh
	if rb.started {
		p.progress.Oldest = time.Unix(0, rb.bound).UTC()
	}
	s.stats.Pages++
	s.stats.Received += len(page)
	s.stats.Duplicates += len(page) - fresh
	if out.NextToken == nil || *out.NextToken == "" {
		p.progress.State = model.RegionDone
		s.core.finish(i)
		s.out = s.core.release(s.out)
		return false
	}
	p.token = out.NextToken
	s.out = s.core.release(s.out)
	return true
}

// attempted records the outcome of one HTTP attempt of region i.
func (s *Stream) attempted(i int, err error, throttled bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.Attempts++
	if p := &s.pagers[i].progress; !throttled && p.State == model.RegionThrottled {
		p.State = model.RegionPaging
		s.changed = true
		s.broadcast()
	}
	if throttled {
		s.stats.Throttles++
		s.pagers[i].progress.Throttles++
		s.changed = true
		s.broadcast()
	}
}

// retrying records that the SDK is about to retry region i's request.
func (s *Stream) retrying(i int, err error, throttled bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.Retries++
	p := &s.pagers[i].progress
	p.Retries++
	p.Err = ExplainFor(err, s.opts.Profile)
	if throttled {
		p.State = model.RegionThrottled
	} else {
		p.State = model.RegionPaging
	}
	s.changed = true
	s.broadcast()
}
