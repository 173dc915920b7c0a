package fetch_test

import (
	"slices"
	"testing"
	"time"

	"lazytrail/fetch"
	"lazytrail/fetch/localtrail"
	"lazytrail/fetch/lookup"
	"lazytrail/model"
)

// Want(nil, 0) stops a scan: once the requests in flight return, no
// partition may fetch again and nothing more is requested. LookupEvents
// over the local endpoint drives it: small pages, many of them.
func TestWantZeroStopsTheScan(t *testing.T) {
	end := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	ds := localtrail.Demo(end)
	src, err := lookup.Serve(localtrail.New(ds, localtrail.Options{Quota: -1}), ds.Regions(), "demo",
		lookup.Settings{Rate: 1000, Span: fetch.Span{Start: end.Add(-lookup.History), End: end}})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	stream, _ := src.Open(t.Context(), model.Request{})
	s := stream.(*fetch.Stream)
	defer s.Close()
	s.Want(func(*model.Event) bool { return false }, 1)
	ctx := t.Context()
	for s.Stats().Pages < 3*len(ds.Regions()) {
		if _, ok := s.Next(ctx); !ok {
			t.Fatal("stream ended during the scan")
		}
	}
	s.Want(nil, 0)
	for busy := true; busy; {
		b, ok := s.Next(ctx)
		if !ok {
			t.Fatal("stream ended instead of going idle")
		}
		busy = slices.ContainsFunc(b.Progress, func(p model.RegionProgress) bool {
			return p.State == model.RegionPaging || p.State == model.RegionThrottled
		})
	}
	if still := s.Fetchable(); len(still) > 0 {
		t.Fatalf("regions %v may still fetch after Want(nil, 0)", still)
	}
	if pages := s.Stats().Pages; pages >= ds.Len()/50 {
		t.Fatalf("the scan ran to the end (%d pages) instead of stopping", pages)
	}
}
