package localtrail

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"lazytrail/model"
)

func TestPaginationToTheEndIsTheDatasetNewestFirst(t *testing.T) {
	_, d, url := fixtureServer(t, Options{})
	for _, size := range []int32{0, 1, 7, 50} {
		in := &cloudtrail.LookupEventsInput{}
		if size > 0 {
			in.MaxResults = aws.Int32(size)
		}
		got, pages, err := pageAll(t, client(url, "eu-west-1", 1), in)
		if err != nil {
			t.Fatalf("MaxResults %d: %v", size, err)
		}
		want := eventIDs(d.Events("eu-west-1"))
		if !slices.Equal(ids(got), want) {
			t.Fatalf("MaxResults %d: got %d events %v…, want %d %v…", size, len(got), ids(got)[:min(5, len(got))], len(want), want[:5])
		}
		if size > 0 && pages != (len(want)+int(size)-1)/int(size) {
			t.Errorf("MaxResults %d: %d pages for %d events", size, pages, len(want))
		}
	}
	got, _, err := pageAll(t, client(url, "us-east-1", 1), &cloudtrail.LookupEventsInput{})
	if err != nil || len(got) != 5 {
		t.Fatalf("us-east-1: %d events, %v; want its 5 only", len(got), err)
	}
	got, _, err = pageAll(t, client(url, "ap-south-1", 1), &cloudtrail.LookupEventsInput{})
	if err != nil || len(got) != 0 {
		t.Fatalf("a region without events: %d events, %v", len(got), err)
	}
}

func TestEachLookupAttributeMatchesExactly(t *testing.T) {
	_, d, url := fixtureServer(t, Options{})
	all := d.Events("eu-west-1")
	cases := []struct {
		key, value string
		want       func(*model.Event) bool
	}{
		{"EventId", all[17].ID, func(e *model.Event) bool { return e.ID == all[17].ID }},
		{"EventName", "RunInstances", func(e *model.Event) bool { return e.Name == "RunInstances" }},
		{"ReadOnly", "true", func(e *model.Event) bool { return e.ReadOnly == model.True }},
		{"ReadOnly", "false", func(e *model.Event) bool { return e.ReadOnly == model.False }},
		{"Username", "maria.sec", func(e *model.Event) bool { return e.Username == "maria.sec" }},
		{"Username", "MARIA.SEC", func(e *model.Event) bool { return false }},
		{"Username", "skeddly-", func(e *model.Event) bool { return false }}, // exact, never a prefix
		{"ResourceType", "AWS::EC2::SecurityGroup", func(e *model.Event) bool { return len(e.Resources) == 2 }},
		{"ResourceName", "i-0003", func(e *model.Event) bool { return e.Resources[0].Name == "i-0003" }},
		{"EventSource", "ec2.amazonaws.com", func(e *model.Event) bool { return true }},
		{"EventSource", "EC2.amazonaws.com", func(e *model.Event) bool { return false }},
		{"AccessKeyId", "AKIA0002", func(e *model.Event) bool { return e.AccessKeyID == "AKIA0002" }},
	}
	for _, c := range cases {
		var want []string
		for i := range all {
			if c.want(&all[i]) {
				want = append(want, all[i].ID)
			}
		}
		got, _, err := pageAll(t, client(url, "eu-west-1", 1), &cloudtrail.LookupEventsInput{
			MaxResults:       aws.Int32(9),
			LookupAttributes: []types.LookupAttribute{{AttributeKey: types.LookupAttributeKey(c.key), AttributeValue: aws.String(c.value)}},
		})
		if err != nil {
			t.Fatalf("%s=%s: %v", c.key, c.value, err)
		}
		if !slices.Equal(ids(got), want) {
			t.Errorf("%s=%s: got %d events, want %d", c.key, c.value, len(got), len(want))
		}
	}
}

