package lookup

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"lazytrail/fetch/localtrail"
	"lazytrail/model"
)

// randomDataset spreads events over regions with many ties at the same
// second, within and across regions, and some empty regions (which the
// endpoint simply does not know: it answers them with no events).
func randomDataset(rng *rand.Rand, regions []string, perRegion int) []model.Event {
	var evs []model.Event
	for _, r := range regions {
		if rng.IntN(5) == 0 {
			continue
		}
		at := demoEnd
		for i := range rng.IntN(perRegion) {
			if rng.IntN(3) == 0 {
				at = at.Add(-time.Duration(1+rng.IntN(4)) * time.Second)
			}
			evs = append(evs, syntheticEvent(r, i, at, fmt.Sprintf("user-%d", rng.IntN(5))))
		}
	}
	return evs
}

// The property test end to end: random datasets through the real SDK and
// the endpoint, with a region repeating events across pages, a region whose
// tokens expire mid-query, and a region failing midway, always merge into
// the global order with nothing lost or doubled.
func TestStreamMergesRandomDatasetsWithFaults(t *testing.T) {
	regions := []string{"ap-south-1", "eu-west-1", "sa-east-1", "us-east-1", "us-west-2"}
	const pageSize = 5
	for seed := range uint64(12) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 11))
			evs := randomDataset(rng, regions, 40)
			ds := localtrail.NewDataset(evs)
			srv, url := endpoint(t, ds, localtrail.Options{Quota: -1})
			srv.SetFault("eu-west-1", localtrail.Fault{DuplicateAcrossPages: true})
			// Resuming from the last second seen re-reads that second, so a
			// query must outlive one second's events: tokens last 3+ pages.
			srv.SetFault("us-east-1", localtrail.Fault{ExpireTokenAfter: 3 + rng.IntN(3)})
			failAfter := 1 + rng.IntN(3) // sa-east-1 answers this many pages, then 500s for good
			srv.SetFault("sa-east-1", localtrail.Fault{InternalEvery: failAfter + 1})

			opts := testOptions(url, 1000)
			opts.PageSize = pageSize
			opts.MaxAttempts = 1 // so the 500 fails the region instead of being retried
			s := OpenAccounts(t.Context(), Query{Regions: regions, End: demoEnd}, opts)
			defer s.Close()
			// A consumer asking for a few events at a time, as a scrolling
			// list does.
			var got []model.Event
			for ended := false; !ended; {
				var more []model.Event
				more, ended = takeMatching(t, s, nil, 1+rng.IntN(3*pageSize))
				got = append(got, more...)
			}

			// sa-east-1 delivers exactly its first failAfter pages.
			sa := ds.Events("sa-east-1")
			kept := map[string]bool{}
			for _, e := range sa[:min(len(sa), failAfter*pageSize)] {
				kept[e.ID] = true
			}
			want := globalOrder(datasetKeys(ds, func(e *model.Event) bool {
				return e.Region != "sa-east-1" || kept[e.ID]
			}))
			if !slices.Equal(ids(got), want) {
				t.Logf("progress %+v", s.Progress())
			}
			checkOrder(t, got, want)
			for _, p := range s.Progress() {
				wantState := model.RegionDone
				if p.Region == "sa-east-1" && len(sa) > failAfter*pageSize {
					wantState = model.RegionFailed
				}
				if p.State != wantState {
					t.Errorf("%s ended %s (%q), want %s", p.Region, p.State, p.Err, wantState)
				}
			}
		})
	}
}

func TestStreamResumesAfterExpiredTokenWithoutLossOrDuplicates(t *testing.T) {
	var evs []model.Event
	for i := range 300 {
		evs = append(evs, syntheticEvent("eu-west-1", i, demoEnd.Add(-time.Duration(i/7)*time.Second), "adam"))
	}
	ds := localtrail.NewDataset(evs)
	srv, url := endpoint(t, ds, localtrail.Options{Quota: -1})
	srv.SetFault("eu-west-1", localtrail.Fault{ExpireTokenAfter: 2})
	opts := testOptions(url, 1000)
	opts.PageSize = 10
	s := OpenAccounts(t.Context(), Query{Regions: []string{"eu-west-1"}, End: demoEnd}, opts)
	defer s.Close()
	got := drain(t, s, nil, len(evs)+1)
	checkOrder(t, got, globalOrder(datasetKeys(ds, nil)))
	st := s.Stats()
	if st.Resumes == 0 || st.Duplicates == 0 {
		t.Fatalf("expected resumes that re-read the boundary second, got %+v", st)
	}
}

