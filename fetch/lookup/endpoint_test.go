package lookup

import (
	"cmp"
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"lazytrail/fetch"
	"lazytrail/fetch/localtrail"
	"lazytrail/model"
)

// demoEnd pins the demo account so every run sees the same data.
var demoEnd = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// endpoint serves ds through the local CloudTrail endpoint on a loopback
// port for the length of the test.
func endpoint(t testing.TB, ds *localtrail.Dataset, o localtrail.Options) (*localtrail.Server, string) {
	t.Helper()
	srv := localtrail.New(ds, o)
	hs := newServer(srv)
	t.Cleanup(hs.Close)
	t.Cleanup(func() { shutdown(srv) })
	return srv, hs.URL
}

// shutdown ends the endpoint's hung requests: a hung handler that has not
// read its request body cannot see the client leave.
func shutdown(srv *localtrail.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
}

func newServer(srv *localtrail.Server) *httptest.Server { return httptest.NewServer(srv) }

// testOptions talks to url with static test credentials, paced at rate.
func testOptions(url string, rate float64) Options {
	return Options{
		AWS: aws.Config{
			Region:      "us-east-1",
			Credentials: credentials.NewStaticCredentialsProvider("AKIDLAZYTRAILTEST", "test-secret", ""),
		},
		EndpointURL:    url,
		Rate:           rate,
		RequestTimeout: 5 * time.Second,
		MaxBackoff:     200 * time.Millisecond,
	}
}

// drain hands the stream a demand and collects every batch until the
// stream ends, checking the batches' contract on the way.
func drain(t testing.TB, s *fetch.Stream, match func(*model.Event) bool, n int) []model.Event {
	t.Helper()
	s.Want(match, n)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var all []model.Event
	for {
		b, ok := s.Next(ctx)
		if !ok {
			if ctx.Err() != nil {
				t.Fatalf("stream did not end: %d events so far, progress %+v", len(all), s.Progress())
			}
			return all
		}
		if parts := len(s.Progress()); len(b.Progress) != parts {
			t.Fatalf("batch has progress for %d partitions, want %d", len(b.Progress), parts)
		}
		all = append(all, b.Events...)
	}
}

// takeMatching reads batches until at least n released events match, as
// a consumer that counts what it asked for does; ended reports that the
// stream ended first.
func takeMatching(t testing.TB, s *fetch.Stream, match func(*model.Event) bool, n int) (all []model.Event, ended bool) {
	t.Helper()
	s.Want(match, n)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	matched := 0
	for matched < n {
		b, ok := s.Next(ctx)
		if !ok {
			if ctx.Err() != nil {
				t.Fatalf("no %d matching events within a minute: %+v", n, s.Progress())
			}
			return all, true
		}
		for i := range b.Events {
			if match == nil || match(&b.Events[i]) {
				matched++
			}
		}
		all = append(all, b.Events...)
	}
	return all, false
}

type eventKey struct {
	id, region string
	at         time.Time
}

// globalOrder is the independent computation of what the stream must
// deliver: the given events of every region, newest first, ties by region
// then id, as event ids.
func globalOrder(events []eventKey) []string {
	slices.SortFunc(events, func(a, b eventKey) int {
		return cmp.Or(b.at.Compare(a.at), strings.Compare(a.id, b.id))
	})
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.id
	}
	return out
}

func datasetKeys(ds *localtrail.Dataset, keep func(*model.Event) bool) []eventKey {
	var keys []eventKey
	for _, r := range ds.Regions() {
		for _, e := range ds.Events(r) {
			if keep == nil || keep(&e) {
				keys = append(keys, eventKey{e.ID, r, e.Time})
			}
		}
	}
	return keys
}

func checkOrder(t testing.TB, got []model.Event, want []string) {
	t.Helper()
	ids := make([]string, len(got))
	seen := map[string]bool{}
	for i, e := range got {
		ids[i] = e.ID
		if seen[e.ID] {
			t.Fatalf("event %s delivered twice", e.ID)
		}
		seen[e.ID] = true
		if i > 0 && e.Time.After(got[i-1].Time) {
			t.Fatalf("event %d (%s at %s) is newer than the one before it (%s)", i, e.ID, e.Time, got[i-1].Time)
		}
	}
	if !slices.Equal(ids, want) {
		first := 0
		for first < min(len(ids), len(want)) && ids[first] == want[first] {
			first++
		}
		t.Fatalf("delivered %d events, want %d; first difference at %d", len(ids), len(want), first)
	}
}

// syntheticEvent is a minimal but real event: the record is what
// CloudTrail would put in CloudTrailEvent.
func syntheticEvent(region string, i int, at time.Time, user string) model.Event {
	id := fmt.Sprintf("%s-%05d", region, i)
	raw := fmt.Sprintf(`{"eventVersion":"1.11","eventID":%q,"eventTime":%q,"awsRegion":%q,"eventName":"DescribeInstances",`+
		`"eventSource":"ec2.amazonaws.com","userIdentity":{"type":"IAMUser","userName":%q}}`,
		id, at.UTC().Format(time.RFC3339), region, user)
	return model.Event{ID: id, Time: at, Region: region, Name: "DescribeInstances", Source: "ec2.amazonaws.com",
		Username: user, ReadOnly: model.True, Raw: raw}
}
