package tui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"lazytrail/model"
)

// openRange runs the query over r (the T menu's pick), saying so when r
// reaches past what the source keeps.
func (a *App) openRange(r model.Range) tea.Cmd {
	a.timeRange = r
	cmd := a.reopen()
	if limit := a.capabilities().HistoryLimit; limit > 0 {
		since := r.Since
		if r.Back > 0 {
			since = time.Now().Add(-r.Back)
		}
		if kept := time.Now().Add(-limit); !since.IsZero() && since.Before(kept.Add(-time.Hour)) {
			a.flash = fmt.Sprintf("the source keeps %d days of events: nothing before %s can be found there",
				int(limit.Hours()/24), kept.UTC().Format("2006-01-02"))
			if beyond := a.capabilities().Beyond; beyond != "" {
				a.flash += " (" + model.Printable(beyond) + ")"
			}
		}
	}
	return cmd
}

// parseRange reads "FROM [TO]" (also "FROM to TO" or "FROM..TO"), each a
// duration back from now or a time, as --since and --until take them. A
// lone duration is a preset-like range that r slides forward; a problem
// is one escaped line.
func parseRange(text string, now time.Time) (model.Range, string) {
	text = strings.NewReplacer("..", " ", " to ", " ").Replace(strings.TrimSpace(text))
	fields := strings.Fields(text)
	if len(fields) == 0 || len(fields) > 2 {
		return model.Range{}, "give FROM or FROM TO, such as 7d, or 2026-11-01 2026-11-03"
	}
	since, ago, ok := model.ParseTime(fields[0], now)
	if !ok || ago < 0 {
		return model.Range{}, fmt.Sprintf("\"%s\" is not a time: use 7d, 12h, 2026-11-01 or 2026-11-01T08:00", model.Printable(fields[0]))
	}
	if len(fields) == 1 {
		if ago > 0 {
			return model.Range{Back: ago}, ""
		}
		return model.Range{Since: since}, ""
	}
	until, uago, ok := model.ParseTime(fields[1], now)
	if !ok || uago < 0 {
		return model.Range{}, fmt.Sprintf("\"%s\" is not a time: use 7d, 12h, 2026-11-01 or 2026-11-01T08:00", model.Printable(fields[1]))
	}
	if !since.Before(until) {
		return model.Range{}, fmt.Sprintf("%s is not before %s", since.Format("2006-01-02 15:04"), until.Format("2006-01-02 15:04"))
	}
	return model.Range{Since: since, Until: until}, ""
}
