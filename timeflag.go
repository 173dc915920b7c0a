package main

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// parseTimeFlag reads --since and --until: a duration back from now (90d,
// 36h, 15m, 2w), a date (2026-11-01, midnight UTC) or an RFC 3339 time.
func parseTimeFlag(name, value string, now time.Time) (time.Time, error) {
	v := strings.TrimSpace(value)
	if d, ok := parseAgo(v); ok {
		if d < 0 {
			return time.Time{}, usagef("%s %q: give how far back as a positive duration, such as 7d", name, value)
		}
		return now.Add(-d).UTC(), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, usagef("%s %q is not a time: use a duration back from now (7d, 12h, 30m) or a time (2026-11-01, 2026-11-01T08:00:00Z)", name, value)
}

// parseAgo accepts Go durations plus the d (day) and w (week) units people
// use for log searches.
func parseAgo(v string) (time.Duration, bool) {
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
