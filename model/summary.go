package model

import (
	"cmp"
	"slices"
	"time"
)

// Grouping is what the summary view counts the filtered events by.
type Grouping int8

// The groupings, in the order the summary view cycles through them.
const (
	ByUser Grouping = iota
	ByEvent
	BySource
	ByRegion
	ByAccount
	BySourceIP
	ByError
	ByAgent
	groupings
)

var groupingInfo = [groupings]struct {
	name, key string // key is the filter term a row becomes
	field     field
}{
	{"user", "user", fieldUser}, {"event", "event", fieldEvent}, {"source", "source", fieldSource},
	{"region", "region", fieldRegion}, {"account", "account", fieldAccount}, {"source IP", "ip", fieldIP},
	{"error code", "err", fieldError}, {"user agent", "agent", fieldAgent},
}

func (g Grouping) String() string { return groupingInfo[g].name }

// Next is the grouping after g (dir 1) or before it (dir -1), cycling.
func (g Grouping) Next(dir int) Grouping {
	return Grouping((int(g) + dir + int(groupings)) % int(groupings))
}

// Key is the filter key a row of this grouping becomes ("user", "event", …).
func (g Grouping) Key() string { return groupingInfo[g].key }

// Group is one row of a summary: a value and how many filtered events
// have it. Value is as recorded (attacker-controlled: escape it to show).
type Group struct {
	Value string
	Count int
}

// GroupCounts counts the filtered view by g, most frequent first (ties by
// value). It reads the timeline's dictionary-encoded column, so a million
// events cost one array pass.
func (t *Timeline) GroupCounts(g Grouping) []Group {
	col := t.column(groupingInfo[g].field)
	counts := make([]int, len(col.values))
	for _, i := range t.view[:t.Matches()] {
		counts[col.codes[i]]++
	}
	var out []Group
	for code, n := range counts {
		if n > 0 {
			out = append(out, Group{Value: col.values[code], Count: n})
		}
	}
	slices.SortFunc(out, func(a, b Group) int { return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Value, b.Value)) })
	return out
}

// Histogram counts the filtered events in bins equal spans of
// [start, end); events outside are left out.
func (t *Timeline) Histogram(start, end time.Time, bins int) []int {
	out := make([]int, max(bins, 0))
	span := end.Sub(start)
	if bins <= 0 || span <= 0 {
		return out
	}
	// Seconds from a column of their own: a pass over the view touches no
	// Event (BenchmarkSummaryRecount).
	from, to := start.Unix(), end.Unix()
	width := to - from
	if width <= 0 {
		return out
	}
	for _, i := range t.view[:t.Matches()] {
		at := t.seconds[i]
		if at < from || at >= to {
			continue
		}
		out[min(int((at-from)*int64(bins)/width), bins-1)]++
	}
	return out
}
