package localtrail

import (
	"fmt"
	"math"
	"sort"
	"time"

	"lazytrail/model"
)

// query is a validated LookupEvents request.
type query struct {
	attrKey, attrValue string // attrKey "" means no attribute
	start, end         time.Time
	limit              int
	category           string
	token              string

	// The parameters as sent, which a NextToken is bound to.
	rawStart, rawEnd, rawMax *float64
}

const (
	maxPageSize = 50
	history     = 90 * 24 * time.Hour
)

var attributeKeys = map[string]bool{
	"EventId": true, "EventName": true, "ReadOnly": true, "Username": true,
	"ResourceType": true, "ResourceName": true, "EventSource": true, "AccessKeyId": true,
}

// validate checks a request as CloudTrail does and resolves its defaults:
// a missing StartTime or EndTime is the matching end of defStart..defEnd.
func validate(req *lookupRequest, defStart, defEnd time.Time) (*query, *apiError) {
	q := &query{limit: maxPageSize, rawStart: req.StartTime, rawEnd: req.EndTime, rawMax: req.MaxResults}
	if m := req.MaxResults; m != nil {
		if *m != math.Trunc(*m) || *m < 1 || *m > maxPageSize {
			return nil, badRequest("InvalidMaxResultsException",
				fmt.Sprintf("Value %v for MaxResults is invalid: it must be an integer from 1 to %d.", *m, maxPageSize))
		}
		q.limit = int(*m)
	}
	switch len(req.LookupAttributes) {
	case 0:
	case 1:
		a := req.LookupAttributes[0]
		if a.AttributeKey == nil || !attributeKeys[*a.AttributeKey] {
			key := "<missing>"
			if a.AttributeKey != nil {
				key = *a.AttributeKey
			}
			return nil, badRequest("InvalidLookupAttributesException",
				fmt.Sprintf("AttributeKey %q is not valid: use one of EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId (case-sensitive).", key))
		}
		if a.AttributeValue == nil || *a.AttributeValue == "" {
			return nil, badRequest("InvalidLookupAttributesException",
				fmt.Sprintf("AttributeValue for %s must not be empty.", *a.AttributeKey))
		}
		q.attrKey, q.attrValue = *a.AttributeKey, *a.AttributeValue
	default:
		return nil, badRequest("InvalidLookupAttributesException",
			fmt.Sprintf("Only one lookup attribute is allowed per request; %d were given.", len(req.LookupAttributes)))
	}
	q.end = defEnd
	if req.EndTime != nil {
		q.end = fromEpoch(*req.EndTime)
	}
	q.start = defStart
	if req.StartTime != nil {
		q.start = fromEpoch(*req.StartTime)
	}
	if q.start.After(q.end) {
		return nil, badRequest("InvalidTimeRangeException",
			fmt.Sprintf("StartTime %s is after EndTime %s.", q.start.Format(time.RFC3339), q.end.Format(time.RFC3339)))
	}
	if c := req.EventCategory; c != nil {
		if *c != "insight" {
			return nil, badRequest("InvalidEventCategoryException",
				fmt.Sprintf("EventCategory %q is not valid: the only value is \"insight\".", *c))
		}
		q.category = *c
	}
	if req.NextToken != nil {
		q.token = *req.NextToken
	}
	return q, nil
}

func fromEpoch(sec float64) time.Time {
	whole, frac := math.Modf(sec)
	return time.Unix(int64(whole), int64(math.Round(frac*1e9))).UTC()
}

// page returns the positions of up to q.limit matching events starting at
// from (an index into the region's newest-first events), and whether more
// match after them.
func (r *regionEvents) page(q *query, from int) (events []int, more bool) {
	evs := r.events
	// Newest first: [lo, hi) is the slice inside [start, end], inclusive.
	lo := sort.Search(len(evs), func(i int) bool { return !evs[i].Time.After(q.end) })
	hi := sort.Search(len(evs), func(i int) bool { return evs[i].Time.Before(q.start) })
	lo = max(lo, from)
	if q.category != "" {
		// This endpoint holds management events only; insight events are
		// another stream, and it has none.
		return nil, false
	}
	take := func(i int) bool {
		if len(events) == q.limit {
			more = true
			return false
		}
		events = append(events, i)
		return true
	}
	if positions, indexed := r.indexFor(q.attrKey, q.attrValue); indexed {
		k := sort.Search(len(positions), func(k int) bool { return int(positions[k]) >= lo })
		for ; k < len(positions) && int(positions[k]) < hi; k++ {
			if !take(int(positions[k])) {
				break
			}
		}
		return events, more
	}
	for i := lo; i < hi; i++ {
		if matches(&evs[i], q.attrKey, q.attrValue) && !take(i) {
			break
		}
	}
	return events, more
}

func (r *regionEvents) indexFor(key, value string) ([]int32, bool) {
	switch key {
	case "EventId":
		return r.byID[value], true
	case "Username":
		return r.byUser[value], true
	case "EventName":
		return r.byName[value], true
	}
	return nil, false
}

// matches applies one lookup attribute: exact and case-sensitive.
func matches(e *model.Event, key, value string) bool {
	switch key {
	case "":
		return true
	case "EventId":
		return e.ID == value
	case "EventName":
		return e.Name == value
	case "ReadOnly":
		return e.ReadOnly.String() == value
	case "Username":
		return e.Username == value
	case "EventSource":
		return e.Source == value
	case "AccessKeyId":
		return e.AccessKeyID == value
	case "ResourceType":
		for _, r := range e.Resources {
			if r.Type == value {
				return true
			}
		}
	case "ResourceName":
		for _, r := range e.Resources {
			if r.Name == value {
				return true
			}
		}
	}
	return false
}

// positionAfter returns the index of the first event after c in the
// newest-first order; with inclusive it returns c's own position instead
// (used to repeat an event across pages).
func (r *regionEvents) positionAfter(c cursor, inclusive bool) int {
	evs := r.events
	return sort.Search(len(evs), func(i int) bool {
		e := &evs[i]
		if !e.Time.Equal(c.time) {
			return e.Time.Before(c.time)
		}
		if inclusive {
			return e.ID >= c.id
		}
		return e.ID > c.id
	})
}
