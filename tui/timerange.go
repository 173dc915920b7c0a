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
		mark, label := " ", "the last "+p.label
		if p.back == a.rangeBack {
			mark = "•"
		}
		if p.back == 0 {
			label = p.label
		}
		lines = append(lines, fit(fmt.Sprintf("  %s %d  %s", mark, i+1, label), w))
	}
	return lines
}

// pickTime is preset i's span; ok is false when there is no such preset.
func (a *App) pickTime(i int) (back time.Duration, ok bool) {
	if i < 0 || i >= len(timePresets) || a.cfg.OpenBack == nil {
		return 0, false
	}
	return timePresets[i].back, true
}
