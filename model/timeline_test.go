package model

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
)

func namedEvents(ids ...string) []Event {
	evs := make([]Event, len(ids))
	for i, id := range ids {
		evs[i] = Event{ID: id, Username: id}
	}
	return evs
}

func loadedIDs(t *Timeline) []string {
	var ids []string
	for i := range t.Matches() {
		ids = append(ids, t.Match(i).ID)
	}
	return ids
}

func TestTimelineAddDeduplicates(t *testing.T) {
	tl := NewTimeline()
	if n := tl.Add(namedEvents("a", "b", "a")); n != 2 {
		t.Errorf("Add = %d, want 2", n)
	}
	if n := tl.Add(namedEvents("b", "c")); n != 1 {
		t.Errorf("Add = %d, want 1", n)
	}
	noID := []Event{{Username: "x"}, {Username: "x"}}
	if n := tl.Add(noID); n != 2 {
		t.Errorf("events without ID are never duplicates: Add = %d", n)
	}
	if tl.Len() != 5 || tl.At(0).ID != "a" || tl.At(2).ID != "c" || !tl.Contains("b") || tl.Contains("z") {
		t.Errorf("timeline = %v", loadedIDs(tl))
	}
	var zero Timeline // the zero value works too
	zero.Add(namedEvents("a", "a"))
	if zero.Len() != 1 {
		t.Errorf("zero Timeline Len = %d", zero.Len())
	}
}

// The same id with other raw content is no duplicate: both are kept (in
// a trail that means tampering or a bug) and counted as twins; the same
// record again, whichever of the two, is still a duplicate.
func TestTimelineKeepsTwinsWithOtherContent(t *testing.T) {
	tl := NewTimeline()
	evs := []Event{
		{ID: "x", Raw: `{"eventID":"x","eventName":"StopLogging"}`},
		{ID: "x", Raw: `{"eventID":"x","eventName":"StartLogging"}`},
		{ID: "y", Raw: `{"eventID":"y"}`},
	}
	if n := tl.Add(evs); n != 3 {
		t.Fatalf("Add = %d, want 3 (both x kept)", n)
	}
	if n := tl.Add([]Event{evs[1], evs[0], evs[2]}); n != 0 {
		t.Errorf("the same records again: Add = %d, want 0", n)
	}
	if tl.Len() != 3 || tl.Twins() != 1 || tl.At(1).Raw != evs[1].Raw {
		t.Errorf("Len %d, Twins %d, loaded %v", tl.Len(), tl.Twins(), loadedIDs(tl))
	}
}

func TestTimelineGrowsWithoutChangingEvents(t *testing.T) {
	tl := NewTimeline()
	tl.Add(namedEvents("first"))
	first := *tl.At(0)
	const many = 3 * 4096
	evs := make([]Event, many)
	for i := range evs {
		evs[i] = Event{ID: fmt.Sprint(i)}
	}
	tl.Add(evs)
	if !reflect.DeepEqual(*tl.At(0), first) {
		t.Error("growing changed a loaded event")
	}
	if tl.Len() != len(evs)+1 || tl.At(len(evs)).ID != fmt.Sprint(len(evs)-1) || tl.At(4096).ID != fmt.Sprint(4096-1) {
		t.Errorf("Len %d, At(4096) %q", tl.Len(), tl.At(4096).ID)
	}
}

// TestTimelineFilterMatchesBruteForce types and deletes filter text at
// random while events keep arriving, and checks the view against a plain
// scan each time (the narrowing shortcut must never change the answer).
func TestTimelineFilterMatchesBruteForce(t *testing.T) {
	for _, small := range []int{8192, 0} {
		t.Run(fmt.Sprint("smallView=", small), func(t *testing.T) {
			defer func(was int) { smallView = was }(smallView)
			smallView = small
			checkTimelineAgainstBruteForce(t)
		})
	}
}

func checkTimelineAgainstBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	users := []string{"skeddly-1", "skeddly-2", "Skeddly-3", "sam", "adam", "ada", ""}
	names := []string{"StopInstances", "StartInstances", "RunInstances", "DescribeInstances"}
	texts := []string{"", "s", "sk", "ske", "skeddly-", "skeddly-1", "S", "Sk", "a", "ad", "ada", "adam",
		"event:", "event:s", "event:st", "event:sta", "err", "err:a", "ro:true", "s ro:true", "res:i-1", "res:i-", "res:1"}
	tl := NewTimeline()
	var all []Event
	for step := range 400 {
		if step%3 == 0 {
			var batch []Event
			for range rng.IntN(20) {
				e := Event{ID: fmt.Sprint(len(all) + len(batch)), Username: users[rng.IntN(len(users))],
					Name: names[rng.IntN(len(names))], ReadOnly: Tristate(rng.IntN(3)),
					Resources: []Resource{{"AWS::EC2::Instance", fmt.Sprintf("i-%d", rng.IntN(30))}}}
				if rng.IntN(4) == 0 {
					e.ErrorCode = "AccessDenied"
				}
				batch = append(batch, e)
			}
			all = append(all, batch...)
			tl.Add(batch)
		} else {
			tl.SetFilter(ParseFilter(texts[rng.IntN(len(texts))]))
		}
		f := tl.filter
		var want []string
		for i := range all {
			if f.Match(&all[i]) {
				want = append(want, all[i].ID)
			}
		}
		if got := loadedIDs(tl); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("step %d filter %q: view %v, want %v", step, f, got, want)
		}
	}
}

