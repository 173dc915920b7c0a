package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/logging"

	"lazytrail/fetch"
	"lazytrail/fetch/localtrail"
	"lazytrail/model"
)

// backend is where events come from: AWS through the default credential
// chain, or an in-process local endpoint serving the demo account or files.
type backend struct {
	fetch    fetch.Options   // LookupEvents of one account
	accounts []fetch.Options // or of several (--profile a,b,c), each with its regions
	records  *recordsSource  // or trail log files (--records)
	athena   *athenaSource   // or the trail's Athena table (--athena)
	regions  []string
	account  string             // for the status bar: "demo", the profile, or the caller's ARN
	note     string             // something the user should know, e.g. a region-discovery fallback
	server   *localtrail.Server // the in-process endpoint, when there is one
	close    func()
}

// credentialCheckTimeout bounds the start-up checks, so a hung credential
// process or an unreachable STS fails with a message rather than a hang.
const credentialCheckTimeout = 20 * time.Second

func openBackend(ctx context.Context, o *options) (*backend, error) {
	b, err := openSource(ctx, o)
	if err == nil && len(o.records) == 0 && o.athena == "" {
		b.note = joinNotes(b.note, historyNote(o, time.Now().UTC()))
	}
	return b, err
}

// historyNote says so when --since reaches past what LookupEvents keeps,
// instead of silently finding nothing there.
func historyNote(o *options, now time.Time) string {
	kept := now.Add(-fetch.History)
	if !o.sinceSet || !o.start.Before(kept.Add(-time.Hour)) {
		return ""
	}
	return fmt.Sprintf("LookupEvents keeps 90 days: nothing before %s can be found (--since %s); --records reads a trail's log files for older events",
		kept.Format("2006-01-02"), model.Printable(o.since))
}

func joinNotes(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

func openSource(ctx context.Context, o *options) (*backend, error) {
	switch {
	case o.demo:
		return openLocalBackend(o)
	case len(o.records) > 0:
		return openRecordsBackend(ctx, o)
	case o.athena != "":
		return openAthenaBackend(ctx, o)
	case len(o.profiles) > 1:
		return openAccountsBackend(ctx, o)
	}
	return openAWSBackend(ctx, o)
}

// openLocalBackend serves the demo account (or record files) from an
// in-process endpoint and points the real SDK client at it over HTTP, with
// AWS's quota of 2 requests/s and a plausible latency per region.
func openLocalBackend(o *options) (*backend, error) {
	// The demo account is built while the terminal starts up; the
	// endpoint holds requests until it is there.
	end := time.Now().UTC().Truncate(time.Minute)
	srv := localtrail.NewDeferred(func() *localtrail.Dataset { return localtrail.Demo(end) }, localtrail.Options{Quota: 2})
	return serveOn(o, srv, slices.Sorted(slices.Values(localtrail.DemoRegions)), "demo", demoLatency)
}

// serveLocal starts the local endpoint for ds; tests call it with their own
// quota and latency.
func serveLocal(o *options, ds *localtrail.Dataset, account string, srvOpts localtrail.Options, latency func(int) time.Duration) (*backend, error) {
	return serveOn(o, localtrail.New(ds, srvOpts), ds.Regions(), account, latency)
}

// serveOn starts srv, which serves dsRegions, on a free local port.
func serveOn(o *options, srv *localtrail.Server, dsRegions []string, account string, latency func(int) time.Duration) (*backend, error) {
	if latency != nil {
		for i, r := range dsRegions {
			srv.SetLatency(r, latency(i))
		}
	}
	url, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("cannot start the local endpoint: %v", err)
	}
	regions := dsRegions
	if o.region != "all" && o.region != "" {
		regions = splitRegions(o.region)
	}
	return &backend{
		regions: regions,
		account: account,
		fetch: fetch.Options{
			AWS: aws.Config{
				Region:      "us-east-1",
				Credentials: credentials.NewStaticCredentialsProvider("AKIDLAZYTRAILDEMO", "lazytrail-demo-secret", ""),
			},
			EndpointURL: url,
			Rate:        o.rate,
		},
		server: srv,
		close: func() {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			_ = srv.Shutdown(ctx)
		},
	}, nil
}

// demoLatency gives each demo region a plausible, different round trip, so
// the lazy paging and the merge are visible as they would be against AWS.
func demoLatency(i int) time.Duration {
	return time.Duration(60+(i*37)%190) * time.Millisecond
}

func openAWSBackend(ctx context.Context, o *options) (*backend, error) {
	ctx, cancel := context.WithTimeout(ctx, credentialCheckTimeout)
	defer cancel()
	acct, err := openAccount(ctx, o, o.profile)
	if err != nil {
		return nil, err
	}
	return &backend{
		regions: acct.regions,
		account: acct.label,
		note:    acct.note,
		fetch:   acct.fetch,
		close:   func() {},
	}, nil
}

// openAccountsBackend pages every profile's account × region through one
// merge, each account with its own quota and its own enabled regions.
func openAccountsBackend(ctx context.Context, o *options) (*backend, error) {
	ctx, cancel := context.WithTimeout(ctx, credentialCheckTimeout)
	defer cancel()
	b := &backend{close: func() {}}
	var labels, notes []string
	for _, profile := range o.profiles {
		acct, err := openAccount(ctx, o, profile)
		if err != nil {
			return nil, fmt.Errorf("profile %s: %v", model.Printable(profile), err)
		}
		acct.fetch.Account = profile
		acct.fetch.Regions = acct.regions
		b.accounts = append(b.accounts, acct.fetch)
		b.regions = append(b.regions, acct.regions...)
		labels = append(labels, acct.label)
		if acct.note != "" {
			notes = append(notes, profile+": "+acct.note)
		}
	}
	b.account = fmt.Sprintf("%d accounts", len(labels))
	b.note = strings.Join(notes, "; ")
	return b, nil
}

