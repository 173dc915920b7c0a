package lookup

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"lazytrail/fetch/localtrail"
	"lazytrail/fetch/localtrail/localtest"
	"lazytrail/model"
)

var staticConfig = aws.Config{
	Region:      "us-east-1",
	Credentials: credentials.NewStaticCredentialsProvider("AKIDLAZYTRAILTEST", "test-secret", ""),
}

func TestRegionsAllFromDescribeRegions(t *testing.T) {
	url := localtest.Moto(t)
	regions, note, err := Regions(t.Context(), staticConfig, "all", url)
	if err != nil || note != "" {
		t.Fatalf("Regions: %v, note %q", err, note)
	}
	if len(regions) < 10 || !slices.Contains(regions, "us-east-1") || !slices.Contains(regions, "eu-west-1") {
		t.Fatalf("regions %v: want the enabled regions moto reports, us-east-1 among them", regions)
	}
	if !slices.IsSorted(regions) || len(slices.Compact(slices.Clone(regions))) != len(regions) {
		t.Fatalf("regions %v are not sorted and unique", regions)
	}
	// DescribeRegions without AllRegions reports only enabled regions, but
	// a lax server may report every region; the not-opted-in must go.
	for _, r := range regions {
		if !model.IsRegionName(r) {
			t.Fatalf("%q is not a region name", r)
		}
	}
}

func TestRegionsFallBackWhenDescribeRegionsFails(t *testing.T) {
	for name, endpoint := range map[string]string{
		"refused":           localtest.ClosedURL(t),
		"not an EC2 server": cloudTrailOnly(t),
	} {
		t.Run(name, func(t *testing.T) {
			regions, note, err := Regions(t.Context(), staticConfig, "", endpoint)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(regions, partitionRegions) {
				t.Fatalf("fallback regions %v, want the partition's CloudTrail regions", regions)
			}
			if !strings.Contains(note, "could not list") || strings.Contains(note, "\n") {
				t.Fatalf("note %q should say, on one line, why every region is paged", note)
			}
			t.Log(note)
		})
	}
}

func TestRegionsExplicitList(t *testing.T) {
	regions, _, err := Regions(t.Context(), staticConfig, " us-east-1,EU-WEST-1, us-east-1 ,", "")
	if err != nil || !slices.Equal(regions, []string{"eu-west-1", "us-east-1"}) {
		t.Fatalf("got %v, %v; want [eu-west-1 us-east-1]", regions, err)
	}
	for _, bad := range []string{"eu-west", "us-east-1;rm", ",", "eu_west_1"} {
		if _, _, err := Regions(t.Context(), staticConfig, bad, ""); err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("Regions(%q) = %v, want a one-line error", bad, err)
		}
	}
}

// cloudTrailOnly is the local CloudTrail endpoint, which answers an EC2
// query-protocol request as AWS answers an unknown target.
func cloudTrailOnly(t *testing.T) string {
	_, url := endpoint(t, localtrail.NewDataset(nil), localtrail.Options{})
	return url
}
