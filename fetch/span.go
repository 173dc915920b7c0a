package fetch

import (
	"time"

	"lazytrail/model"
)

// Span is the time range the command line asked for, which a source holds
// and opens for the zero model.Range: the TUI's r re-runs it up to its own
// now, keeping what the user fixed.
type Span struct {
	Start, End time.Time
	// Sliding: no --until, so each query ends at its own now; a span back
	// (--since 7d) slides with it.
	Sliding bool
	// FixedStart: --since named a time (--since 2026-11-01), which stays
	// where it was put when the span slides.
	FixedStart bool
}

// Resolve is the range req asks for at now: everything after req.After
// up to now (follow mode), req.Range (the last Back up to now, or Since
// to Until, a zero Until being now), or for the zero Range the span.
func (s Span) Resolve(req model.Request, now time.Time) (start, end time.Time) {
	switch {
	case !req.After.IsZero():
		return req.After, now
	case !req.Range.IsZero():
		start, end = req.Range.Since, req.Range.Until
		if req.Range.Back > 0 {
			start = now.Add(-req.Range.Back)
		}
		if end.IsZero() {
			end = now
		}
		return start, end
	}
	start, end = s.Start, s.End
	if s.Sliding {
		end = now
		if !s.FixedStart {
			start = now.Add(-s.End.Sub(s.Start))
		}
	}
	return start, end
}
