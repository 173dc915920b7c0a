package localtrail

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"lazytrail/fetch/internal/reqbody"
	"lazytrail/model"
)

// serve starts s behind an httptest server for the test's lifetime.
func serve(t testing.TB, s *Server) string {
	t.Helper()
	ts := httptest.NewServer(s)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.Shutdown(ctx)
		ts.Close()
	})
	return ts.URL
}

// client is the real SDK client for one region, with attempts retries (1:
// none), a fast fixed backoff so tests do not sleep seconds, and no
// client-side retry budget.
func client(url, region string, attempts int) *cloudtrail.Client {
	return cloudtrail.New(cloudtrail.Options{
		Region:       region,
		HTTPClient:   sharedHTTP,
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""),
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = attempts
			o.RateLimiter = ratelimit.None
			o.Backoff = fixedBackoff(5 * time.Millisecond)
		}),
	})
}

// sharedHTTP is the SDK's own HTTP client, with request bodies buffered
// (see fetch/internal/reqbody) so that a fast local answer never races the SDK.
var sharedHTTP = reqbody.Buffer(awshttp.NewBuildableClient())

type fixedBackoff time.Duration

func (b fixedBackoff) BackoffDelay(int, error) (time.Duration, error) { return time.Duration(b), nil }

// pageAll pages a query to its end with the SDK paginator.
func pageAll(t testing.TB, c *cloudtrail.Client, in *cloudtrail.LookupEventsInput) ([]types.Event, int, error) {
	t.Helper()
	var events []types.Event
	pages := 0
	p := cloudtrail.NewLookupEventsPaginator(c, in)
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			return events, pages, err
		}
		pages++
		events = append(events, out.Events...)
	}
	return events, pages, nil
}

func ids(events []types.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = aws.ToString(e.EventId)
	}
	return out
}

func eventIDs(events []model.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.ID
	}
	return out
}

var fixtureEnd = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// fixture is a small hand-made dataset: regular events in eu-west-1, with
// several sharing a second so the tie order is exercised, and a few in
// us-east-1.
func fixture() []model.Event {
	var evs []model.Event
	users := []string{"adam", "maria.sec", "skeddly-0a1b2c3d", "root"}
	names := []string{"DescribeInstances", "RunInstances", "StopInstances"}
	for i := range 173 {
		at := fixtureEnd.Add(-time.Duration(i/3) * time.Hour) // three events per second
		id := fmt.Sprintf("e%04d-%c", 173-i, 'a'+rune(i%3))
		user := users[i%len(users)]
		e := model.Event{
			ID: id, Time: at, Name: names[i%len(names)], Source: "ec2.amazonaws.com", Region: "eu-west-1",
			Username: user, AccessKeyID: fmt.Sprintf("AKIA%04d", i%5), ReadOnly: model.TristateOf(i%3 == 0),
			Resources: []model.Resource{{Type: "AWS::EC2::Instance", Name: fmt.Sprintf("i-%04d", i%7)}},
		}
		if i%10 == 0 {
			e.Resources = append(e.Resources, model.Resource{Type: "AWS::EC2::SecurityGroup", Name: "sg-0001"})
		}
		e.Raw = fmt.Sprintf(`{"eventVersion":"1.09","eventID":"%s","eventTime":"%s","eventName":"%s","awsRegion":"eu-west-1","userIdentity":{"type":"IAMUser","userName":"%s"}}`,
			id, at.Format(time.RFC3339), e.Name, user)
		evs = append(evs, e)
	}
	for i := range 5 {
		at := fixtureEnd.Add(-time.Duration(i) * 24 * time.Hour)
		evs = append(evs, model.Event{ID: fmt.Sprintf("iam-%d", i), Time: at, Name: "CreateUser", Source: "iam.amazonaws.com",
			Region: "us-east-1", Username: "adam", ReadOnly: model.False, Raw: `{"eventName":"CreateUser"}`})
	}
	return evs
}

func fixtureServer(t testing.TB, opts Options) (*Server, *Dataset, string) {
	t.Helper()
	d := NewDataset(fixture())
	if opts.Quota == 0 {
		opts.Quota = -1
	}
	if opts.Now == nil {
		opts.Now = func() time.Time { return fixtureEnd.Add(time.Minute) }
	}
	s := New(d, opts)
	return s, d, serve(t, s)
}
