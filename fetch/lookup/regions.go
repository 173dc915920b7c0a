package lookup

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"lazytrail/fetch"
	"lazytrail/fetch/internal/reqbody"
	"lazytrail/model"
)

// globalRegion always takes part: IAM, STS and CloudFront events are
// recorded there, whatever region the caller was in.
const globalRegion = "us-east-1"

// partitionRegions are the aws-partition regions CloudTrail serves, as
// listed by the endpoint table of service/cloudtrail v1.56.0 (its
// internal/endpoints package cannot be imported). They are the fallback
// when the account's enabled regions cannot be listed.
var partitionRegions = []string{
	"af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
	"ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
	"ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1",
	"eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2",
	"eu-west-3", "il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1",
	"us-east-1", "us-east-2", "us-west-1", "us-west-2",
}

// Regions resolves --region. "all" (or "") asks EC2 DescribeRegions for
// the regions enabled for the account (opt-in-not-required and opted-in);
// when that call fails or is denied it falls back to every region CloudTrail
// serves in the aws partition and says why in note. A comma-separated list
// is validated and de-duplicated. The result is sorted and always holds
// us-east-1 for "all". ec2Endpoint overrides the EC2 endpoint ("" = AWS).
func Regions(ctx context.Context, cfg aws.Config, spec string, ec2Endpoint string) (regions []string, note string, err error) {
	spec = strings.TrimSpace(spec)
	if spec == "" || strings.EqualFold(spec, "all") {
		return enabledRegions(ctx, cfg, ec2Endpoint)
	}
	seen := map[string]bool{}
	for _, r := range strings.Split(spec, ",") {
		r = strings.ToLower(strings.TrimSpace(r))
		if r == "" {
			continue
		}
		if !model.IsRegionName(r) {
			return nil, "", fmt.Errorf("%q is not a region name (like eu-west-1); use --region all or a comma-separated list", r)
		}
		if !seen[r] {
			seen[r] = true
			regions = append(regions, r)
		}
	}
	if len(regions) == 0 {
		return nil, "", fmt.Errorf("--region %q names no region; use all or a list like eu-west-1,us-east-1", spec)
	}
	slices.Sort(regions)
	return regions, "", nil
}

func enabledRegions(ctx context.Context, cfg aws.Config, ec2Endpoint string) ([]string, string, error) {
	// A transport of its own, closed on return: a one-off call must not
	// leave keep-alive connections (and their goroutines) behind.
	transport := fetch.Transport(cfg)
	defer transport.CloseIdleConnections()
	client := ec2.NewFromConfig(cfg, func(o *ec2.Options) {
		o.HTTPClient = reqbody.Buffer(&http.Client{Transport: transport})
		if o.Region == "" {
			o.Region = globalRegion
		}
		if ec2Endpoint != "" {
			o.BaseEndpoint = aws.String(ec2Endpoint)
		}
		o.RetryMaxAttempts = 2 // a fallback exists, so fail fast
	})
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	out, err := client.DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, "", err
		}
		fallback := withGlobal(slices.Clone(partitionRegions))
		return fallback, fmt.Sprintf("could not list the account's enabled regions (%s); paging all %d CloudTrail regions instead", fetch.Explain(err), len(fallback)), nil
	}
	var regions []string
	for _, r := range out.Regions {
		name := aws.ToString(r.RegionName)
		switch aws.ToString(r.OptInStatus) {
		case "opt-in-not-required", "opted-in", "":
			if model.IsRegionName(name) {
				regions = append(regions, name)
			}
		}
	}
	return withGlobal(regions), "", nil
}

func withGlobal(regions []string) []string {
	if !slices.Contains(regions, globalRegion) {
		regions = append(regions, globalRegion)
	}
	slices.Sort(regions)
	return slices.Compact(regions)
}
