package fetch

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"lazytrail/model"
)

// syntheticRegion is one region's history, newest first, and how it is
// served: split into pages, possibly repeating an event at a page seam, and
// possibly failing after some pages.
type syntheticRegion struct {
	events    []model.Event
	pages     [][]model.Event
	failAfter int // pages delivered before the region fails; -1 never fails
}

var epoch = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// randomRegions builds per-region histories with many ties at the same
// second, within and across regions, some empty regions and some failing.
func randomRegions(rng *rand.Rand, regions, pageSize int) []syntheticRegion {
	out := make([]syntheticRegion, regions)
	for r := range out {
		n := rng.IntN(4 * pageSize)
		if rng.IntN(5) == 0 {
			n = 0
		}
		sec := 1000
		evs := make([]model.Event, n)
		for i := range evs {
			if rng.IntN(3) == 0 { // two in three events share a second with the previous one
				sec -= 1 + rng.IntN(3)
			}
			evs[i] = model.Event{ID: fmt.Sprintf("r%02d-%04d", r, i), Time: epoch.Add(time.Duration(sec) * time.Second), Region: fmt.Sprint(r)}
		}
		sr := syntheticRegion{events: evs, failAfter: -1}
		for i := 0; i < len(evs); {
			size := 1 + rng.IntN(pageSize)
			page := slices.Clone(evs[i:min(i+size, len(evs))])
			if i > 0 && rng.IntN(3) == 0 { // the same event again at the seam
				page = append([]model.Event{evs[i-1]}, page...)
			}
			sr.pages = append(sr.pages, page)
			i += size
		}
		if len(sr.pages) > 1 && rng.IntN(4) == 0 {
			sr.failAfter = rng.IntN(len(sr.pages))
		}
		out[r] = sr
	}
	return out
}

// expectedOrder is the independent computation: every event delivered
// before a failure, once, sorted newest first, ties by region then id.
func expectedOrder(regions []syntheticRegion) []string {
	type key struct {
		t      time.Time
		region int
		id     string
	}
	var all []key
	for r, sr := range regions {
		seen := map[string]bool{}
		for p, page := range sr.pages {
			if sr.failAfter >= 0 && p >= sr.failAfter {
				break
			}
			for _, e := range page {
				if !seen[e.ID] {
					seen[e.ID] = true
					all = append(all, key{e.Time, r, e.ID})
				}
			}
		}
	}
	slices.SortFunc(all, func(a, b key) int {
		if c := b.t.Compare(a.t); c != 0 {
			return c
		}
		if a.region != b.region {
			return a.region - b.region
		}
		return strings.Compare(a.id, b.id)
	})
	ids := make([]string, len(all))
	for i, k := range all {
		ids[i] = k.id
	}
	return ids
}

// drive plays a consumer asking for random amounts and regions answering in
// random order, as the goroutines of a Stream would, and returns the ids in
// release order.
func drive(t *testing.T, rng *rand.Rand, regions []syntheticRegion, pageSize int) []string {
	t.Helper()
	m := newMerge(len(regions), pageSize)
	next := make([]int, len(regions))
	var got []string
	var released []model.Event
	for steps := 0; ; steps++ {
		if steps > 100000 {
			t.Fatal("merge did not finish")
		}
		released = m.release(released[:0])
		for _, e := range released {
			got = append(got, e.ID)
		}
		if m.drained() {
			return got
		}
		var ready []int
		for r := range regions {
			if m.mayFetch(r) {
				ready = append(ready, r)
			}
		}
		if len(ready) == 0 {
			if m.demandOpen() {
				t.Fatalf("deadlock: demand open, %d pending, no region may fetch", m.pending.len())
			}
			m.setDemand(nil, 1+rng.IntN(3*pageSize))
			continue
		}
		r := ready[rng.IntN(len(ready))]
		sr := regions[r]
		switch p := next[r]; {
		case p == sr.failAfter:
			m.finish(r)
		case p >= len(sr.pages):
			m.finish(r) // an empty history ends on its first (empty) page
		default:
			m.add(r, sr.pages[p])
			next[r]++
			if next[r] == len(sr.pages) {
				m.finish(r)
			}
		}
	}
}

