package tui

import (
	"fmt"
	"time"

	"lazytrail/model"
)

// scanToEnd is L: every source pages until history ends for the current
// filter. It remembers where it began, to tell how much of the range is
// covered and to estimate the time left from the pace so far.
type scanToEnd struct {
	on      bool
	began   time.Time // wall clock at L
	covered float64   // share of the range covered at L
}

func (s *scanToEnd) start(sum regionSummary, now time.Time) {
	s.on, s.began = true, now
	s.covered = -1 // known at the first progress with a frontier
}

// progress says how much of q's range the sources have covered (0..1):
// they have read everything newer than sum.reached.
func coverage(q model.Query, sum regionSummary) (float64, bool) {
	if q.Start.IsZero() || q.End.IsZero() || sum.reached.IsZero() || !q.End.After(q.Start) {
		return 0, false
	}
	f := float64(q.End.Sub(sum.reached)) / float64(q.End.Sub(q.Start))
	return min(max(f, 0), 1), true
}

// status is the scan's part of the info line: the share covered as a bar,
// and the time left at the pace since L; "" when nothing is known yet.
func (s *scanToEnd) status(q model.Query, sum regionSummary, now time.Time) string {
	f, ok := coverage(q, sum)
	if !ok {
		return ""
	}
	if s.covered < 0 {
		s.covered, s.began = f, now
	}
	out := fmt.Sprintf("%s %3.0f%%", bar(f, 10), 100*f)
	if done, spent := f-s.covered, now.Sub(s.began); done > 0.001 && spent > time.Second {
		left := time.Duration(float64(spent) * (1 - f) / done).Round(time.Second)
		out += " ~" + shortDuration(left) + " left"
	}
	return out
}

// bar draws f (0..1) in n cells with block characters, readable without
// colour.
func bar(f float64, n int) string {
	full := int(f*float64(n) + 0.5)
	out := make([]rune, n)
	for i := range out {
		out[i] = '░'
		if i < full {
			out[i] = '█'
		}
	}
	return string(out)
}

func shortDuration(d time.Duration) string {
	switch {
	case d >= time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	case d >= time.Minute:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%ds", int(d.Seconds()))
}
