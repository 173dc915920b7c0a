package model

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// The resource arena selects exactly what Filter.Match does, for every
// kind of res: term: folded and case-sensitive, alternatives, negation,
// exact, non-ASCII and the folding orbits that leave ASCII (the Kelvin
// sign, the long s), invalid bytes and a NUL inside a name.
func TestResourceIndexAgreesWithMatch(t *testing.T) {
	names := []string{"arn:aws:s3:::bucket/Object-0001", "i-064bd95a9b9b0a4e6", "sg-0A1B", "café-É", "\u212aelvin", "ſtreet",
		"bad\xff\xfebytes", "nul\x00inside", "", "arn:aws:iam::111122223333:role/Skeddly"}
	var evs []Event
	for i := range 400 {
		var res []Resource
		for k := range i % 3 {
			res = append(res, Resource{Type: "T", Name: names[(i*7+k*3)%len(names)]})
		}
		evs = append(evs, Event{ID: fmt.Sprint(i), Username: "u", Resources: res})
	}
	defer func(v int) { smallView = v }(smallView)
	smallView = 0 // take the planned path, not the direct test of a small view
	tl := NewTimeline()
	tl.Add(evs)
	for _, text := range []string{"res:object", "res:OBJECT", "res:Object-0001", "res:sg-0a", "res:SG-0a", "res:É", "res:é", "res:k", "res:K",
		"res:s", "res:S", "res:\xfe", "res:\x00", "res:zzzz", "-res:i-064", "res:object,skeddly", "res=sg-0A1B", "res=sg-0a1b",
		"-res=i-064bd95a9b9b0a4e6", "res:café res:É"} {
		f := ParseFilter(text)
		tl.SetFilter(f)
		var want []int32
		for i := range evs {
			if f.Match(&evs[i]) {
				want = append(want, int32(i))
			}
		}
		if !slices.Equal(tl.view, want) {
			t.Errorf("%q: the timeline selects %d events, Match %d", text, len(tl.view), len(want))
		}
		tl.SetFilter(Filter{})
	}
}

// Split across cores, the arena search finds exactly what testing every
// event finds, at stretch boundaries too.
func TestResourceSearchSplitMatchesDirect(t *testing.T) {
	defer func(was int) { parallelArena = was }(parallelArena)
	parallelArena = 0
	evs := timelineEvents(1000)
	for i := range evs {
		evs[i].Resources = []Resource{{Name: fmt.Sprintf("arn:aws:s3:::bucket/Object-%04d", i)}, {Name: fmt.Sprintf("i-%03x", i%300)}}
	}
	tl := NewTimeline()
	tl.Add(evs)
	for _, term := range []string{"res:object-00", "res:Object-0063", "res:object-0064", "res:i-12", "-res:i-1", "res:zz", "res:ObJ", "res:0999,0000"} {
		f := ParseFilter(term)
		tl.SetFilter(Filter{})
		tl.SetFilter(f)
		want := 0
		for i := range evs {
			if f.Match(&evs[i]) {
				want++
			}
		}
		if tl.Matches() != want {
			t.Errorf("%s: the split search selects %d, testing each event %d", term, tl.Matches(), want)
		}
	}
}

// A few events with huge names (an arena past the split size) are one
// stretch, not an endless split.
func TestResourceSearchFewEventsHugeNames(t *testing.T) {
	defer func(was int) { parallelArena = was }(parallelArena)
	parallelArena = 1 << 10
	evs := timelineEvents(3)
	evs[1].Resources = []Resource{{Name: strings.Repeat("x", 4<<10) + "abc"}}
	tl := NewTimeline()
	tl.Add(evs)
	tl.SetFilter(ParseFilter("res:abc"))
	tl.SetFilter(ParseFilter("res:ab"))
	if tl.Matches() != 1 {
		t.Fatalf("res:ab selects %d of 3, want 1", tl.Matches())
	}
}

// Names cut at their last slash (the dir kept once, the base in the
// arena) are found whole in either part and across the cut, for terms cut
// at random from names with several slashes, re-cased.
func TestResourceIndexAcrossTheCut(t *testing.T) {
	defer func(v, p int) { smallView, parallelArena = v, p }(smallView, parallelArena)
	smallView, parallelArena = 0, 0
	rng := rand.New(rand.NewPCG(18, 5))
	pieces := []string{"arn:aws:s3:::", "bucket", "/", "/", "logs", "Object-", "0", "1", "ſ", "\u212a", "k", "é", "//"}
	var evs []Event
	for i := range 600 {
		var res []Resource
		for range i % 3 {
			var b strings.Builder
			for range 1 + rng.IntN(6) {
				b.WriteString(pieces[rng.IntN(len(pieces))])
			}
			res = append(res, Resource{Name: b.String()})
		}
		evs = append(evs, Event{ID: fmt.Sprint(i), Resources: res})
	}
	tl := NewTimeline()
	tl.Add(evs)
	for range 300 {
		e := evs[rng.IntN(len(evs))]
		if len(e.Resources) == 0 {
			continue
		}
		name := e.Resources[0].Name
		from := rng.IntN(len(name))
		v := recase(rng, name[from:min(len(name), from+1+rng.IntN(12))])
		f := ParseFilter("res:" + strings.ReplaceAll(strings.ReplaceAll(v, ",", "x"), " ", "y"))
		tl.SetFilter(Filter{})
		tl.SetFilter(f)
		var want []int32
		for i := range evs {
			if f.Match(&evs[i]) {
				want = append(want, int32(i))
			}
		}
		if !slices.Equal(tl.view, want) {
			t.Fatalf("%q: the index selects %d events, Match %d", f, len(tl.view), len(want))
		}
	}
}
