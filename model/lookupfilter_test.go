package model

import "testing"

// A filter is covered by a pushed attribute only when every event it
// matches is one LookupEvents returns for that attribute. The events and
// the attribute's test below are written out by hand (LookupEvents
// compares the whole value, case-sensitively), not taken from the filter.
func TestLookupFilterCoverage(t *testing.T) {
	events := []*Event{
		{Name: "RunInstances", Username: "adam", ReadOnly: False, Region: "eu-west-1"},
		{Name: "RunInstancesX", Username: "adam", ReadOnly: False},
		{Name: "runinstances", Username: "alice", ReadOnly: False},
		{Name: "DescribeInstances", Username: "maria", ReadOnly: True},
		{Name: "StopInstances", Username: "skeddly-a1", ReadOnly: False},
		{Name: "StopInstances", Username: "skeddly-b2", ReadOnly: False},
	}
	pushedTests := map[string]func(*Event) bool{
		"EventName=RunInstances": func(e *Event) bool { return e.Name == "RunInstances" },
		"Username=skeddly-a1":    func(e *Event) bool { return e.Username == "skeddly-a1" },
		"ReadOnly=true":          func(e *Event) bool { return e.ReadOnly == True },
	}
	cases := []struct {
		pushed, filter string
		covered        bool
	}{
		{"EventName=RunInstances", "event=RunInstances", true},
		{"EventName=RunInstances", "event=RunInstances user:ad", true},
		{"EventName=RunInstances", "user:ad event=RunInstances -err", true},
		{"EventName=RunInstances", "", false},                                 // / then esc over a pushed result
		{"EventName=RunInstances", "maria", false},                            // typing over it
		{"EventName=RunInstances", "event:RunInstances", false},               // a prefix: RunInstancesX too
		{"EventName=RunInstances", "event:runinstances", false},               // smart case: any case
		{"EventName=RunInstances", "event=RunInstances,StopInstances", false}, // alternatives widen it
		{"EventName=RunInstances", "-event=RunInstances", false},              // negated
		{"Username=skeddly-a1", "user=skeddly-a1", true},
		{"Username=skeddly-a1", "skeddly-", false}, // back from a pivot
		{"ReadOnly=true", "ro:true", true},
		{"ReadOnly=true", "ro:false", false},
	}
	for _, c := range cases {
		pushed, ok := LookupFilter(c.pushed)
		if !ok {
			t.Fatalf("%s: no filter", c.pushed)
		}
		f := ParseFilter(c.filter)
		if got := f.Narrows(pushed); got != c.covered {
			t.Errorf("%q over %s: covered %v, want %v", c.filter, c.pushed, got, c.covered)
		}
		// Ground truth for the cases said to be covered: no event the
		// filter matches is one the pushed query would leave out.
		if c.covered {
			for _, e := range events {
				if f.Match(e) && !pushedTests[c.pushed](e) {
					t.Errorf("%q over %s: covered, yet it matches %+v which the query leaves out", c.filter, c.pushed, *e)
				}
			}
		}
	}
	for _, bad := range []string{"Username=John Smith", "EventName=a,b", "ReadOnly=maybe", "EventName=", "nothing"} {
		if _, ok := LookupFilter(bad); ok {
			t.Errorf("LookupFilter(%q) claims a filter", bad)
		}
	}
}
