package lookup

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"lazytrail/fetch/localtrail"
	"lazytrail/model"
)

func readModelFixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "model", "testdata", "records", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFromLookup(t *testing.T) {
	raw := readModelFixture(t, "assumed-role-skeddly.json")
	when := time.Date(2024, 5, 3, 2, 0, 4, 0, time.FixedZone("x", 3600))
	le := types.Event{
		EventId: aws.String("lookup-id"), EventName: aws.String("StopInstances"), EventSource: aws.String("ec2.amazonaws.com"),
		EventTime: &when, Username: aws.String("skeddly-7f3a9c"), AccessKeyId: aws.String("ASIAEXAMPLESKEDDLY01"),
		ReadOnly:        aws.String("false"),
		Resources:       []types.Resource{{ResourceType: aws.String("AWS::EC2::Instance"), ResourceName: aws.String("i-0123456789abcdef0")}},
		CloudTrailEvent: aws.String(raw),
	}
	e := FromLookup(le, "us-west-2")
	if e.ParseError != "" || e.ID != "lookup-id" || e.Time != when.UTC() || e.Region != "ap-southeast-2" ||
		e.Username != "skeddly-7f3a9c" || e.ReadOnly != model.False || e.Identity.SessionIssuerName != "SkeddlyRole" || e.Raw != raw {
		t.Errorf("FromLookup = %+v", e)
	}
	if want := []model.Resource{{Type: "AWS::EC2::Instance", Name: "i-0123456789abcdef0"}}; !slices.Equal(e.Resources, want) {
		t.Errorf("lookup resources should win: %v", e.Resources)
	}

	// A malformed record still lists with what LookupEvents gave.
	le.CloudTrailEvent = aws.String(`{"eventVersion":`)
	bad := FromLookup(le, "us-west-2")
	if bad.ParseError == "" || bad.ID != "lookup-id" || bad.Username != "skeddly-7f3a9c" || bad.Region != "us-west-2" ||
		bad.Name != "StopInstances" || bad.ReadOnly != model.False || len(bad.Resources) != 1 {
		t.Errorf("FromLookup of a malformed record = %+v", bad)
	}

	// An AWSService event has neither Username nor AccessKeyId in the lookup.
	svc := FromLookup(types.Event{EventId: aws.String("svc"), CloudTrailEvent: aws.String(readModelFixture(t, "aws-service.json"))}, "eu-central-1")
	if svc.ParseError != "" || svc.Username != "" || svc.Name != "AssumeRole" {
		t.Errorf("FromLookup(AWSService) = %+v", svc)
	}
	if none := FromLookup(types.Event{EventId: aws.String("n")}, "eu-north-1"); none.ParseError == "" || none.Region != "eu-north-1" {
		t.Errorf("FromLookup without CloudTrailEvent = %+v", none)
	}
}

// The local endpoint's wire types carry every field FromLookup reads: an
// event paged from it is the event the dataset holds.
func TestEventsCarryEveryLookupFieldInTheWireTypes(t *testing.T) {
	ds := demoDataset()
	_, url := endpoint(t, ds, localtrail.Options{Quota: -1})
	opts := testOptions(url, 1000)
	c := cloudtrail.NewFromConfig(opts.AWS, func(o *cloudtrail.Options) {
		o.Region, o.BaseEndpoint = "eu-west-1", aws.String(url)
	})
	out, err := c.LookupEvents(context.Background(), &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(10)})
	if err != nil {
		t.Fatal(err)
	}
	want := ds.Events("eu-west-1")[:10]
	if len(out.Events) != len(want) {
		t.Fatalf("%d events on the page, want %d", len(out.Events), len(want))
	}
	for i, le := range out.Events {
		got := FromLookup(le, "eu-west-1")
		w := want[i]
		if got.ID != w.ID || !got.Time.Equal(w.Time) || got.Name != w.Name || got.Source != w.Source ||
			got.Username != w.Username || got.AccessKeyID != w.AccessKeyID || got.ReadOnly != w.ReadOnly ||
			!slices.Equal(got.Resources, w.Resources) || aws.ToString(le.CloudTrailEvent) != w.Raw {
			t.Errorf("event %d:\n got %+v\nwant %+v", i, got, w)
		}
	}
}
