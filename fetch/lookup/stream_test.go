package lookup

import (
	"strings"
	"sync"
	"testing"
	"time"

	"lazytrail/fetch/localtrail"
	"lazytrail/model"
)

// The acceptance test: every skeddly- event of the demo account,
// across all regions, newest first, no duplicates, compared with a
// computation straight over the endpoint's data.
func TestDemoSkeddlyPrefixAcrossRegions(t *testing.T) {
	ds := demoDataset()
	_, url := endpoint(t, ds, localtrail.Options{Quota: -1})
	start := demoEnd.Add(-History)
	if raceDetector {
		start = demoEnd.Add(-15 * 24 * time.Hour)
	}
	inRange := func(e *model.Event) bool { return !e.Time.Before(start) && !e.Time.After(demoEnd) }
	s := OpenAccounts(t.Context(), Query{Regions: ds.Regions(), Start: start, End: demoEnd}, testOptions(url, 1000))
	defer s.Close()

	match := model.ParseFilter("skeddly-").Match
	all := drain(t, s, match, ds.Len()+1)

	var skeddly []model.Event
	for i := range all {
		if match(&all[i]) {
			skeddly = append(skeddly, all[i])
		}
	}
	want := globalOrder(datasetKeys(ds, func(e *model.Event) bool {
		return inRange(e) && strings.HasPrefix(strings.ToLower(e.Username), "skeddly-")
	}))
	if len(want) == 0 {
		t.Fatal("the demo account has no skeddly- events to find")
	}
	checkOrder(t, skeddly, want)
	checkOrder(t, all, globalOrder(datasetKeys(ds, inRange)))
	for _, p := range s.Progress() {
		if p.State != model.RegionDone {
			t.Errorf("region %s ended %s (%s), want done", p.Region, p.State, p.Err)
		}
	}
	t.Logf("%d skeddly- events of %d; %+v", len(skeddly), len(all), s.Stats())
}

// --limit 20: the first twenty skeddly- events cost about one request per
// region, not a scan.
func TestDemoSkeddlyLimitStopsEarly(t *testing.T) {
	ds := demoDataset()
	_, url := endpoint(t, ds, localtrail.Options{Quota: -1})
	s := OpenAccounts(t.Context(), Query{Regions: ds.Regions(), End: demoEnd}, testOptions(url, 1000))

	match := model.ParseFilter("skeddly-").Match
	got, _ := takeMatching(t, s, match, 20)
	s.Close()

	var skeddly []model.Event
	for i := range got {
		if match(&got[i]) {
			skeddly = append(skeddly, got[i])
		}
	}
	want := globalOrder(datasetKeys(ds, func(e *model.Event) bool {
		return strings.HasPrefix(strings.ToLower(e.Username), "skeddly-")
	}))
	if len(skeddly) < 20 {
		t.Fatalf("got %d skeddly- events, want 20", len(skeddly))
	}
	checkOrder(t, skeddly, want[:len(skeddly)])
	// The least any merge can do: every region must page back past the
	// 20th event's time (or to its end) before that event is safe to show.
	least := pagesToReach(ds, eventTime(ds, want[19]), 50)
	regions := len(ds.Regions())
	st := s.Stats()
	t.Logf("%d requests over %d regions for the first 20 skeddly- events; at least %d needed, a full scan takes %d",
		st.Requests, regions, least, (ds.Len()+49)/50)
	// Regions page ahead while they buffer less than a page, so that a scan
	// keeps every region busy: that costs at most one page per region
	// beyond the least.
	if st.Requests > least+regions {
		t.Fatalf("%d requests, want at most %d (the least needed, %d, plus one per region) (%+v)", st.Requests, least+regions, least, st)
	}
}

// demoDataset is the demo account, built once for every test that reads it.
var demoDataset = sync.OnceValue(func() *localtrail.Dataset { return localtrail.Demo(demoEnd) })

// pagesToReach is how many pages of size each region needs until one
// holds an event at or before t, or the region's history ends.
func pagesToReach(ds *localtrail.Dataset, t time.Time, size int) int {
	total := 0
	for _, r := range ds.Regions() {
		evs := ds.Events(r)
		n := 0
		for n < len(evs) && evs[n].Time.After(t) {
			n++
		}
		total += n/size + 1
	}
	return total
}

func eventTime(ds *localtrail.Dataset, id string) time.Time {
	for _, r := range ds.Regions() {
		for _, e := range ds.Events(r) {
			if e.ID == id {
				return e.Time
			}
		}
	}
	panic("no event " + id)
}

// --lookup Username=adam is pushed down: the endpoint does the filtering,
// and the stream delivers exactly adam's events in global order.
func TestLookupIsPushedDown(t *testing.T) {
	ds := demoDataset()
	srv, url := endpoint(t, ds, localtrail.Options{Quota: -1})
	attr, err := ParseAttribute("username=adam")
	if err != nil {
		t.Fatal(err)
	}
	s := OpenAccounts(t.Context(), Query{Regions: ds.Regions(), End: demoEnd, Lookup: &attr}, testOptions(url, 1000))
	defer s.Close()
	got := drain(t, s, nil, ds.Len()+1)
	want := globalOrder(datasetKeys(ds, func(e *model.Event) bool { return e.Username == "adam" }))
	if len(want) == 0 {
		t.Fatal("the demo account has no events by adam")
	}
	checkOrder(t, got, want)
	served := 0
	for _, r := range ds.Regions() {
		served += srv.Stats(r).Events
	}
	if served != len(want) {
		t.Fatalf("the endpoint served %d events for %d of adam's: the lookup was not pushed down", served, len(want))
	}
}