// account is one AWS account as a profile reaches it.
type account struct {
	fetch   fetch.Options
	regions []string
	label   string // the profile and account id, for the status bar
	note    string
}

// loadConfig loads the SDK's config for a profile ("" = the default
// chain), with the SDK's own logger silenced.
func loadConfig(ctx context.Context, profile string) (aws.Config, error) {
	// The SDK logs warnings (an IMDS fallback, say) straight to stderr,
	// which would land in the middle of the TUI; errors reach the user
	// through Explain instead.
	loadOpts := []func(*config.LoadOptions) error{config.WithLogger(logging.Nop{})}
	if profile != "" {
		loadOpts = append(loadOpts, config.WithSharedConfigProfile(profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		return cfg, fmt.Errorf("%s", fetch.Explain(err))
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	return cfg, nil
}

func openAccount(ctx context.Context, o *options, profile string) (*account, error) {
	cfg, err := loadConfig(ctx, profile)
	if err != nil {
		return nil, err
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		if o.endpointURL == "" {
			return nil, fmt.Errorf("%s", fetch.ExplainFor(err, profile))
		}
		// A local or proxy endpoint does not check signatures; sign with
		// placeholders rather than refuse to start.
		cfg.Credentials = credentials.NewStaticCredentialsProvider("AKIDLOCAL", "local-secret", "")
	}
	label := profile
	if o.endpointURL == "" {
		who, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return nil, fmt.Errorf("%s", fetch.ExplainFor(err, profile))
		}
		label = aws.ToString(who.Account)
		if profile != "" {
			label = profile + " (" + label + ")"
		}
	} else if label == "" {
		label = o.endpointURL
	}
	regions, note, err := fetch.Regions(ctx, cfg, o.region, o.endpointURL)
	if err != nil {
		return nil, fmt.Errorf("%s", fetch.ExplainFor(err, profile))
	}
	return &account{
		regions: regions,
		label:   label,
		note:    note,
		fetch:   fetch.Options{AWS: cfg, EndpointURL: o.endpointURL, Rate: o.rate, Profile: profile},
	}, nil
}

// open starts a query ending now (or at --until), keeping the window the
// command line asked for, so that `r` in the TUI re-runs it up to now.
func (b *backend) open(ctx context.Context, o *options, now time.Time) (*fetch.Stream, model.Query) {
	if b.records != nil {
		return b.records.open(ctx)
	}
	start, end := o.start, o.end
	if !o.untilSet {
		// A span back (--since 7d) slides to end now; a time the user
		// named (--since 2026-11-01) stays where it was put.
		end = now
		if !o.sinceFixed {
			start = now.Add(-o.end.Sub(o.start))
		}
	}
	if b.athena != nil {
		return b.athena.open(ctx, o.filterText(), start, end)
	}
	q := fetch.Query{Regions: b.regions, Start: start, End: end, Lookup: o.attr}
	lookup := ""
	if o.attr != nil {
		lookup = o.attr.Key + "=" + o.attr.Value
		if o.pushed || o.lookup == "" {
			lookup = "pushed down " + lookup
		}
	}
	tq := model.Query{Start: start, End: end, Partitions: len(b.regions), Lookup: lookup}
	if len(b.accounts) > 0 {
		return fetch.OpenAccounts(ctx, q, b.accounts...), tq
	}
	return fetch.Open(ctx, b.fetch, q), tq
}

// openRange is a fresh query over the TUI's range (a preset: the last
// span up to now; a typed range; follow mode's "after the newest"), with
// the rest of the command line as it was.
func (b *backend) openRange(ctx context.Context, o *options, r model.Range, now time.Time) (*fetch.Stream, model.Query) {
	ranged := *o
	start, end := r.Since, r.Until
	if r.Back > 0 {
		start = now.Add(-r.Back)
	}
	if end.IsZero() {
		end = now
	}
	ranged.start, ranged.end, ranged.sinceSet, ranged.untilSet = start, end, true, true
	if b.records != nil {
		r := *b.records
		r.first, r.skips = nil, nil
		r.opts.Since, r.opts.Until = ranged.start, ranged.end
		return r.open(ctx)
	}
	return b.open(ctx, &ranged, now)
}

// openLookup is a fresh query with lookup ("EventName=RunInstances", or
// "" for none) pushed down to LookupEvents, over r (the zero Range: the
// command line's): the TUI's planner. For Athena, lookup is the filter.
func (b *backend) openLookup(ctx context.Context, o *options, r model.Range, lookup string, now time.Time) (*fetch.Stream, model.Query) {
	planned := *o
	planned.attr = nil
	if b.athena != nil {
		// The planner's key for Athena is the whole filter.
		planned.filter, planned.user = lookup, ""
	} else if lookup != "" {
		if a, err := fetch.ParseAttribute(lookup); err == nil {
			planned.attr = &a
		}
	}
	if !r.IsZero() {
		return b.openRange(ctx, &planned, r, now)
	}
	return b.open(ctx, &planned, now)
}

func splitRegions(spec string) []string {
	var out []string
	for _, r := range strings.Split(spec, ",") {
		if r = strings.TrimSpace(r); r != "" && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}
