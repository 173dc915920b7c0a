package localtrail

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"lazytrail/model"
)

var demo = sync.OnceValue(func() *Dataset { return Demo(demoEnd) })

// demoFingerprint is the digest of every region, event id and raw record
// of Demo(demoEnd). A different digest means the demo is not deterministic
// or was changed on purpose; then update it from the failure message.
const demoFingerprint = "ae9b964f5a4104bd3539e31cda4bd71ce6e5850e3bb93ed1e08e180c25a8486a"

func TestDemoIsDeterministicAndInRange(t *testing.T) {
	d := demo()
	if d.Len() < 40000 || d.Len() > 60000 {
		t.Errorf("%d events; want tens of thousands (40–60k)", d.Len())
	}
	if !slices.Equal(d.Regions(), slices.Sorted(slices.Values(DemoRegions))) {
		t.Errorf("regions %v", d.Regions())
	}
	h := sha256.New()
	seen := map[string]bool{}
	for _, r := range d.Regions() {
		for _, e := range d.Events(r) {
			fmt.Fprintf(h, "%s\x00%s\x00%s\x00", r, e.ID, e.Raw)
			if seen[e.ID] {
				t.Fatalf("event id %s twice", e.ID)
			}
			seen[e.ID] = true
			if e.Time.After(demoEnd) || e.Time.Before(demoEnd.Add(-history)) {
				t.Fatalf("%s: %s outside the 90 days", e.ID, e.Time)
			}
		}
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != demoFingerprint {
		t.Errorf("demo fingerprint %s, want %s", got, demoFingerprint)
	}
}

// TestDemoRecordsParseToTheirLookupFields checks that what the endpoint
// reports for every demo event (its lookup fields) is what model.FromRecord
// derives from the raw record, as CloudTrail would report it.
func TestDemoRecordsParseToTheirLookupFields(t *testing.T) {
	d := demo()
	for _, r := range d.Regions() {
		step := 1
		if raceEnabled {
			step = 7
		}
		for i := 0; i < len(d.Events(r)); i += step {
			e := &d.Events(r)[i]
			p, err := model.FromRecord(e.Raw)
			if err != nil {
				t.Fatalf("%s: %v", e.ID, err)
			}
			if p.ID != e.ID || !p.Time.Equal(e.Time) || p.Name != e.Name || p.Source != e.Source || p.Region != r ||
				p.Username != e.Username || p.AccessKeyID != e.AccessKeyID || p.ReadOnly != e.ReadOnly ||
				p.ErrorCode != e.ErrorCode || p.EventType != e.EventType || p.Identity.Type != e.Identity.Type ||
				p.Identity.SessionIssuerName != e.Identity.SessionIssuerName || p.Identity.MFAAuthenticated != e.Identity.MFAAuthenticated {
				t.Fatalf("%s %s: parsed\n%+v\nreported\n%+v", r, e.Name, p, *e)
			}
			for _, res := range p.Resources {
				if !slices.Contains(e.Resources, res) {
					t.Fatalf("%s %s: the record names %v, which the lookup resources %v lack", r, e.Name, res, e.Resources)
				}
			}
		}
	}
}

func TestDemoTellsTheStories(t *testing.T) {
	d := demo()
	skeddly := map[string]int{}
	var iamOutside []string
	for _, r := range d.Regions() {
		for _, e := range d.Events(r) {
			if strings.HasPrefix(e.Username, "skeddly-") {
				skeddly[r]++
			}
			if (e.Source == "iam.amazonaws.com" || e.Source == "sts.amazonaws.com") && r != "us-east-1" {
				iamOutside = append(iamOutside, r+" "+e.Name)
			}
		}
	}
	if len(skeddly) < 3 {
		t.Errorf("skeddly sessions in %v; want several regions", skeddly)
	}
	if len(iamOutside) > 0 {
		t.Errorf("IAM/STS events outside us-east-1: %v", iamOutside[:min(5, len(iamOutside))])
	}
	find := func(region, name string, match func(*model.Event) bool) *model.Event {
		for i, e := range d.Events(region) {
			if e.Name == name && match(&e) {
				return &d.Events(region)[i]
			}
		}
		t.Errorf("no %s in %s", name, region)
		return &model.Event{}
	}
	run := find("eu-west-1", "RunInstances", func(e *model.Event) bool {
		return slices.Contains(e.Resources, model.Resource{Type: "AWS::EC2::Instance", Name: DemoAdamInstance})
	})
	if run.Username != "adam" || !strings.Contains(run.UserAgent, "Terraform/1.9.8") || run.Identity.Type != "IAMUser" {
		t.Errorf("adam's RunInstances: %+v", run)
	}
	if age := demoEnd.Sub(run.Time); age < 20*24*time.Hour || age > 22*24*time.Hour {
		t.Errorf("adam's RunInstances %s ago; want about three weeks", age)
	}
	open := find("eu-west-1", "AuthorizeSecurityGroupIngress", func(e *model.Event) bool { return true })
	closed := find("eu-west-1", "RevokeSecurityGroupIngress", func(e *model.Event) bool { return true })
	if open.Username != "maria.sec" || open.Identity.MFAAuthenticated != model.True || closed.Username != "maria.sec" ||
		closed.Time.Sub(open.Time) < time.Hour || closed.Time.Sub(open.Time) > 4*time.Hour {
		t.Errorf("security group story: %+v then %+v", open, closed)
	}
	find("us-east-2", "RebootInstances", func(e *model.Event) bool { return e.Resources[0].Name == DemoRebootInstance })
	find("us-east-1", "ConsoleLogin", func(e *model.Event) bool { return e.Username == "root" })
	find("us-east-1", "ConsoleLogin", func(e *model.Event) bool { return e.ErrorMessage != "" })
	find("us-east-1", "CreateUser", func(e *model.Event) bool { return e.ErrorCode == "AccessDenied" })
	find("us-west-2", "RunInstances", func(e *model.Event) bool { return e.ErrorCode == "Client.UnauthorizedOperation" })
	find("us-east-1", "AssumeRole", func(e *model.Event) bool { return e.Identity.Type == "AWSService" && e.Username == "" })
	find("eu-central-1", "RotateKey", func(e *model.Event) bool { return e.Identity.Type == "" && e.EventType == "AwsServiceEvent" })
	find("ap-south-1", "DescribeInstances", func(e *model.Event) bool { return strings.HasPrefix(e.Identity.SessionIssuerName, "AWSReservedSSO_") })
}

func TestDemoServedThroughTheSDK(t *testing.T) {
	d := demo()
	url := serve(t, New(d, Options{Quota: -1, Now: func() time.Time { return demoEnd }}))
	got, _, err := pageAll(t, client(url, "sa-east-1", 1), &cloudtrail.LookupEventsInput{})
	if err != nil || !slices.Equal(ids(got), eventIDs(d.Events("sa-east-1"))) {
		t.Fatalf("sa-east-1: %d of %d events, %v", len(got), len(d.Events("sa-east-1")), err)
	}
	out, err := client(url, "eu-west-1", 1).LookupEvents(context.Background(), &cloudtrail.LookupEventsInput{
		LookupAttributes: []types.LookupAttribute{{AttributeKey: types.LookupAttributeKeyResourceName, AttributeValue: aws.String(DemoAdamInstance)}},
	})
	if err != nil || len(out.Events) == 0 || aws.ToString(out.Events[len(out.Events)-1].EventName) != "RunInstances" {
		t.Fatalf("who created %s: %v", DemoAdamInstance, err)
	}
}
