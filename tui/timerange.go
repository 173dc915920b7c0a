package tui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"lazytrail/model"
)

// Range is a query's time range as T sets it: the last Back up to now
// (which r slides forward), or from Since to Until (a zero Until is now).
// The zero Range is the command line's.
type Range struct {
	Back         time.Duration
	Since, Until time.Time
}

// IsZero reports the command line's range.
func (r Range) IsZero() bool { return r == Range{} }

// openRange runs the query over r (the T menu's pick), saying so when r
// reaches past what the source keeps.
func (a *App) openRange(r Range) tea.Cmd {
	a.timeRange = r
	cmd := a.reopen()
	if limit := a.cfg.HistoryLimit; limit > 0 {
		since := r.Since
		if r.Back > 0 {
			since = time.Now().Add(-r.Back)
		}
		if kept := time.Now().Add(-limit); !since.IsZero() && since.Before(kept.Add(-time.Hour)) {
			a.flash = fmt.Sprintf("LookupEvents keeps %d days: nothing before %s can be found (--records reads the trail's files)",
				int(limit.Hours()/24), kept.UTC().Format("2006-01-02"))
		}
	}
	return cmd
}

// parseRange reads "FROM [TO]" (also "FROM to TO" or "FROM..TO"), each a
// duration back from now or a time, as --since and --until take them. A
// lone duration is a preset-like range that r slides forward; a problem
// is one escaped line.
func parseRange(text string, now time.Time) (Range, string) {
	text = strings.NewReplacer("..", " ", " to ", " ").Replace(strings.TrimSpace(text))
	fields := strings.Fields(text)
	if len(fields) == 0 || len(fields) > 2 {
		return Range{}, "give FROM or FROM TO, such as 7d, or 2026-11-01 2026-11-03"
	}
	since, ago, ok := model.ParseTime(fields[0], now)
	if !ok || ago < 0 {
		return Range{}, fmt.Sprintf("\"%s\" is not a time: use 7d, 12h, 2026-11-01 or 2026-11-01T08:00", model.Printable(fields[0]))
	}
	if len(fields) == 1 {
		if ago > 0 {
			return Range{Back: ago}, ""
		}
		return Range{Since: since}, ""
	}
	until, uago, ok := model.ParseTime(fields[1], now)
	if !ok || uago < 0 {
		return Range{}, fmt.Sprintf("\"%s\" is not a time: use 7d, 12h, 2026-11-01 or 2026-11-01T08:00", model.Printable(fields[1]))
	}
	if !since.Before(until) {
		return Range{}, fmt.Sprintf("%s is not before %s", since.Format("2006-01-02 15:04"), until.Format("2006-01-02 15:04"))
	}
	return Range{Since: since, Until: until}, ""
}
