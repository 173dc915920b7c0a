package localtrail

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/smithy-go"
)

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func TestQuotaThrottlesABurstAndRetriesGetThrough(t *testing.T) {
	s, _, url := fixtureServer(t, Options{Quota: 20, Burst: 1})
	c := client(url, "eu-west-1", 1000) // attempts enough that only the quota decides
	const calls = 12
	var wg sync.WaitGroup
	errs := make(chan error, calls)
	for range calls {
		wg.Go(func() {
			_, err := c.LookupEvents(context.Background(), &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(3)})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("a call failed despite retries: %v", err)
		}
	}
	st := s.Stats("eu-west-1")
	if st.Throttled == 0 || st.Served != calls || st.Requests != calls+st.Throttled {
		t.Fatalf("stats %+v: want throttles, %d served, every request counted", st, calls)
	}
	// Another region has its own bucket.
	if st := s.Stats("us-east-1"); st.Requests != 0 {
		t.Fatalf("us-east-1 saw requests: %+v", st)
	}
}

func TestQuotaAnswersThrottlingExceptionLikeAWS(t *testing.T) {
	s, _, url := fixtureServer(t, Options{})
	s.SetQuota("eu-west-1", 0.001, 1) // one request, then nothing for a long while
	c := client(url, "eu-west-1", 1)
	if _, err := c.LookupEvents(context.Background(), &cloudtrail.LookupEventsInput{}); err != nil {
		t.Fatal(err)
	}
	_, err := c.LookupEvents(context.Background(), &cloudtrail.LookupEventsInput{})
	var re *awshttp.ResponseError
	if apiCode(err) != "ThrottlingException" || !errors.As(err, &re) || re.HTTPStatusCode() != 400 || re.ServiceRequestID() == "" {
		t.Fatalf("got %v; want a 400 ThrottlingException with a request id", err)
	}
	if st := s.Stats("eu-west-1"); st.Throttled != 1 || st.Served != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestUnknownOperationIsRefusedLikeAWS(t *testing.T) {
	_, _, url := fixtureServer(t, Options{})
	_, err := client(url, "eu-west-1", 1).DescribeTrails(context.Background(), &cloudtrail.DescribeTrailsInput{})
	if apiCode(err) != "UnknownOperationException" {
		t.Fatalf("DescribeTrails: %v; want UnknownOperationException", err)
	}
}

func TestDenialFaults(t *testing.T) {
	s, _, url := fixtureServer(t, Options{})
	s.SetFault("eu-west-2", Fault{AccessDenied: true})
	s.SetFault("ap-east-1", Fault{UnrecognizedClient: true})
	for region, code := range map[string]string{"eu-west-2": "AccessDeniedException", "ap-east-1": "UnrecognizedClientException"} {
		_, err := client(url, region, 3).LookupEvents(context.Background(), &cloudtrail.LookupEventsInput{})
		if apiCode(err) != code {
			t.Errorf("%s: %v; want %s", region, err, code)
		}
		if st := s.Stats(region); st.Faulted != 1 || st.Requests != 1 {
			t.Errorf("%s: %+v; want one faulted request (not retried)", region, st)
		}
	}
	// The other regions carry on.
	if _, err := client(url, "eu-west-1", 1).LookupEvents(context.Background(), &cloudtrail.LookupEventsInput{}); err != nil {
		t.Fatal(err)
	}
	s.SetFault("eu-west-2", Fault{})
	if _, err := client(url, "eu-west-2", 1).LookupEvents(context.Background(), &cloudtrail.LookupEventsInput{}); err != nil {
		t.Fatalf("healed region: %v", err)
	}
}

func TestInternalFailureEveryNthIsRetried(t *testing.T) {
	s, d, url := fixtureServer(t, Options{})
	s.SetFault("eu-west-1", Fault{InternalEvery: 1})
	_, err := client(url, "eu-west-1", 1).LookupEvents(context.Background(), &cloudtrail.LookupEventsInput{})
	var re *awshttp.ResponseError
	if apiCode(err) != "InternalFailure" || !errors.As(err, &re) || re.HTTPStatusCode() != 500 {
		t.Fatalf("got %v; want HTTP 500 InternalFailure", err)
	}
	s.SetFault("eu-west-1", Fault{InternalEvery: 2})
	got, pages, err := pageAll(t, client(url, "eu-west-1", 3), &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(20)})
	if err != nil || !slices.Equal(ids(got), eventIDs(d.Events("eu-west-1"))) {
		t.Fatalf("paging through every other request failing: %d events, %v", len(got), err)
	}
	// Requests 2, 4, 6… fail: every page after the first meets one, plus
	// the one from InternalEvery 1.
	if st := s.Stats("eu-west-1"); st.Faulted != pages {
		t.Fatalf("stats %+v; want %d faults", st, pages)
	}
}

func TestThrottleEveryThirdRequestIsAStormTheSDKRidesOut(t *testing.T) {
	s, d, url := fixtureServer(t, Options{})
	s.SetFault("eu-west-1", Fault{ThrottleEvery: 3})
	got, pages, err := pageAll(t, client(url, "eu-west-1", 5), &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(10)})
	if err != nil || !slices.Equal(ids(got), eventIDs(d.Events("eu-west-1"))) {
		t.Fatalf("%d events, %v", len(got), err)
	}
	st := s.Stats("eu-west-1")
	if st.Served != pages || st.Throttled != st.Requests/3 || st.Throttled == 0 {
		t.Fatalf("stats %+v; want exactly a third of %d requests throttled", st, st.Requests)
	}
}

