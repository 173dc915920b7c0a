package main

import (
	"strings"
	"time"

	"lazytrail/model"
)

// parseTimeFlag reads --since and --until: a duration back from now (90d,
// 36h, 15m, 2w), a date (2026-11-01, midnight UTC) or an RFC 3339 time.
func parseTimeFlag(name, value string, now time.Time) (time.Time, error) {
	t, ago, ok := model.ParseTime(value, now)
	switch {
	case ok && ago < 0:
		return time.Time{}, usagef("%s %q: give how far back as a positive duration, such as 7d", name, value)
	case ok:
		return t, nil
	}
	return time.Time{}, usagef("%s %q is not a time: use a duration back from now (7d, 12h, 30m) or a time (2026-11-01, 2026-11-01T08:00:00Z)", name, strings.TrimSpace(value))
}