func TestTimeRangeIsInclusive(t *testing.T) {
	_, d, url := fixtureServer(t, Options{})
	start, end := fixtureEnd.Add(-10*time.Hour), fixtureEnd.Add(-2*time.Hour)
	var want []string
	for _, e := range d.Events("eu-west-1") {
		if !e.Time.Before(start) && !e.Time.After(end) {
			want = append(want, e.ID)
		}
	}
	got, _, err := pageAll(t, client(url, "eu-west-1", 1), &cloudtrail.LookupEventsInput{StartTime: &start, EndTime: &end, MaxResults: aws.Int32(4)})
	if err != nil || !slices.Equal(ids(got), want) || len(want) != 27 {
		t.Fatalf("got %v (%v), want the %d events of [start, end]", ids(got), err, len(want))
	}
	// Fractional seconds are accepted and compared exactly.
	frac := end.Add(-500 * time.Millisecond)
	got, _, err = pageAll(t, client(url, "eu-west-1", 1), &cloudtrail.LookupEventsInput{StartTime: &start, EndTime: &frac})
	if err != nil || len(got) != 24 {
		t.Fatalf("end half a second before an event: %d events, %v; want 24", len(got), err)
	}
}

func TestInvalidRequestsGetTheTypedErrors(t *testing.T) {
	s, _, url := fixtureServer(t, Options{})
	c := client(url, "eu-west-1", 1)
	attr := func(k, v string) types.LookupAttribute {
		return types.LookupAttribute{AttributeKey: types.LookupAttributeKey(k), AttributeValue: aws.String(v)}
	}
	later, earlier := fixtureEnd, fixtureEnd.Add(-time.Hour)
	first, err := c.LookupEvents(context.Background(), &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(5)})
	if err != nil || first.NextToken == nil {
		t.Fatalf("first page: %v", err)
	}
	token := *first.NextToken
	tampered := []byte(token)
	tampered[len(tampered)/2] ^= 1
	other := New(NewDataset(fixture()), Options{Quota: -1, Now: s.opts.Now})
	foreign, err := client(serve(t, other), "eu-west-1", 1).LookupEvents(context.Background(), &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(5)})
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, in *cloudtrail.LookupEventsInput, region string, target any) {
		t.Helper()
		_, err := client(url, region, 1).LookupEvents(context.Background(), in)
		if !errors.As(err, target) {
			t.Errorf("%s: got %v, want %T", name, err, target)
		}
	}
	var (
		attrs    *types.InvalidLookupAttributesException
		maxRes   *types.InvalidMaxResultsException
		timeR    *types.InvalidTimeRangeException
		category *types.InvalidEventCategoryException
		next     *types.InvalidNextTokenException
	)
	check("two attributes", &cloudtrail.LookupEventsInput{LookupAttributes: []types.LookupAttribute{attr("Username", "adam"), attr("EventName", "RunInstances")}}, "eu-west-1", &attrs)
	check("unknown key", &cloudtrail.LookupEventsInput{LookupAttributes: []types.LookupAttribute{attr("UserName", "adam")}}, "eu-west-1", &attrs)
	check("empty value", &cloudtrail.LookupEventsInput{LookupAttributes: []types.LookupAttribute{attr("Username", "")}}, "eu-west-1", &attrs)
	check("MaxResults 51", &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(51)}, "eu-west-1", &maxRes)
	check("MaxResults 0", &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(0)}, "eu-west-1", &maxRes)
	check("start after end", &cloudtrail.LookupEventsInput{StartTime: &later, EndTime: &earlier}, "eu-west-1", &timeR)
	check("category", &cloudtrail.LookupEventsInput{EventCategory: "management"}, "eu-west-1", &category)
	check("forged token", &cloudtrail.LookupEventsInput{NextToken: aws.String("page2-token")}, "eu-west-1", &next)
	check("tampered token", &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(5), NextToken: aws.String(string(tampered))}, "eu-west-1", &next)
	check("token with other parameters", &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(6), NextToken: &token}, "eu-west-1", &next)
	check("token of another region", &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(5), NextToken: &token}, "us-east-1", &next)
	check("token of another server", &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(5), NextToken: foreign.NextToken}, "eu-west-1", &next)

	// The genuine token still works after all that.
	if _, err := c.LookupEvents(context.Background(), &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(5), NextToken: &token}); err != nil {
		t.Fatalf("the genuine token: %v", err)
	}
	if st := s.Stats("eu-west-1"); st.Rejected != 11 {
		t.Errorf("Stats.Rejected = %d, want 11", st.Rejected)
	}
}

