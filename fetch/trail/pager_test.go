package trail

import (
	"context"
	"io"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"lazytrail/fetch"
	"lazytrail/fetch/trail/trailtest"
	"lazytrail/model"
)

// countingStore counts what a store is asked for.
type countingStore struct {
	Store
	mu     sync.Mutex
	opened []string
	listed []string
}

func (c *countingStore) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	c.mu.Lock()
	c.opened = append(c.opened, key)
	c.mu.Unlock()
	return c.Store.Open(ctx, key)
}

func (c *countingStore) List(ctx context.Context, dir string) ([]Entry, error) {
	c.mu.Lock()
	c.listed = append(c.listed, dir)
	c.mu.Unlock()
	return c.Store.List(ctx, dir)
}

func (c *countingStore) counts() (opened, listed []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.opened...), append([]string(nil), c.listed...)
}

// drained is one partition read to its end.
type drained struct {
	part   fetch.Partition
	pages  []fetch.Page
	events []model.Event
	skips  []fetch.Skip
}

func drain(t testing.TB, ctx context.Context, parts []fetch.Partition) []drained {
	t.Helper()
	out := make([]drained, len(parts))
	for i, p := range parts {
		out[i].part = p
		for n := 0; ; n++ {
			if n > 100000 {
				t.Fatalf("%s/%s: no end of pages", p.Account, p.Region)
			}
			pg, err := p.Pager.Next(ctx)
			if err != nil {
				t.Fatalf("%s/%s: %v", p.Account, p.Region, err)
			}
			out[i].pages = append(out[i].pages, pg)
			out[i].events = append(out[i].events, pg.Events...)
			out[i].skips = append(out[i].skips, pg.Skipped...)
			if pg.Done {
				break
			}
		}
	}
	return out
}

func closeAll(parts []fetch.Partition) {
	for _, p := range parts {
		p.Pager.Close()
	}
}

var orgSpec = trailtest.Spec{
	Org:      "o-a1b2c3d4e5",
	Accounts: []string{"111122223333", "222233334444", "333344445555"},
	Regions:  []string{"eu-west-1", "us-east-1", "us-west-2"},
	Start:    time.Date(2026, 10, 30, 0, 0, 0, 0, time.UTC),
	Days:     3, FilesPerDay: 6, RecordsPerFile: 20,
	LateEvery: 4, BreakEvery: 7, Digests: true, Strays: true, Seed: 1,
}

