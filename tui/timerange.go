package tui

import (
	"fmt"
	"time"
)

// timePresets are what T offers: each a fresh query of the last span up
// to now; 0 is the range the command line gave.
var timePresets = []struct {
	label string
	back  time.Duration
}{
	{"15 minutes", 15 * time.Minute}, {"1 hour", time.Hour}, {"6 hours", 6 * time.Hour}, {"24 hours", 24 * time.Hour},
	{"7 days", 7 * 24 * time.Hour}, {"30 days", 30 * 24 * time.Hour}, {"90 days", 90 * 24 * time.Hour},
	{"the command line's range", 0},
}

func (a *App) timeMenu() []string {
	w := a.lay.width
	lines := []string{paintOf(a.st.PaneTitleFocused).wrap(fit("TIME RANGE  (a number picks a fresh query up to now; esc closes)", w))}
	for i, p := range timePresets {
		mark := " "
		if p.back == a.rangeBack {
			mark = "•"
		}
		lines = append(lines, fit(fmt.Sprintf("  %s %d  the last %s", mark, i+1, p.label), w))
	}
	lines[len(lines)-1] = fit(fmt.Sprintf("  %s %d  %s", map[bool]string{true: "•", false: " "}[a.rangeBack == 0], len(timePresets), timePresets[len(timePresets)-1].label), w)
	return lines
}

// pickTime runs preset i as a fresh query, keeping the filter.
func (a *App) pickTime(i int) (bool, time.Duration) {
	if i < 0 || i >= len(timePresets) || a.cfg.OpenBack == nil {
		return false, 0
	}
	return true, timePresets[i].back
}
