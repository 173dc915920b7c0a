// Package pricing is the resource ledger's model.Pricer: on-demand unit
// prices from the AWS Price List Query API (pricing:GetProducts, the one
// call it makes) through the SDK's pricing client, kept on disk with the
// date they were read and used from there when AWS cannot be asked.
package pricing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/pricing"

	"lazytrail/fetch/internal/reqbody"
	"lazytrail/model"
)

// Options configures a Pricer. The zero value asks AWS and caches in
// DefaultCachePath.
type Options struct {
	// Endpoint overrides the Price List endpoint (the local endpoint of
	// --demo, or a test's); "" is AWS's in us-east-1.
	Endpoint string
	// CachePath is the cache file; "" is DefaultCachePath(), and "-"
	// keeps prices in memory only.
	CachePath string
	// MaxAge is how old a cached price may be before it is asked for
	// again (a failed refresh keeps the old price); 0 means 30 days.
	MaxAge time.Duration
	// Now is the clock of the fetch dates; nil is time.Now.
	Now func() time.Time
}

// Pricer answers model.Pricer from the Price List, the cache in front.
// It is safe for concurrent use.
type Pricer struct {
	client *pricing.Client
	opts   Options

	mu     sync.Mutex
	cache  map[model.PriceKey]model.Price // nil until first read
	loaded bool
}

var _ model.Pricer = (*Pricer)(nil)

// parallel bounds the GetProducts calls in flight: the Price List API
// allows a few requests a second per account.
const parallel = 4

// New returns a Pricer calling the Price List with cfg's credentials. The
// Price List is served from us-east-1 whatever cfg's region.
func New(cfg aws.Config, opts Options) *Pricer {
	if opts.MaxAge == 0 {
		opts.MaxAge = 30 * 24 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	var httpClient reqbody.Doer = awshttp.NewBuildableClient()
	if cfg.HTTPClient != nil {
		httpClient = cfg.HTTPClient
	}
	client := pricing.NewFromConfig(cfg, func(o *pricing.Options) {
		o.Region = "us-east-1"
		o.HTTPClient = reqbody.Buffer(httpClient)
		if opts.Endpoint != "" {
			o.BaseEndpoint = aws.String(opts.Endpoint)
		}
	})
	return &Pricer{client: client, opts: opts}
}

func (p *Pricer) cachePath() string {
	if p.opts.CachePath != "" {
		return p.opts.CachePath
	}
	path, err := DefaultCachePath()
	if err != nil {
		return "-"
	}
	return path
}

// Prices answers every key: a fresh cached price without a call, else the
// Price List's (cached for next time), else a stale cached price, else a
// miss saying why. A key the Price List has no price for is a miss of its
// own ("not in the Price List"). A failure that would fail every call (no
// permission, no network, no credentials) stops the asking and is one miss
// with the zero key, as model.ApplyPrices reads "pricing as a whole
// failed": "no pricing:GetProducts permission", "offline and not cached".
func (p *Pricer) Prices(ctx context.Context, keys []model.PriceKey) (map[model.PriceKey]model.Price, []model.PriceMiss) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.loaded {
		p.cache, p.loaded = map[model.PriceKey]model.Price{}, true
		if path := p.cachePath(); path != "-" {
			p.cache = loadCache(path)
		}
	}
	out := map[model.PriceKey]model.Price{}
	var ask []model.PriceKey
	seen := map[model.PriceKey]bool{}
	now := p.opts.Now()
	for _, k := range keys {
		if seen[k] {
			continue
		}
		seen[k] = true
		if c, ok := p.cache[k]; ok && now.Sub(c.Fetched) < p.opts.MaxAge {
			out[k] = c
			continue
		}
		ask = append(ask, k)
	}
	answers := p.fetchAll(ctx, ask)
	var misses []model.PriceMiss
	changed, global := false, ""
	for i, k := range ask {
		a := answers[i]
		switch {
		case a.err == nil:
			out[k], p.cache[k], changed = a.price, a.price, true
		case p.hasCached(k):
			out[k] = p.cache[k] // stale, with its date: better than none
		case isFatal(a.err):
			if global == "" {
				global = reason(a.err)
			}
		default:
			misses = append(misses, model.PriceMiss{Key: k, Reason: reason(a.err)})
		}
	}
	if global != "" {
		misses = append(misses, model.PriceMiss{Reason: global})
	}
	if changed {
		if path := p.cachePath(); path != "-" {
			_ = saveCache(path, p.cache) // a cache that cannot be written only costs a later call
		}
	}
	return out, misses
}

func (p *Pricer) hasCached(k model.PriceKey) bool { _, ok := p.cache[k]; return ok }

type answer struct {
	price model.Price
	err   error
}

// fetchAll asks for each key, a few at a time, and stops asking once a
// failure shows the rest would fail the same way.
func (p *Pricer) fetchAll(ctx context.Context, keys []model.PriceKey) []answer {
	answers := make([]answer, len(keys))
	var (
		mu    sync.Mutex
		fatal error
		wg    sync.WaitGroup
	)
	next := make(chan int)
	for range min(parallel, len(keys)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				mu.Lock()
				stop := fatal
				mu.Unlock()
				if stop != nil {
					answers[i].err = stop
					continue
				}
				price, err := p.fetch(ctx, keys[i])
				answers[i] = answer{price, err}
				if isFatal(err) {
					mu.Lock()
					if fatal == nil {
						fatal = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for i := range keys {
		next <- i
	}
	close(next)
	wg.Wait()
	return answers
}

// fetch asks the Price List for one key and picks its price out of the
// products answered.
func (p *Pricer) fetch(ctx context.Context, key model.PriceKey) (model.Price, error) {
	q, err := queryFor(key)
	if err != nil {
		return model.Price{}, err
	}
	in := &pricing.GetProductsInput{ServiceCode: aws.String(q.service), Filters: q.filters,
		FormatVersion: aws.String("aws_v1"), MaxResults: aws.Int32(100)}
	found := map[float64]string{} // price → a usagetype at that price
	for page := 0; ; page++ {
		out, err := p.client.GetProducts(ctx, in)
		if err != nil {
			return model.Price{}, err
		}
		for _, raw := range out.PriceList {
			usd, usagetype, err := onDemandUSD(raw, q.unit)
			if errors.Is(err, errNoOnDemand) || (q.pick != nil && !q.pick(usagetype)) {
				continue
			}
			if err != nil {
				return model.Price{}, err
			}
			found[usd] = usagetype
		}
		if out.NextToken == nil || *out.NextToken == "" || page == 9 {
			break
		}
		in.NextToken = out.NextToken
	}
	switch len(found) {
	case 0:
		return model.Price{}, errUnpriced("not in the Price List")
	case 1:
		for usd := range found {
			return model.Price{USD: usd, Per: q.per, Fetched: p.opts.Now().UTC()}, nil
		}
	}
	var seen []string
	for usd, u := range found {
		seen = append(seen, fmt.Sprintf("%s at $%g", u, usd))
	}
	slices.Sort(seen)
	return model.Price{}, errUnpriced(fmt.Sprintf("%d products at different prices (%s)", len(found), strings.Join(seen, ", ")))
}