func TestOpenOrgTreeDeliversEveryEventOnceInHorizonOrder(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	tree := trailtest.Generate(orgSpec)
	dir := t.TempDir()
	if err := tree.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	parts, skips, err := Open(ctx, []string{dir}, Options{Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll(parts)
	if len(parts) != 9 {
		t.Fatalf("%d partitions, want 9", len(parts))
	}
	if len(skips) != 1 || !strings.HasSuffix(skips[0].What, "AWSLogs/notes.txt") {
		t.Errorf("discovery skips: %s", whys(skips))
	}

	breaks := map[string]bool{}
	want := map[string]trailtest.Event{}
	for _, e := range tree.Events() {
		want[e.ID] = e
		if e.Breaks {
			breaks[e.ID] = true
		}
	}
	seen := map[string]bool{}
	for _, d := range drain(t, ctx, parts) {
		p := d.part
		if p.Source != "files" {
			t.Errorf("source %q", p.Source)
		}
		// Each page newest first; no later page newer than a horizon
		// already promised, but for the records that break the rule.
		var lateWant int64
		for k, pg := range d.pages {
			for i := 1; i < len(pg.Events); i++ {
				if pg.Events[i].Time.After(pg.Events[i-1].Time) {
					t.Errorf("%s/%s page %d not newest first", p.Account, p.Region, k)
				}
			}
			if !pg.Done && pg.Horizon.IsZero() {
				t.Errorf("page %d without a horizon", k)
			}
			for _, later := range d.pages[k+1:] {
				for _, e := range later.Events {
					if e.Time.After(pg.Horizon) && !breaks[e.ID] {
						t.Errorf("%s/%s: %s at %v after the horizon %v of page %d", p.Account, p.Region, e.ID, e.Time, pg.Horizon, k)
					}
				}
			}
		}
		for _, e := range d.events {
			w, ok := want[e.ID]
			switch {
			case !ok:
				t.Errorf("event %s was never written", e.ID)
			case seen[e.ID]:
				t.Errorf("event %s delivered twice", e.ID)
			case !w.Time.Equal(e.Time) || w.Account != p.Account || w.Region != p.Region || w.Username != e.Username || e.Account != w.Account:
				t.Errorf("event %s: got %v %s/%s %s, want %v %s/%s %s", e.ID, e.Time, p.Account, p.Region, e.Username, w.Time, w.Account, w.Region, w.Username)
			}
			seen[e.ID] = true
			if breaks[e.ID] {
				lateWant++
			}
		}
		if got := p.Pager.(StatsPager).Stats().Late; got != lateWant {
			t.Errorf("%s/%s: Late = %d, want %d", p.Account, p.Region, got, lateWant)
		}
		if len(d.skips) != orgSpec.Days {
			t.Errorf("%s/%s: page skips %s, want the %d READMEs", p.Account, p.Region, whys(d.skips), orgSpec.Days)
		}
	}
	if len(seen) != len(want) {
		t.Errorf("%d events delivered, %d written", len(seen), len(want))
	}
}

func TestFirstPageReadsOnlyTheNewestFiles(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	spec := orgSpec
	spec.Days, spec.FilesPerDay = 5, 12
	tree := trailtest.Generate(spec)
	dir := t.TempDir()
	if err := tree.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	var stores []*countingStore
	var mu sync.Mutex
	wrap := func(s Store) Store {
		c := &countingStore{Store: s}
		mu.Lock()
		stores = append(stores, c)
		mu.Unlock()
		return c
	}
	ctx := context.Background()
	parts, _, err := Open(ctx, []string{dir}, Options{Workers: 8, wrap: wrap})
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll(parts)
	// the newest files of each partition, by the ground truth
	newest := map[string][]string{}
	for _, f := range tree.Files() {
		n, kind := ParseName(f.Key)
		if kind == Log {
			newest[n.Account+"/"+n.Region] = append(newest[n.Account+"/"+n.Region], f.Key)
		}
	}
	for k := range newest {
		sort.Sort(sort.Reverse(sort.StringSlice(newest[k])))
	}
	for _, p := range parts {
		pg, err := p.Pager.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(pg.Events) == 0 {
			t.Errorf("%s/%s: empty first page", p.Account, p.Region)
		}
	}
	closeAll(parts) // wait for the reads ahead before counting
	c := stores[0]
	opened, listed := c.counts()
	byPart := map[string][]string{}
	for _, k := range opened {
		n, _ := ParseName(k)
		byPart[n.Account+"/"+n.Region] = append(byPart[n.Account+"/"+n.Region], k)
	}
	for k, files := range newest {
		got := byPart[k]
		if len(got) == 0 || len(got) > 3 {
			t.Errorf("%s: first page opened %d files, want 1 to 3 (the newest and the reads ahead)", k, len(got))
			continue
		}
		for _, g := range got {
			if g != files[0] && g != files[1] && g != files[2] {
				t.Errorf("%s: opened %s, not one of the 3 newest", k, g)
			}
		}
		if !contains(got, files[0]) {
			t.Errorf("%s: the newest file was not read", k)
		}
	}
	// region, year, month, newest day: 4 listings per partition
	if len(listed) > 4*len(parts) {
		t.Errorf("%d listings for %d partitions' first pages: %v", len(listed), len(parts), listed)
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func TestSinceUntilPruneFoldersAndFilterEvents(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	spec := orgSpec
	spec.Days, spec.Strays, spec.BreakEvery = 10, false, 0
	tree := trailtest.Generate(spec)
	dir := t.TempDir()
	if err := tree.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	since := spec.Start.AddDate(0, 0, 4).Add(3 * time.Hour)
	until := spec.Start.AddDate(0, 0, 6).Add(-time.Minute) // just before midnight: the next day's 00:05 file counts
	var c *countingStore
	parts, _, err := Open(context.Background(), []string{dir}, Options{Since: since, Until: until,
		wrap: func(s Store) Store { c = &countingStore{Store: s}; return c }})
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll(parts)
	got := map[string]bool{}
	for _, d := range drain(t, context.Background(), parts) {
		for _, e := range d.events {
			if e.Time.Before(since) || e.Time.After(until) {
				t.Errorf("event at %v outside [%v, %v]", e.Time, since, until)
			}
			got[e.ID] = true
		}
	}
	n := 0
	for _, e := range tree.Events() {
		if !e.Time.Before(since) && !e.Time.After(until) {
			n++
			if !got[e.ID] && !e.Late {
				t.Errorf("missing %s at %v (%s)", e.ID, e.Time, e.Key)
			}
		}
	}
	if len(got) == 0 || len(got) > n {
		t.Errorf("%d events, want about %d", len(got), n)
	}
	opened, _ := c.counts()
	for _, k := range opened {
		day := k[strings.Index(k, "/20")+1:][:10]
		if day < "2026/11/03" || day > "2026/11/05" {
			t.Errorf("opened %s outside the range (and its day of slack)", k)
		}
	}
}
