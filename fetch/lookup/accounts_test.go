package lookup

import (
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"lazytrail/fetch/localtrail"
	"lazytrail/model"
)

// Several accounts (--profile a,b): every account × region is a partition
// of one merge, each account with its own endpoint, quota and regions; the
// events come out in one global order, each exactly once, labelled with
// the account they were read for.
func TestOpenAccountsMergesEveryAccountAndRegion(t *testing.T) {
	account := func(name string, regions []string, n int, offset time.Duration) (*localtrail.Dataset, []model.Event) {
		var evs []model.Event
		for _, r := range regions {
			for i := range n {
				e := syntheticEvent(r, i, demoEnd.Add(-offset-time.Duration(i)*7*time.Second), "user-"+name)
				e.ID = name + "-" + e.ID
				evs = append(evs, e)
			}
		}
		return localtrail.NewDataset(evs), evs
	}
	dsA, evsA := account("a", []string{"eu-west-1", "us-east-1"}, 120, 0)
	dsB, evsB := account("b", []string{"eu-west-1", "ap-southeast-2", "us-east-1"}, 90, 3*time.Second)
	srvA, urlA := endpoint(t, dsA, localtrail.Options{Quota: -1})
	srvB, urlB := endpoint(t, dsB, localtrail.Options{Quota: -1})

	optsA := testOptions(urlA, 1000)
	optsA.Account, optsA.Regions = "a", dsA.Regions()
	optsB := testOptions(urlB, 1000)
	optsB.Account, optsB.Regions = "b", dsB.Regions()
	s := OpenAccounts(t.Context(), Query{Start: demoEnd.Add(-History), End: demoEnd}, optsA, optsB)
	defer s.Close()
	got := drain(t, s, nil, len(evsA)+len(evsB)+1)

	// The independent order: every event of both accounts, newest first.
	want := append(slices.Clone(evsA), evsB...)
	sort.SliceStable(want, func(i, j int) bool { return want[i].Time.After(want[j].Time) })
	if len(got) != len(want) {
		t.Fatalf("%d events, want %d", len(got), len(want))
	}
	seen := map[string]bool{}
	for i := range got {
		if seen[got[i].ID] {
			t.Fatalf("event %s twice", got[i].ID)
		}
		seen[got[i].ID] = true
		if !got[i].Time.Equal(want[i].Time) {
			t.Fatalf("event %d at %v, want %v: not in global order", i, got[i].Time, want[i].Time)
		}
		if wantAcct := got[i].ID[:1]; got[i].Account != wantAcct {
			t.Fatalf("event %s labelled account %q, want %q", got[i].ID, got[i].Account, wantAcct)
		}
	}
	var names []string
	for _, p := range s.Progress() {
		names = append(names, p.Name())
		if p.State != model.RegionDone {
			t.Errorf("%s ended %s", p.Name(), p.State)
		}
	}
	if want := []string{"b/ap-southeast-2", "a/eu-west-1", "b/eu-west-1", "a/us-east-1", "b/us-east-1"}; !slices.Equal(names, want) {
		t.Errorf("partitions %v, want %v", names, want)
	}
	// Each account's endpoint saw only its own regions.
	for _, c := range []struct {
		srv     *localtrail.Server
		regions []string
	}{{srvA, dsA.Regions()}, {srvB, dsB.Regions()}} {
		for _, r := range c.regions {
			if c.srv.Stats(r).Requests == 0 {
				t.Errorf("region %s of its account was never paged", r)
			}
		}
	}
	if srvA.Stats("ap-southeast-2").Requests != 0 {
		t.Error("account a was asked for a region it does not have")
	}
	t.Log(fmt.Sprint(names))
}
