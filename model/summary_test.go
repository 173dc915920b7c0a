package model

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"
)

// The summary's counts against a plain count over the events the filter
// selects, for every grouping.
func TestGroupCountsMatchAnIndependentCount(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var evs []Event
	users := []string{"adam", "maria.sec", "skeddly-1", "skeddly-2", "AutoScaling"}
	for i := range 3000 {
		evs = append(evs, Event{ID: fmt.Sprint(i), Time: time.Unix(int64(1e9-i), 0), Username: users[rng.IntN(len(users))],
			Name: []string{"RunInstances", "StopInstances", "DescribeInstances"}[rng.IntN(3)], Region: []string{"eu-west-1", "us-east-1"}[rng.IntN(2)],
			ErrorCode: []string{"", "", "AccessDenied"}[rng.IntN(3)], Account: []string{"111122223333", "444455556666"}[rng.IntN(2)],
			UserAgent: []string{"aws-cli/2", "Terraform/1.8"}[rng.IntN(2)]})
	}
	tl := NewTimeline()
	tl.Add(evs)
	f := ParseFilter("-user:AutoScaling event:Run,Stop")
	tl.SetFilter(f)
	for g := Grouping(0); g < groupings; g++ {
		if groupingInfo[g].derived {
			continue // TestDerivedCountsMatchAnIndependentCount
		}
		want := map[string]int{}
		for i := range evs {
			if f.Match(&evs[i]) {
				want[eventField(&evs[i], groupingInfo[g].field)]++
			}
		}
		got := tl.GroupCounts(g)
		if len(got) != len(want) {
			t.Fatalf("%s: %d groups, want %d", g, len(got), len(want))
		}
		if !sort.SliceIsSorted(got, func(i, j int) bool { return got[i].Count > got[j].Count }) {
			t.Errorf("%s: not most frequent first: %v", g, got)
		}
		for _, gr := range got {
			if want[gr.Value] != gr.Count {
				t.Errorf("%s %q: %d, want %d", g, gr.Value, gr.Count, want[gr.Value])
			}
		}
	}
	start, end := time.Unix(1e9-3000, 0), time.Unix(1e9+1, 0)
	h := tl.Histogram(start, end, 7)
	total := 0
	for _, n := range h {
		total += n
	}
	if total != tl.Matches() {
		t.Errorf("histogram holds %d events, the view %d", total, tl.Matches())
	}
}

// BenchmarkSummaryRecount is the summary view's cost per keystroke over a
// million loaded events: the counts by user and the histogram of the
// filtered view (target: within a frame's 16 ms with the filter's own).
func BenchmarkSummaryRecount(b *testing.B) {
	const n = 1_000_000
	tl := NewTimeline()
	users := make([]string, 300)
	for i := range users {
		users[i] = fmt.Sprintf("user-%03d", i)
	}
	evs := make([]Event, 0, 4096)
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		evs = append(evs, Event{ID: fmt.Sprint(i), Time: base.Add(-time.Duration(i) * 7 * time.Second), Username: users[i%len(users)], Name: "RunInstances"})
		if len(evs) == cap(evs) {
			tl.Add(evs)
			evs = evs[:0]
		}
	}
	tl.Add(evs)
	start, end := base.Add(-90*24*time.Hour), base.Add(time.Second)
	b.ResetTimer()
	for range b.N {
		_ = tl.GroupCounts(ByUser)
		_ = tl.Histogram(start, end, 158)
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/recount")
}
