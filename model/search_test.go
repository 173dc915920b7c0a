package model

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// searchEvents are n events whose records mix JSON, instance ids, escapes
// and the letters whose case folding changes their length.
func searchEvents(rng *rand.Rand, n int) []Event {
	users := []string{"alice", "Bob", "skeddly-1", "ÉMILE"}
	evs := make([]Event, n)
	for i := range evs {
		user := users[rng.IntN(len(users))]
		evs[i] = Event{ID: fmt.Sprintf("ev-%d", i), Username: user, Name: "DescribeInstances",
			Raw: fmt.Sprintf(`{"eventID":"ev-%d","userIdentity":{"userName":"%s"},"requestParameters":{"instanceId":"i-0%x"},"note":"%s"}`,
				i, user, rng.Uint32(), randomText(rng, rng.IntN(30)))}
	}
	return evs
}

// referenceMatch is the filter's definition, computed without needles: a
// raw: term by containsFold (or strings.Contains with upper case) over the
// record, every other term by its own test.
func referenceMatch(f Filter, e *Event) bool {
	if f.Err() != "" {
		return false
	}
	for i := range f.terms {
		tm := f.terms[i]
		if tm.field != fieldRaw || tm.matchesAll() || tm.exact {
			if !tm.match(e) {
				return false
			}
			continue
		}
		found := false
		for _, v := range tm.values() {
			if tm.fold && containsFold(e.Raw, v) || !tm.fold && strings.Contains(e.Raw, v) {
				found = true
			}
		}
		if found == tm.negate {
			return false
		}
	}
	return true
}

func referenceView(tl *Timeline, f Filter) []int32 {
	var want []int32
	for i := range tl.Len() {
		if referenceMatch(f, tl.At(i)) {
			want = append(want, int32(i))
		}
	}
	return want
}

// randomRawFilter is a filter with one or two raw: terms (cut from a
// record, re-cased, negated, or with alternatives) and sometimes a user
// term.
func randomRawFilter(rng *rand.Rand, evs []Event) Filter {
	var words []string
	for range 1 + rng.IntN(2) {
		raw := evs[rng.IntN(len(evs))].Raw
		from := rng.IntN(len(raw))
		v := raw[from:min(len(raw), from+1+rng.IntN(6))]
		if rng.IntN(2) == 0 {
			v = recase(rng, v)
		}
		v = strings.Map(func(r rune) rune {
			if r == ' ' || r == ',' {
				return 'x' // a space would end the term, a comma split it
			}
			return r
		}, v)
		w := "raw:" + v
		if rng.IntN(4) == 0 {
			w += "," + randomText(rng, 2)
			w = strings.ReplaceAll(strings.ReplaceAll(w, " ", "y"), ",y", ",z")
		}
		if rng.IntN(5) == 0 {
			w = "-" + w
		}
		words = append(words, w)
	}
	if rng.IntN(3) == 0 {
		words = append(words, []string{"alice", "-user:bob", "user:É"}[rng.IntN(3)])
	}
	return ParseFilter(strings.Join(words, " "))
}

// TestSearchMatchesDefinition: a raw: filter's view, searched in place or
// by a Search delivering in steps, is what the definition selects, in
// order; and so is it after more events arrive during the search.
func TestSearchMatchesDefinition(t *testing.T) {
	defer func(s, v, step int) { smallSearch, smallView, searchStep = s, v, step }(smallSearch, smallView, searchStep)
	smallSearch, smallView, searchStep = 100, 100, 1500
	rng := rand.New(rand.NewPCG(18, 2))
	evs := searchEvents(rng, 7000)
	searched := 0
	for round := range 60 {
		f := randomRawFilter(rng, evs)
		tl := NewTimeline()
		tl.Add(evs[:5000])
		if round%2 == 0 {
			tl.SetFilter(f)
			if want := referenceView(tl, f); !slices.Equal(tl.view, want) {
				t.Fatalf("%q: SetFilter selected %d events, the definition %d", f, len(tl.view), len(want))
			}
			continue
		}
		s := tl.BeginFilter(f)
		if s == nil {
			if want := referenceView(tl, f); !slices.Equal(tl.view, want) {
				t.Fatalf("%q: BeginFilter selected %d events in place, the definition %d", f, len(tl.view), len(want))
			}
			continue
		}
		if tl.Matches() != 0 {
			t.Fatalf("%q: a pending view shows %d matches before the search found any", f, tl.Matches())
		}
		searched++
		tl.Add(evs[5000:]) // arrivals during the search
		for {
			found, ok := s.Step(context.Background())
			if !ok || !tl.Found(found) {
				t.Fatalf("%q: a running search's result was refused", f)
			}
			if found.Done {
				break
			}
			if got := tl.view[:tl.Matches()]; len(got) > 0 && int(got[len(got)-1]) >= found.Tested && s.cands == nil {
				t.Fatalf("%q: shows a match at %d past the %d events tested", f, got[len(got)-1], found.Tested)
			}
		}
		if want := referenceView(tl, f); !slices.Equal(tl.view[:tl.Matches()], want) {
			t.Fatalf("%q: the search selected %d events, the definition %d", f, tl.Matches(), len(want))
		}
	}
	if searched < 10 {
		t.Fatalf("only %d of 30 filters were searched off the loop", searched)
	}
}

// TestSearchCancelled: a search replaced by the next filter has its late
// results refused, and one cancelled before it starts reads nothing.
func TestSearchCancelled(t *testing.T) {
	defer func(s, v int) { smallSearch, smallView = s, v }(smallSearch, smallView)
	smallSearch, smallView = 100, 100
	rng := rand.New(rand.NewPCG(18, 3))
	tl := NewTimeline()
	tl.Add(searchEvents(rng, 5000))
	old := tl.BeginFilter(ParseFilter("raw:i-0"))
	if old == nil {
		t.Fatal("no search for a raw: term over 5000 events")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, ok := old.Step(ctx); ok || old.Bytes() != 0 {
		t.Errorf("a cancelled step reported a result, or read %d bytes", old.Bytes())
	}
	next := tl.BeginFilter(ParseFilter("raw:alice"))
	late := old.run() // what the old search would have delivered
	if tl.Found(late) {
		t.Error("the view took a replaced search's results")
	}
	tl.Found(next.run())
	if want := referenceView(tl, ParseFilter("raw:alice")); !slices.Equal(tl.view, want) || len(want) == 0 {
		t.Errorf("after a replaced search the view holds %d events, want %d", len(tl.view), len(want))
	}
}