func TestHangEndsWhenTheClientGivesUp(t *testing.T) {
	s, _, url := fixtureServer(t, Options{})
	s.SetFault("eu-west-1", Fault{HangEvery: 2})
	c := client(url, "eu-west-1", 1)
	if _, err := c.LookupEvents(context.Background(), &cloudtrail.LookupEventsInput{}); err != nil {
		t.Fatalf("first request: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := c.LookupEvents(ctx, &cloudtrail.LookupEventsInput{})
		done <- err
	}()
	waitFor(t, func() bool { return s.Stats("eu-west-1").Hung == 1 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("hung request: %v; want it cancelled by the client", err)
	}
}

func TestShutdownEndsHungRequests(t *testing.T) {
	s := New(NewDataset(fixture()), Options{Quota: -1})
	url, err := s.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.SetFault("eu-west-1", Fault{Hang: true})
	done := make(chan error)
	go func() {
		_, err := client(url, "eu-west-1", 1).LookupEvents(context.Background(), &cloudtrail.LookupEventsInput{})
		done <- err
	}()
	waitFor(t, func() bool { return s.Stats("eu-west-1").Hung == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if err := <-done; err == nil {
		t.Fatal("the hung request succeeded; want the connection dropped")
	}
	if _, err := client(url, "eu-west-1", 1).LookupEvents(context.Background(), &cloudtrail.LookupEventsInput{}); err == nil {
		t.Fatal("served after Shutdown")
	}
}

// waitFor polls a condition on the server's state (not on time).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-t.Context().Done():
			t.Fatal("condition never held")
		case <-time.After(time.Millisecond):
		}
	}
}

func TestMalformedEveryKthEvent(t *testing.T) {
	s, d, url := fixtureServer(t, Options{})
	s.SetFault("eu-west-1", Fault{MalformedEvery: 3})
	got, _, err := pageAll(t, client(url, "eu-west-1", 1), &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(4)})
	if err != nil || !slices.Equal(ids(got), eventIDs(d.Events("eu-west-1"))) {
		t.Fatalf("%d events, %v", len(got), err)
	}
	bad := 0
	for i, e := range got {
		valid := json.Valid([]byte(aws.ToString(e.CloudTrailEvent)))
		if valid == ((i+1)%3 == 0) {
			t.Fatalf("event %d: valid JSON %v", i+1, valid)
		}
		if !valid {
			bad++
		}
	}
	if st := s.Stats("eu-west-1"); st.Malformed != bad || bad != len(got)/3 {
		t.Fatalf("stats %+v, %d malformed", st, bad)
	}
}

func TestDuplicateAcrossPages(t *testing.T) {
	s, d, url := fixtureServer(t, Options{})
	s.SetFault("eu-west-1", Fault{DuplicateAcrossPages: true})
	got, pages, err := pageAll(t, client(url, "eu-west-1", 1), &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(10)})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != d.Len()-5+pages-1 {
		t.Fatalf("%d events on %d pages; want every event plus one repeat per later page", len(got), pages)
	}
	seen := map[string]bool{}
	var unique []string
	for _, id := range ids(got) {
		if !seen[id] {
			seen[id] = true
			unique = append(unique, id)
		}
	}
	if !slices.Equal(unique, eventIDs(d.Events("eu-west-1"))) {
		t.Fatal("without repeats the events are not the dataset in order")
	}
	if st := s.Stats("eu-west-1"); st.Duplicated != pages-1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestExpireTokenAfterNPages(t *testing.T) {
	s, _, url := fixtureServer(t, Options{})
	s.SetFault("eu-west-1", Fault{ExpireTokenAfter: 2})
	got, pages, err := pageAll(t, client(url, "eu-west-1", 3), &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(10)})
	var expired *types.InvalidNextTokenException
	if !errors.As(err, &expired) || pages != 2 || len(got) != 20 {
		t.Fatalf("after %d pages (%d events): %v; want InvalidNextTokenException on the third", pages, len(got), err)
	}
	// A fresh query starts counting again.
	if _, err := client(url, "eu-west-1", 1).LookupEvents(context.Background(), &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(10)}); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats("eu-west-1"); st.Faulted != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestShutdownEndsRequestsWaitingOutTheirLatency(t *testing.T) {
	s := New(NewDataset(fixture()), Options{Quota: -1})
	url, err := s.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.SetLatency("eu-west-1", time.Hour) // a request would succeed at once if latency were ignored
	done := make(chan error)
	go func() {
		_, err := client(url, "eu-west-1", 1).LookupEvents(context.Background(), &cloudtrail.LookupEventsInput{})
		done <- err
	}()
	waitFor(t, func() bool { return s.Stats("eu-west-1").Requests == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if err := <-done; err == nil {
		t.Fatal("the delayed request was answered; want it dropped by Shutdown")
	}
	if st := s.Stats("eu-west-1"); st.Served != 0 {
		t.Fatalf("stats %+v", st)
	}
}