func TestTimelineNearest(t *testing.T) {
	tl := NewTimeline()
	if got := tl.Nearest(5); got != 0 {
		t.Errorf("Nearest on empty view = %d", got)
	}
	tl.Add(namedEvents("a0", "b1", "a2", "b3", "a4", "b5"))
	cursor := tl.MatchIndex(3) // on b3
	tl.SetFilter(ParseFilter("a"))
	if got := tl.Match(tl.Nearest(cursor)).ID; got != "a4" {
		t.Errorf("cursor moved to %q, want the next older match a4", got)
	}
	tl.SetFilter(ParseFilter(""))
	if got := tl.Match(tl.Nearest(2)).ID; got != "a2" {
		t.Errorf("cursor on a2 moved to %q", got)
	}
	tl.SetFilter(ParseFilter("a"))
	if got := tl.Match(tl.Nearest(5)).ID; got != "a4" {
		t.Errorf("past the last match, cursor moved to %q, want the last one", got)
	}
}

// timelineOfSize builds n events with the repetition of a real account
// (interned names, a few hundred sessions) without parsing, to keep the
// benchmark's setup quick.
func timelineEvents(n int) []Event {
	rng := rand.New(rand.NewPCG(3, 3))
	users := make([]string, 300)
	for i := range users {
		switch i % 4 {
		case 0:
			users[i] = intern(fmt.Sprintf("skeddly-%06x", i))
		case 1:
			users[i] = intern(fmt.Sprintf("session-%d", i))
		case 2:
			users[i] = intern(fmt.Sprintf("user%d@example.com", i))
		default:
			users[i] = intern(fmt.Sprintf("i-%017x", i))
		}
	}
	evs := make([]Event, n)
	for i := range evs {
		evs[i] = Event{
			ID: fmt.Sprintf("%08x-0000-4000-8000-%012x", i, rng.Uint64()&(1<<48-1)), Username: users[rng.IntN(len(users))],
			Name: intern(synthDescribes[rng.IntN(len(synthDescribes))]), Region: intern(synthRegions[rng.IntN(16)]),
			Source: "ec2.amazonaws.com", ReadOnly: True,
			Resources: []Resource{{"AWS::EC2::Instance", fmt.Sprintf("i-%017x", rng.IntN(400))}},
		}
	}
	return evs
}

// BenchmarkTimelineSetFilter is one filter keystroke over a million loaded
// events. Target: ≤ 16 ms (one frame). "rescan" is a filter that does not
// narrow the last one, so every event is matched again; "narrowing" is one
// more character typed, which re-filters only the current view.
func BenchmarkTimelineSetFilter(b *testing.B) {
	const n = 1_000_000
	tl := NewTimeline()
	tl.Add(timelineEvents(n))
	b.Run("rescan", func(b *testing.B) {
		filters := []Filter{ParseFilter("skeddly-"), ParseFilter("session-1")}
		i := 0
		for b.Loop() {
			tl.SetFilter(filters[i&1])
			i++
		}
		b.ReportMetric(float64(n), "events")
		b.ReportMetric(float64(tl.Matches()), "matches")
	})
	b.Run("narrowing", func(b *testing.B) {
		broad, narrow := ParseFilter("skeddly"), ParseFilter("skeddly-0")
		for b.Loop() {
			b.StopTimer()
			tl.SetFilter(broad)
			b.StartTimer()
			tl.SetFilter(narrow)
		}
		b.ReportMetric(float64(n), "events")
	})
	b.Run("clear", func(b *testing.B) {
		filters := []Filter{ParseFilter("skeddly-"), {}}
		i := 0
		for b.Loop() {
			tl.SetFilter(filters[i&1])
			i++
		}
	})
}

// BenchmarkTimelineAdd is appending released batches of 50 to a timeline,
// de-duplication included, reported as events/s.
func BenchmarkTimelineAdd(b *testing.B) {
	const n = 1 << 18
	evs := timelineEvents(n)
	tl := NewTimeline()
	tl.SetFilter(ParseFilter("skeddly-"))
	added := 0
	for b.Loop() {
		if added == n {
			b.StopTimer()
			tl = NewTimeline()
			tl.SetFilter(ParseFilter("skeddly-"))
			added = 0
			b.StartTimer()
		}
		added += tl.Add(evs[added : added+50 : added+50])
		if added%50 != 0 {
			b.Fatal("duplicates among unique events")
		}
		if added > n-50 {
			added = n
		}
	}
	b.ReportMetric(float64(b.N)*50/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkFilterTermKinds is one keystroke from no filter to each kind of
// term over a million loaded events with ~90-character resource ARNs
// (issue 10, item 9: every kind ≤ 16 ms). Column terms cost one test per
// distinct value; res: searches the arena of folded names, which the first
// res: keystroke builds; raw: reads every event.
func BenchmarkFilterTermKinds(b *testing.B) {
	const n = 1_000_000
	evs := timelineEvents(n)
	for i := range evs {
		evs[i].Resources = []Resource{{Type: "AWS::S3::Object", Name: fmt.Sprintf("arn:aws:s3:::lazytrail-benchmark-bucket-eu-west-1/logs/2026/11/object-%08d.json.gz", i)}}
		evs[i].UserAgent = synthAgents[i%len(synthAgents)]
	}
	tl := NewTimeline()
	tl.Add(evs)
	b.Run("res: index, built as events arrive", func(b *testing.B) {
		for b.Loop() {
			var x resourceIndex
			for i := range evs {
				x.add(&evs[i])
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/event")
	})
	for _, term := range []string{"skeddly-", "event:Describe", "region:eu", "account:1111", "agent:terraform", "-user:skeddly",
		"event:DescribeInstances,DescribeVolumes", "res:zzzz", "res:object-0000", "res:é"} {
		f := ParseFilter(term)
		b.Run(term, func(b *testing.B) {
			for b.Loop() {
				tl.SetFilter(Filter{})
				tl.SetFilter(f)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/keystroke")
		})
	}
}
