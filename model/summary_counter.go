package model

import (
	"cmp"
	"slices"
	"strings"
)

// A derived grouping (instance type, resource, a param path) is not a
// column of the timeline: its values are read from each event, its record
// or its resources. Reading a million records on every keystroke would
// cost seconds, so a Counter reads each loaded event once per dimension,
// as it arrives, and keeps its values dictionary-encoded: a recount after
// the filter changes is then one pass over the view, as for a column.

// Counter counts a timeline's filtered view by any dimension, keeping the
// values of the derived ones it has read. It belongs to one consumer (the
// summary view) and, like the timeline, is not safe for concurrent use;
// a new timeline (a fresh query, follow mode's) starts it afresh.
type Counter struct {
	tl   *Timeline
	cols map[Dimension]*multiColumn
}

// multiColumn is a derived dimension's values for the first len(ends)
// loaded events: event i's are codes[ends[i-1]:ends[i]], distinct.
type multiColumn struct {
	codeOf map[string]uint32
	values []string // by code
	ends   []uint32
	codes  []uint32
	// byValue is every code in the order of its value, kept as values
	// are added (the new ones sorted and merged in): a count lists the
	// values by count with ties by value, and with a million distinct
	// resources comparing strings is most of a recount.
	byValue []uint32
	scratch
}

// scratch is what reading one event reuses.
type scratch struct {
	event Event
	found []string
}

// Counts counts t's filtered view by d, most frequent first (ties by
// value); an event counts once for each distinct value it has, and once
// under "" when it has none.
func (c *Counter) Counts(t *Timeline, d Dimension) []Group {
	if !groupingInfo[d.By].derived {
		return t.GroupCounts(d.By)
	}
	if c.tl != t {
		c.tl, c.cols = t, map[Dimension]*multiColumn{}
	}
	col := c.cols[d]
	if col == nil || len(col.ends) > t.n { // a released timeline starts again
		col = &multiColumn{codeOf: map[string]uint32{"": 0}, values: []string{""}}
		c.cols[d] = col
	}
	col.extend(t, d)
	counts := make([]int, len(col.values))
	for _, i := range t.view[:t.Matches()] {
		from := uint32(0)
		if i > 0 {
			from = col.ends[i-1]
		}
		to := col.ends[i]
		if from == to {
			counts[0]++
		}
		for _, code := range col.codes[from:to] {
			counts[code]++
		}
	}
	return col.groups(counts)
}

// groups lists the values counted at least once, most frequent first,
// ties by value: in value order, then stably by count.
func (col *multiColumn) groups(counts []int) []Group {
	if n := len(col.byValue); n < len(col.values) {
		fresh := make([]uint32, 0, len(col.values)-n)
		for code := n; code < len(col.values); code++ {
			fresh = append(fresh, uint32(code))
		}
		byValue := func(a, b uint32) int { return strings.Compare(col.values[a], col.values[b]) }
		slices.SortFunc(fresh, byValue)
		merged := make([]uint32, 0, len(col.values))
		old := col.byValue
		for len(old) > 0 && len(fresh) > 0 {
			if byValue(fresh[0], old[0]) < 0 {
				merged, fresh = append(merged, fresh[0]), fresh[1:]
			} else {
				merged, old = append(merged, old[0]), old[1:]
			}
		}
		col.byValue = append(append(merged, old...), fresh...)
	}
	// By count, most first, keeping the value order within a count and
	// comparing no strings, however many values tie: a counting sort of
	// the counts below the number of values listed, and a stable sort of
	// the few above it (each holds that many events of the view).
	listed := 0
	for _, n := range counts {
		if n > 0 {
			listed++
		}
	}
	var big []Group
	at := make([]int, listed+1) // at[listed-n]: where the next value counted n goes
	for _, n := range counts {
		if n > 0 && n <= listed {
			at[listed-n]++
		}
	}
	for i, sum := 0, 0; i <= listed; i++ {
		at[i], sum = sum, sum+at[i]
	}
	small := make([]Group, at[listed])
	for _, code := range col.byValue {
		switch n := counts[code]; {
		case n > listed:
			big = append(big, Group{Value: col.values[code], Count: n})
		case n > 0:
			small[at[listed-n]] = Group{Value: col.values[code], Count: n}
			at[listed-n]++
		}
	}
	slices.SortStableFunc(big, func(a, b Group) int { return cmp.Compare(b.Count, a.Count) })
	return append(big, small...)
}

// extend reads the events loaded since the last count.
func (col *multiColumn) extend(t *Timeline, d Dimension) {
	paths := recordPaths(d)
	for i := len(col.ends); i < t.n; i++ {
		col.found = col.found[:0]
		if d.By == ByResource {
			t.peek(i, &col.event)
			for _, r := range col.event.Resources {
				col.found = appendDistinct(col.found, r.Name)
			}
		} else if raw := t.rawAt(int32(i)); paths.last != "" && mentions(raw, paths.last) {
			for _, p := range paths.list {
				scalars(raw, p, func(v string) { col.found = appendDistinct(col.found, v) })
			}
		}
		for _, v := range col.found {
			code, ok := col.codeOf[v]
			if !ok {
				v = strings.Clone(v) // not a piece of the arena, which a release frees
				code = uint32(len(col.values))
				col.values = append(col.values, v)
				col.codeOf[v] = code
			}
			col.codes = append(col.codes, code)
		}
		col.ends = append(col.ends, uint32(len(col.codes)))
	}
}

func appendDistinct(list []string, v string) []string {
	if v == "" {
		return list
	}
	for _, have := range list {
		if have == v {
			return list
		}
	}
	return append(list, v)
}

// dimensionPaths are the record paths a derived dimension reads, and the
// last key of every one of them: a record that does not mention it (most
// calls name no instance type) is not walked.
type dimensionPaths struct {
	list [][]string
	last string
}

// instanceTypePaths: RunInstances' request and the instances it started,
// and ModifyInstanceAttribute's new type ({"value": "t3.large"}).
var instanceTypePaths = dimensionPaths{last: "instanceType", list: [][]string{
	{"requestParameters", "instanceType"},
	{"requestParameters", "instanceType", "value"},
	{"responseElements", "instancesSet", "items", "instanceType"},
}}

// recordTopLevel are the record's fields a param path may start from;
// any other path is read in requestParameters and responseElements.
var recordTopLevel = map[string]bool{
	"requestParameters": true, "responseElements": true, "additionalEventData": true, "serviceEventDetails": true,
	"userIdentity": true, "tlsDetails": true, "resources": true, "insightDetails": true, "edgeDeviceDetails": true,
}

func recordPaths(d Dimension) dimensionPaths {
	switch d.By {
	case ByInstanceType:
		return instanceTypePaths
	case ByParam:
		segs := pathSegments(d.Path)
		if segs == nil {
			return dimensionPaths{}
		}
		out := dimensionPaths{last: segs[len(segs)-1]}
		if recordTopLevel[segs[0]] {
			out.list = [][]string{segs}
		} else {
			out.list = [][]string{append([]string{"requestParameters"}, segs...), append([]string{"responseElements"}, segs...)}
		}
		return out
	}
	return dimensionPaths{}
}
