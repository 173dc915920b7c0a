package lookup

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"lazytrail/fetch/localtrail"
	"lazytrail/model"
)

// Demo serves the demo account from an in-process endpoint and points the
// real SDK client at it over HTTP, with AWS's quota of 2 requests/s and a
// plausible latency per region.
func Demo(s Settings) (*Source, error) {
	// The demo account is built while the terminal starts up; the
	// endpoint holds requests until it is there.
	end := time.Now().UTC().Truncate(time.Minute)
	srv := localtrail.NewDeferred(func() *localtrail.Dataset { return localtrail.Demo(end) }, localtrail.Options{Quota: 2})
	regions := slices.Sorted(slices.Values(localtrail.DemoRegions))
	for i, r := range regions {
		srv.SetLatency(r, DemoLatency(i))
	}
	return Serve(srv, regions, "demo", s)
}

// DemoLatency gives each demo region a plausible, different round trip, so
// the lazy paging and the merge are visible as they would be against AWS.
func DemoLatency(i int) time.Duration {
	return time.Duration(60+(i*37)%190) * time.Millisecond
}

// Serve starts srv, which serves regions, on a free local port, and
// returns the source paging it as the account label; --region (in s)
// narrows the regions. Close shuts the endpoint down.
func Serve(srv *localtrail.Server, regions []string, label string, s Settings) (*Source, error) {
	url, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("cannot start the local endpoint: %v", err)
	}
	if s.Region != "all" && s.Region != "" {
		regions = model.SplitRegions(s.Region)
	}
	opts := Options{
		AWS: aws.Config{
			Region:      "us-east-1",
			Credentials: credentials.NewStaticCredentialsProvider("AKIDLAZYTRAILDEMO", "lazytrail-demo-secret", ""),
		},
		EndpointURL: url,
		Rate:        s.Rate,
		Regions:     regions,
	}
	src := newSource(s, []Options{opts}, label, "", func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	src.local = url
	return src, nil
}
