package model

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// ParseTime reads a time as people type it for a log search: a duration
// back from now (90d, 36h, 15m, 2w; ago is true), a date (2026-11-01,
// midnight UTC), a time without a zone (UTC) or an RFC 3339 time. The
// command line's --since and --until and the TUI's typed range read the
// same forms.
func ParseTime(value string, now time.Time) (t time.Time, ago time.Duration, ok bool) {
	v := strings.TrimSpace(value)
	if d, isAgo := ParseAgo(v); isAgo {
		return now.Add(-d).UTC(), d, true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), 0, true
		}
	}
	return time.Time{}, 0, false
}

// ParseAgo accepts Go durations plus the d (day) and w (week) units people
// use for log searches. A negative duration is returned as it is, for
// the caller to refuse.
func ParseAgo(v string) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	unit := v[len(v)-1]
	if unit == 'd' || unit == 'w' {
		n, err := strconv.ParseFloat(v[:len(v)-1], 64)
		if err != nil {
			return 0, false
		}
		day := 24 * time.Hour
		if unit == 'w' {
			day *= 7
		}
		// Beyond what a Duration holds (about 292 years) the conversion
		// would wrap to a nonsense span; NaN and infinities have none.
		span := n * float64(day)
		if math.IsNaN(span) || math.Abs(span) >= math.MaxInt64 {
			return 0, false
		}
		return time.Duration(span), true
	}
	d, err := time.ParseDuration(v)
	return d, err == nil
}
