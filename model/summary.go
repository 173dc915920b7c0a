package model

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Grouping is what the summary view counts the filtered events by.
type Grouping int8

// The groupings, in the order the summary view cycles through them, and
// ByParam, a request or response field by path (Dimension.Path), which
// the view offers once one is typed.
const (
	ByUser Grouping = iota
	ByEvent
	BySource
	ByRegion
	ByAccount
	BySourceIP
	ByError
	ByAgent
	ByRole         // the session's role (userIdentity.sessionContext.sessionIssuer.userName)
	ByInstanceType // requestParameters.instanceType, or the instance types RunInstances answered with
	ByResource     // each of the event's resources
	groupings
	ByParam = groupings
)

// groupingInfo says what each grouping reads: a column of the timeline,
// or (derived) values read from each event, kept by a Counter. key is the
// filter key a row becomes; "" for a derived grouping that has none,
// whose row becomes a raw: term.
var groupingInfo = [groupings + 1]struct {
	name, key string
	field     field
	derived   bool
}{
	{"user", "user", fieldUser, false}, {"event", "event", fieldEvent, false}, {"source", "source", fieldSource, false},
	{"region", "region", fieldRegion, false}, {"account", "account", fieldAccount, false}, {"source IP", "ip", fieldIP, false},
	{"error code", "err", fieldError, false}, {"user agent", "agent", fieldAgent, false},
	{"session role", "role", fieldRole, false}, {"instance type", "", 0, true}, {"resource", "res", fieldResource, true},
	{"param", "", 0, true},
}

func (g Grouping) String() string { return groupingInfo[g].name }

// Next is the grouping after g (dir 1) or before it (dir -1), cycling
// through every grouping but ByParam (from which it goes on as from the
// last).
func (g Grouping) Next(dir int) Grouping {
	if g == ByParam {
		g = groupings - 1
		if dir > 0 {
			g = -1
		}
		if dir < 0 {
			g = 0
		}
	}
	return Grouping((int(g) + dir + int(groupings)) % int(groupings))
}

// Dimension is what a summary counts by: a grouping, and for ByParam the
// path of the field, dotted (instanceType, instancesSet.items.instanceId).
// A path is read in requestParameters and in responseElements, both,
// unless it starts with a top-level field of the record
// (requestParameters.bucketName, additionalEventData.MFAUsed); arrays on
// the way are walked through ("[]" may be written, as the ledger's rules
// do, and means the same).
type Dimension struct {
	By   Grouping
	Path string
}

func (d Dimension) String() string {
	if d.By == ByParam {
		return "param:" + d.Path
	}
	return d.By.String()
}

// ParseDimension reads a dimension typed in the summary: param:PATH (or
// the PATH alone), or a grouping's name. A problem is one escaped line.
func ParseDimension(text string) (Dimension, string) {
	text = strings.TrimSpace(text)
	for g := Grouping(0); g < groupings; g++ {
		if strings.EqualFold(text, g.String()) {
			return Dimension{By: g}, ""
		}
	}
	path := strings.TrimSpace(strings.TrimPrefix(text, "param:"))
	segs := pathSegments(path)
	if segs == nil {
		return Dimension{}, "give a field's path, as param:instanceType or param:responseElements.instancesSet.items.instanceType"
	}
	if len(path) > 200 {
		return Dimension{}, "that path is longer than 200 characters"
	}
	for _, seg := range segs {
		if Printable(seg) != seg || strings.ContainsAny(seg, " \t\"") {
			return Dimension{}, "\"" + Printable(path) + "\" is not a path: keys joined by dots, as instancesSet.items.instanceId"
		}
	}
	return Dimension{By: ByParam, Path: strings.Join(segs, ".")}, ""
}

// pathSegments splits a dotted path into its keys, dropping "[]"; nil
// when a key is empty.
func pathSegments(path string) []string {
	if path == "" {
		return nil
	}
	segs := strings.Split(path, ".")
	for i, seg := range segs {
		seg = strings.TrimSuffix(seg, "[]")
		if seg == "" {
			return nil
		}
		segs[i] = seg
	}
	return segs
}

// Term is the filter term a row of value becomes, "" when the value
// cannot be written as one (a term holds no space or comma). Column
// groupings keep the view's prefix terms (user:adam; a user agent is cut
// at its first space, which keeps the product name; the empty error code
// is -err); a session role or a resource is exact (role=Admin,
// res=arn:…, which LookupEvents can push down); an instance type or a
// param value, which no filter key reads, is raw:VALUE — every event the
// row counts, and any other whose record holds the text elsewhere.
func (d Dimension) Term(value string) string {
	info := groupingInfo[d.By]
	switch {
	case d.By == ByError && value == "":
		return "-err"
	case !info.derived && d.By != ByRole:
		if value, _, _ = strings.Cut(value, " "); value == "" {
			return ""
		}
		return info.key + ":" + value
	case value == "" || strings.ContainsAny(value, " ,\t\n") || Printable(value) != value:
		return ""
	case d.By == ByRole || d.By == ByResource:
		return info.key + "=" + value
	}
	return "raw:" + value
}

// Group is one row of a summary: a value and how many filtered events
// have it. Value is as recorded (attacker-controlled: escape it to show).
// For a grouping an event may have several values of (resources), it
// counts once for each; "" counts the events with none.
type Group struct {
	Value string
	Count int
}

// GroupCounts counts the filtered view by g, most frequent first (ties by
// value). A column grouping reads the timeline's dictionary-encoded
// column, so a million events cost one array pass; a derived one reads
// every event (a Counter keeps what it read, for the next count).
func (t *Timeline) GroupCounts(g Grouping) []Group {
	if groupingInfo[g].derived {
		var c Counter
		return c.Counts(t, Dimension{By: g})
	}
	col := t.column(groupingInfo[g].field)
	counts := make([]int, len(col.values))
	for _, i := range t.view[:t.Matches()] {
		counts[col.codes[i]]++
	}
	return sortedGroups(counts, col.values)
}

// sortedGroups lists the values counted at least once, most frequent
// first, ties by value.
func sortedGroups(counts []int, values []string) []Group {
	var out []Group
	for code, n := range counts {
		if n > 0 {
			out = append(out, Group{Value: values[code], Count: n})
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