// A deferred server answers once its dataset is built, and requests that
// arrive before then wait rather than see an empty account.
func TestNewDeferredWaitsForItsDataset(t *testing.T) {
	release := make(chan struct{})
	events := []model.Event{{ID: "e1", Time: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Region: "eu-west-1", Name: "RunInstances", Raw: "{}"}}
	srv := NewDeferred(func() *Dataset { <-release; return NewDataset(events) }, Options{Quota: -1, Now: func() time.Time { return events[0].Time.Add(time.Hour) }})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	done := make(chan int)
	go func() {
		out, err := client(ts.URL, "eu-west-1", 1).LookupEvents(context.Background(), &cloudtrail.LookupEventsInput{})
		if err != nil {
			t.Error(err)
			done <- -1
			return
		}
		done <- len(out.Events)
	}()
	for srv.Stats("eu-west-1").Requests == 0 { // the request has arrived…
		time.Sleep(time.Millisecond)
	}
	select {
	case n := <-done: // …and must not be answered before the dataset exists
		t.Fatalf("answered with %d events before the dataset was built", n)
	default:
	}
	close(release)
	if n := <-done; n != 1 {
		t.Errorf("got %d events, want the dataset's 1", n)
	}
}

// A client signing with ever new region names cannot grow the server's
// per-region state, nor lock the real regions out: names of the wrong shape
// are refused as AWS refuses them and keep nothing; made-up names of the
// right shape share a bounded room; the real regions and the dataset's own
// always answer.
func TestMadeUpRegionsAreBounded(t *testing.T) {
	odd := syntheticRecord("zz-local-1", "odd-1") // a dataset region outside the real list
	srv := New(NewDataset(append(fixture(), odd)), Options{Quota: -1, Now: func() time.Time { return fixtureEnd }})
	url := serve(t, srv)
	code := func(region string) string {
		_, err := client(url, region, 1).LookupEvents(context.Background(), &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(1)})
		var apiErr interface{ ErrorCode() string }
		if errors.As(err, &apiErr) {
			return apiErr.ErrorCode()
		}
		if err != nil {
			return err.Error()
		}
		return ""
	}
	garbage := []string{"EU-WEST-1", "eu-west-100", "e-west-1", "europe-west-1", "eu-west", "eu--1", "eu-west-1-", "eu_west_1",
		"eu-west-1a", "eu-w3st-1", "x-1", strings.Repeat("a", 300), "eu-west-\u009b2J", "eu-west-1 ", "eu-west-é-1"}
	for i := range 300 {
		g := garbage[i%len(garbage)]
		if i >= len(garbage) {
			g = fmt.Sprintf("%s-%d", g, 100+i)
		}
		if got := rawCode(t, url, g); got != "InvalidSignatureException" {
			t.Fatalf("region %q: got %q, want InvalidSignatureException", g, got)
		}
	}
	srv.mu.Lock()
	n := len(srv.regions)
	srv.mu.Unlock()
	if n != 0 {
		t.Fatalf("300 refused scopes left state for %d regions", n)
	}
	for i := range 300 {
		region := fmt.Sprintf("zz-made%c%c-%d", 'a'+i/26%26, 'a'+i%26, i%100)
		got := code(region)
		if i < maxMadeUpRegions && got != "" || i >= maxMadeUpRegions && got != "UnrecognizedClientException" {
			t.Fatalf("well-shaped made-up region %d %s: got %q", i, region, got)
		}
	}
	for _, region := range []string{"eu-west-1", "us-east-1", "ap-south-1", "us-gov-east-1", "ap-southeast-7", "zz-local-1"} {
		if got := code(region); got != "" {
			t.Errorf("real or dataset region %s after the flood: %q", region, got)
		}
	}
	srv.mu.Lock()
	n = len(srv.regions)
	srv.mu.Unlock()
	if n > maxMadeUpRegions+6 {
		t.Errorf("the server keeps state for %d regions", n)
	}
}

// rawCode sends a LookupEvents request signed for any region name, as a
// hostile client would (the SDK refuses to sign some), and returns the
// error code of the answer ("" for 200).
func rawCode(t *testing.T, url, region string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader("{}"))
	req.Header.Set("X-Amz-Target", lookupEventsTarget)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/"+region+"/cloudtrail/aws4_request, SignedHeaders=host, Signature=00")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		return ""
	}
	var body struct {
		Type string `json:"__type"`
	}
	json.NewDecoder(resp.Body).Decode(&body)
	return body.Type
}

func syntheticRecord(region, id string) model.Event {
	return model.Event{ID: id, Time: fixtureEnd, Region: region, Name: "DescribeInstances", Raw: `{"eventName":"DescribeInstances"}`}
}
