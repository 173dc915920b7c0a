package main

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"lazytrail/fetch"
	"lazytrail/fetch/athena"
	"lazytrail/fetch/lookup"
	"lazytrail/fetch/pricing"
	"lazytrail/fetch/trail"
	"lazytrail/model"
)

// openSource picks the one source the command line names; main hands it
// to the TUI or the printer, which know it only as a model.Source. A new
// source is its package, its flags, and one case here.
func openSource(ctx context.Context, o *options) (model.Source, error) {
	switch {
	case o.demo:
		return source(lookup.Demo(o.lookupSettings()))
	case len(o.records) > 0:
		return source(trail.NewSource(ctx, o.recordsSettings()))
	case o.athena != "":
		return source(athena.Connect(ctx, o.profile, o.athenaOptions()))
	}
	return source(lookup.Connect(ctx, o.lookupSettings()))
}

// source turns a constructor's answer into a model.Source, so that a
// failure is a nil Source rather than a typed nil inside one.
func source[S model.Source](s S, err error) (model.Source, error) {
	if err != nil {
		return nil, err
	}
	return s, nil
}

// span is the command line's range, which each source holds for the
// queries that do not name one.
func (o *options) span() fetch.Span {
	return fetch.Span{Start: o.start, End: o.end, Sliding: !o.untilSet, FixedStart: o.sinceFixed}
}

func (o *options) lookupSettings() lookup.Settings {
	s := lookup.Settings{
		Span:        o.span(),
		Region:      o.region,
		EndpointURL: o.endpointURL,
		Rate:        o.rate,
		Lookup:      o.attr,
		Profiles:    o.profiles,
	}
	if o.sinceSet {
		s.Since = o.since
	}
	return s
}

func (o *options) recordsSettings() trail.Settings {
	s := trail.Settings{Roots: o.records, Profile: o.profile}
	if o.sinceSet {
		s.Options.Since = o.start
	}
	if o.untilSet {
		s.Options.Until = o.end
	}
	if o.region != "all" && o.region != "" {
		s.Regions = model.SplitRegions(o.region)
	}
	return s
}

func (o *options) athenaOptions() athena.Options {
	return athena.Options{Table: o.athena, WorkGroup: o.workgroup, Output: o.athenaOut, Span: o.span()}
}

// openPricer is the resource ledger's pricer, for the TUI and for --view
// resources: nil with --no-prices; for --demo the Price List of the local
// endpoint the demo runs on, kept in memory only (its prices must not
// stand in a real run's cache); otherwise AWS's, in us-east-1, with the
// first profile's credentials (prices are the same for every account).
// It does no I/O until asked for prices.
func openPricer(ctx context.Context, o *options, src model.Source) model.Pricer {
	if o.noPrices {
		return nil
	}
	if local, ok := src.(interface{ LocalEndpoint() string }); ok && local.LocalEndpoint() != "" {
		cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIDLAZYTRAILDEMO", "lazytrail-demo-secret", "")}
		return pricing.New(cfg, pricing.Options{Endpoint: local.LocalEndpoint(), CachePath: "-"})
	}
	profile := ""
	if len(o.profiles) > 0 {
		profile = o.profiles[0]
	}
	cfg, err := fetch.LoadConfig(ctx, profile)
	if err != nil {
		// No usable config (AWS_PROFILE names none, say): prices cached
		// before still serve, and asking for the others fails at once,
		// sending nothing, for want of credentials, which their rows say.
		cfg = aws.Config{Region: "us-east-1", Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{}, err
		})}
	}
	return pricing.New(cfg, pricing.Options{})
}