func TestMergeReleasesGlobalOrderExactlyOnce(t *testing.T) {
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 7))
		pageSize := 1 + rng.IntN(8)
		regions := randomRegions(rng, 1+rng.IntN(6), pageSize)
		got := drive(t, rng, regions, pageSize)
		want := expectedOrder(regions)
		if !slices.Equal(got, want) {
			t.Fatalf("seed %d: released %d events, want %d\n got %v\nwant %v", seed, len(got), len(want), got, want)
		}
	}
}

func TestMergeFirstScreenNeedsOnePagePerRegion(t *testing.T) {
	const regions, pageSize = 16, 50
	m := newMerge(regions, pageSize)
	m.setDemand(nil, 50)
	for r := range regions {
		if !m.mayFetch(r) {
			t.Fatalf("region %d may not fetch its first page", r)
		}
		page := make([]model.Event, pageSize)
		for i := range page {
			page[i] = model.Event{ID: fmt.Sprintf("%d-%d", r, i), Time: epoch.Add(-time.Duration(i*regions+r) * time.Minute)}
		}
		m.add(r, page)
	}
	out := m.release(nil)
	if len(out) < 50 {
		t.Fatalf("released %d events after one page per region, want at least 50", len(out))
	}
	if m.demandOpen() {
		t.Fatal("demand still open after the first screen was released")
	}
	for r := range regions {
		if m.mayFetch(r) {
			t.Fatalf("region %d may fetch although demand is met", r)
		}
	}
}

func TestMergeHoldsBackUntilEveryRegionDelivered(t *testing.T) {
	m := newMerge(2, 50)
	m.setDemand(nil, 10)
	m.add(0, []model.Event{{ID: "a", Time: epoch}, {ID: "b", Time: epoch.Add(-time.Hour)}})
	if out := m.release(nil); len(out) != 0 {
		t.Fatalf("released %d events before region 1 delivered anything", len(out))
	}
	if !m.mayFetch(1) || m.mayFetch(0) && m.buffered(0) >= 50 {
		t.Fatal("the silent region must be allowed to fetch")
	}
	m.add(1, []model.Event{{ID: "c", Time: epoch.Add(-time.Minute)}})
	out := m.release(nil)
	if len(out) != 1 || out[0].ID != "a" {
		t.Fatalf("released %v, want only a (b is older than region 1's oldest)", ids(out))
	}
	m.finish(1)
	out = m.release(nil)
	if got := ids(out); !slices.Equal(got, []string{"c"}) {
		t.Fatalf("after region 1 finished released %v, want [c] (region 0 still bounds at b)", got)
	}
	m.finish(0)
	if got := ids(m.release(nil)); !slices.Equal(got, []string{"b"}) || !m.drained() {
		t.Fatalf("after every region finished released %v, want [b] and drained", got)
	}
}

func TestMergeTiesAtTheWatermarkWait(t *testing.T) {
	m := newMerge(2, 50)
	m.setDemand(nil, 10)
	m.add(0, []model.Event{{ID: "a0", Time: epoch}})
	m.add(1, []model.Event{{ID: "a1", Time: epoch}})
	if out := m.release(nil); len(out) != 0 {
		t.Fatalf("released %v although both regions may still deliver events of the same second", ids(out))
	}
	m.add(0, []model.Event{{ID: "a0", Time: epoch}, {ID: "b0", Time: epoch.Add(-time.Second)}}) // a0 repeated at the seam
	m.add(1, []model.Event{{ID: "b1", Time: epoch.Add(-time.Second)}})
	if got := ids(m.release(nil)); !slices.Equal(got, []string{"a0", "a1"}) {
		t.Fatalf("released %v, want [a0 a1] once each", got)
	}
}

func ids(evs []model.Event) []string {
	out := make([]string, len(evs))
	for i := range evs {
		out[i] = evs[i].ID
	}
	return out
}
