package lookup

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"golang.org/x/time/rate"

	"lazytrail/fetch"
	"lazytrail/fetch/internal/reqbody"
	"lazytrail/model"
)

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
	Account        string        // the account label of these partitions ("" for a single account)
	Regions        []string      // this account's regions, when they differ from the query's
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

// OpenAccounts pages LookupEvents for every account × region, each with its
// own quota, through one merge. An account pages the query's regions, or
// its own Options.Regions (enabled regions differ between accounts).
func OpenAccounts(ctx context.Context, q Query, accounts ...Options) *fetch.Stream {
	q = q.pinned()
	var parts []fetch.Partition
	for _, opts := range accounts {
		aq := q
		if opts.Regions != nil {
			aq.Regions = Query{Regions: opts.Regions, Start: q.Start, End: q.End}.pinned().Regions
		}
		parts = append(parts, regionPartitions(opts.withDefaults(), aq)...)
	}
	return fetch.OpenPartitions(ctx, parts, pageSize)
}

// pageSize is LookupEvents' largest page, which sizes the merge's buffers.
const pageSize = 50

// pinned fills in the time range and sorts the regions.
func (q Query) pinned() Query {
	if q.End.IsZero() {
		q.End = time.Now().UTC()
	}
	if q.Start.IsZero() {
		q.Start = q.End.Add(-History)
	}
	regions := slices.Clone(q.Regions)
	slices.Sort(regions)
	q.Regions = slices.Compact(regions)
	return q
}

// regionPartitions builds one pager per region of one account. The
// pagers share one transport, which keeps the config's CA bundle and
// proxy; each pager's Close drops its idle connections. The client
// timeout bounds each attempt.
func regionPartitions(opts Options, q Query) []fetch.Partition {
	transport := fetch.Transport(opts.AWS)
	transport.MaxIdleConnsPerHost = max(transport.MaxIdleConnsPerHost, 2*len(q.Regions))
	httpClient := reqbody.Buffer(&http.Client{Transport: transport, Timeout: opts.RequestTimeout})
	var parts []fetch.Partition
	for _, region := range q.Regions {
		p := &lookupPager{opts: opts, query: q, region: region, end: q.End, report: quiet{}, closeIdle: transport.CloseIdleConnections}
		retryer := newPacedRetryer(rate.NewLimiter(rate.Limit(opts.Rate), opts.Burst), opts.MaxAttempts, opts.MaxBackoff)
		retryer.onAttempt = p.attempted
		retryer.onRetry = p.retrying
		p.client = cloudtrail.NewFromConfig(opts.AWS, func(o *cloudtrail.Options) {
			o.Region = region
			if opts.EndpointURL != "" {
				o.BaseEndpoint = aws.String(opts.EndpointURL)
			}
			o.Retryer = retryer
			o.RetryMaxAttempts = 0 // keep the config's AWS_MAX_ATTEMPTS from wrapping (and unpacing) the retryer
			o.HTTPClient = httpClient
		})
		parts = append(parts, fetch.Partition{Source: "lookup", Account: opts.Account, Region: region, Pager: p})
	}
	return parts
}

// lookupPager pages LookupEvents in one region: pinned StartTime and
// EndTime, its own NextToken, and a resume from the last second seen when
// a token expires mid-query.
type lookupPager struct {
	opts   Options
	query  Query
	region string
	client *cloudtrail.Client
	report fetch.Reporter // the partition's, once the stream attaches it
	// closeIdle drops the idle connections of the account's transport.
	closeIdle func()

	token   *string   // NextToken of the current query; nil for a first page
	end     time.Time // EndTime of the current query: Query.End, or where a resume began
	resumed bool      // the current query is a resume that has not delivered anything new yet

	oldest   time.Time           // the oldest event delivered so far
	atOldest map[string]struct{} // ids delivered at exactly oldest
}

// Attach takes the partition's Reporter: requests, attempts, retries and
// resumes are counted there.
func (p *lookupPager) Attach(r fetch.Reporter) { p.report = r }

func (p *lookupPager) Next(ctx context.Context) (fetch.Page, error) {
	for {
		p.report.Requested()
		out, err := p.client.LookupEvents(ctx, &cloudtrail.LookupEventsInput{
			StartTime:        aws.Time(p.query.Start),
			EndTime:          aws.Time(p.end),
			LookupAttributes: p.query.Lookup.lookupAttributes(),
			MaxResults:       aws.Int32(p.opts.PageSize),
			NextToken:        p.token,
		})
		if err != nil {
			var expired *types.InvalidNextTokenException
			if errors.As(err, &expired) && p.token != nil && !p.resumed && ctx.Err() == nil {
				// The token expired mid-query: query again from the last
				// event seen, inclusive; the merge drops what was seen at
				// that second. A second expiry before any progress fails
				// the region instead of looping.
				if !p.oldest.IsZero() {
					p.end = p.oldest
				}
				p.token, p.resumed = nil, true
				p.report.Resumed()
				continue
			}
			return fetch.Page{}, fetch.ExplainedError(fetch.ExplainFor(err, p.opts.Profile))
		}
		page := make([]model.Event, len(out.Events))
		for k := range out.Events {
			page[k] = FromLookup(out.Events[k], p.region)
			if page[k].Account == "" {
				page[k].Account = p.opts.Account
			}
		}
		if p.progressed(page) {
			p.resumed = false
		}
		done := out.NextToken == nil || *out.NextToken == ""
		p.token = out.NextToken
		return fetch.Page{Events: page, Done: done}, nil
	}
}

// progressed records the page's oldest events and reports whether it
// brought anything not seen before: an older time, or a new id at the
// oldest second.
func (p *lookupPager) progressed(page []model.Event) bool {
	moved := false
	for i := range page {
		t := page[i].Time
		switch {
		case p.oldest.IsZero() || t.Before(p.oldest):
			p.oldest, moved = t, true
			p.atOldest = map[string]struct{}{page[i].ID: {}}
		case t.Equal(p.oldest):
			if _, seen := p.atOldest[page[i].ID]; !seen {
				p.atOldest[page[i].ID] = struct{}{}
				moved = true
			}
		}
	}
	return moved
}

func (p *lookupPager) Close() { p.closeIdle() }

// attempted records the outcome of one HTTP attempt.
func (p *lookupPager) attempted(_ error, throttled bool) { p.report.Attempted(throttled) }

// retrying records that the SDK is about to retry the request.
func (p *lookupPager) retrying(err error, throttled bool) {
	p.report.Retrying(fetch.ExplainFor(err, p.opts.Profile), throttled)
}

// quiet is a Reporter for a pager no stream has attached (yet).
type quiet struct{}

func (quiet) Requested()            {}
func (quiet) Attempted(bool)        {}
func (quiet) Retrying(string, bool) {}
func (quiet) Resumed()              {}