// With the endpoint's quota equal to the client's pace, no request is
// throttled or fails; with a throttling storm on top, the SDK's retries get
// every page through.
func TestPacingMeetsTheQuota(t *testing.T) {
	regions := []string{"eu-west-1", "us-east-1", "us-west-2"}
	var evs []model.Event
	for _, r := range regions {
		for i := range 60 {
			evs = append(evs, syntheticEvent(r, i, demoEnd.Add(-time.Duration(i)*time.Minute), "adam"))
		}
	}
	ds := localtrail.NewDataset(evs)
	const quota = 20
	for _, storm := range []bool{false, true} {
		t.Run(fmt.Sprintf("storm=%v", storm), func(t *testing.T) {
			srv, url := endpoint(t, ds, localtrail.Options{Quota: quota})
			if storm {
				for _, r := range regions {
					srv.SetFault(r, localtrail.Fault{ThrottleEvery: 3})
				}
			}
			opts := testOptions(url, quota)
			opts.PageSize = 5
			opts.MaxBackoff = 20 * time.Millisecond
			s := OpenAccounts(t.Context(), Query{Regions: regions, End: demoEnd}, opts)
			defer s.Close()
			got := drain(t, s, nil, len(evs)+1)
			checkOrder(t, got, globalOrder(datasetKeys(ds, nil)))
			st := s.Stats()
			if st.Failed != 0 {
				t.Fatalf("%d requests failed: %+v", st.Failed, st)
			}
			if !storm && st.Throttles != 0 {
				t.Fatalf("paced at the quota but %d attempts were throttled: %+v", st.Throttles, st)
			}
			if storm && (st.Throttles == 0 || st.Retries < st.Throttles) {
				t.Fatalf("a third of the requests should be throttled and retried: %+v", st)
			}
			for _, p := range s.Progress() {
				if storm && p.Throttles == 0 {
					t.Errorf("%s reports no throttles in a storm", p.Region)
				}
			}
		})
	}
}

// A region that hangs: each attempt times out and is retried, the region
// fails with a timeout, and the others carry on.
func TestHangingRegionTimesOutAndOthersCarryOn(t *testing.T) {
	regions := []string{"eu-west-1", "us-east-1"}
	var evs []model.Event
	for _, r := range regions {
		for i := range 30 {
			evs = append(evs, syntheticEvent(r, i, demoEnd.Add(-time.Duration(i)*time.Minute), "adam"))
		}
	}
	ds := localtrail.NewDataset(evs)
	srv, url := endpoint(t, ds, localtrail.Options{Quota: -1})
	srv.SetFault("eu-west-1", localtrail.Fault{Hang: true})
	opts := testOptions(url, 1000)
	opts.PageSize = 10
	opts.RequestTimeout = time.Second // generous: the healthy region must never time out on a loaded machine
	opts.MaxAttempts = 2
	s := OpenAccounts(t.Context(), Query{Regions: regions, End: demoEnd}, opts)
	defer s.Close()
	got := drain(t, s, nil, len(evs)+1)
	checkOrder(t, got, globalOrder(datasetKeys(ds, func(e *model.Event) bool { return e.Region == "us-east-1" })))
	p := s.Progress()[0]
	if p.State != model.RegionFailed || !strings.Contains(p.Err, "timed out") || p.Retries != 1 {
		t.Fatalf("hanging region: %+v, want failed with a timeout after one retry", p)
	}
	if hung := srv.Stats("eu-west-1").Hung; hung != 2 {
		t.Fatalf("endpoint saw %d hung attempts, want 2", hung)
	}
}

// Close during hanging requests and backoffs returns promptly and leaves no
// goroutine behind.
func TestCloseDuringHangsLeavesNothingBehind(t *testing.T) {
	defer goleak.VerifyNone(t)
	regions := []string{"eu-west-1", "us-east-1", "us-west-2"}
	var evs []model.Event
	for _, r := range regions {
		evs = append(evs, syntheticEvent(r, 0, demoEnd, "adam"))
	}
	srv := localtrail.New(localtrail.NewDataset(evs), localtrail.Options{Quota: -1})
	hs := newServer(srv)
	defer hs.Close()
	defer shutdown(srv)
	srv.SetFault("eu-west-1", localtrail.Fault{Hang: true})
	srv.SetFault("us-east-1", localtrail.Fault{InternalEvery: 1}) // backing off between retries
	opts := testOptions(hs.URL, 1000)
	opts.RequestTimeout = time.Hour
	opts.MaxBackoff = time.Hour
	opts.MaxAttempts = 100
	s := OpenAccounts(context.Background(), Query{Regions: regions, End: demoEnd}, opts)
	s.Want(nil, 10)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for srv.Stats("eu-west-1").Hung == 0 || srv.Stats("us-east-1").Faulted == 0 {
		if _, ok := s.Next(ctx); !ok {
			t.Fatal("stream ended before the faults were met")
		}
	}
	s.Close()
	if b, ok := s.Next(ctx); ok {
		t.Fatalf("Next after Close returned %d events, want the end", len(b.Events))
	}
	if p := s.Progress(); slices.ContainsFunc(p, func(p model.RegionProgress) bool { return p.Region == "eu-west-1" && p.Finished() }) {
		t.Fatalf("the hanging region cannot have finished: %+v", p)
	}
}

// Cancelling the context given to Open ends the stream for its consumer
// too, even while a region hangs.
func TestCancelledOpenContextEndsNext(t *testing.T) {
	srv, url := endpoint(t, localtrail.NewDataset([]model.Event{syntheticEvent("eu-west-1", 0, demoEnd, "adam")}), localtrail.Options{Quota: -1})
	srv.SetFault("eu-west-1", localtrail.Fault{Hang: true})
	ctx, cancel := context.WithCancel(t.Context())
	s := OpenAccounts(ctx, Query{Regions: []string{"eu-west-1"}, End: demoEnd}, testOptions(url, 1000))
	defer s.Close()
	s.Want(nil, 1)
	for paging := false; !paging; {
		b, ok := s.Next(t.Context())
		if !ok {
			t.Fatal("stream ended before the region started paging")
		}
		paging = b.Progress[0].State == model.RegionPaging
	}
	cancel()
	for {
		if _, ok := s.Next(t.Context()); !ok {
			return
		}
	}
}

func ids(evs []model.Event) []string {
	out := make([]string, len(evs))
	for i := range evs {
		out[i] = evs[i].ID
	}
	return out
}
