package fetch

import (
	"testing"
	"time"

	"lazytrail/model"
)

// A request's range at a later now: follow mode runs from its time, a
// range back or typed is what it says, and the command line's span slides
// to now unless --until pinned it, keeping a --since that named a time.
func TestSpanResolve(t *testing.T) {
	parsed := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC) // when the command line was read
	now := parsed.Add(3 * time.Hour)
	back7d := Span{Start: parsed.Add(-7 * 24 * time.Hour), End: parsed, Sliding: true}
	named := Span{Start: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), End: parsed, Sliding: true, FixedStart: true}
	pinned := Span{Start: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)}
	after := now.Add(-10 * time.Minute)
	typedSince, typedUntil := time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 6, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name       string
		span       Span
		req        model.Request
		start, end time.Time
	}{
		{"--since 7d slides", back7d, model.Request{}, time.Date(2026, 11, 13, 15, 0, 0, 0, time.UTC), now},
		{"--since a date stays", named, model.Request{}, named.Start, now},
		{"--until pins both", pinned, model.Request{}, pinned.Start, pinned.End},
		{"a preset back", pinned, model.Request{Range: model.Range{Back: time.Hour}}, now.Add(-time.Hour), now},
		{"a typed range", back7d, model.Request{Range: model.Range{Since: typedSince, Until: typedUntil}}, typedSince, typedUntil},
		{"a typed start up to now", back7d, model.Request{Range: model.Range{Since: typedSince}}, typedSince, now},
		{"follow mode wins", pinned, model.Request{After: after, Range: model.Range{Back: time.Hour}}, after, now},
	} {
		start, end := c.span.Resolve(c.req, now)
		if !start.Equal(c.start) || !end.Equal(c.end) {
			t.Errorf("%s: %v to %v, want %v to %v", c.name, start, end, c.start, c.end)
		}
	}
}
