package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"lazytrail/model"
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

// typedPreset is the menu's number for a range typed by hand.
const typedPreset = 9

// rangeInput is the typed range's line in the T menu.
type rangeInput struct {
	on    bool
	input textinput.Model
	err   string // why the last entry was refused, escaped
}

func (a *App) timeMenu() []string {
	w := a.lay.width
	lines := []string{paintOf(a.st.PaneTitleFocused).wrap(fit("TIME RANGE  (a number picks a fresh query up to now; esc closes)", w))}
	for i, p := range timePresets {
		mark, label := " ", "the last "+p.label
		if (a.timeRange == model.Range{Back: p.back}) {
			mark = "•"
		}
		if p.back == 0 {
			label = p.label
		}
		lines = append(lines, fit(fmt.Sprintf("  %s %d  %s", mark, i+1, label), w))
	}
	mark := " "
	if a.timeRange.Back == 0 && !a.timeRange.IsZero() {
		mark = "•"
	}
	lines = append(lines, fit(fmt.Sprintf("  %s %d  a range you type: FROM [TO], as 7d, 2026-11-01, 2026-11-01T08:00 UTC", mark, typedPreset), w))
	if a.rangeIn.on {
		lines = append(lines, "", clip("  "+a.rangeIn.input.View(), w), fit("  enter opens it, esc goes back", w))
	}
	if a.rangeIn.err != "" {
		lines = append(lines, "", styled(a.st.Error, fit("  "+a.rangeIn.err, w)))
	}
	return lines
}

// pickTime opens preset i (from 0), or the typed range's line.
func (a *App) pickTime(i int) tea.Cmd {
	if !a.capabilities().Ranges {
		return nil
	}
	if i == typedPreset-1 {
		a.rangeIn.on, a.rangeIn.err = true, ""
		a.rangeIn.input = textinput.New()
		a.rangeIn.input.Prompt = "range: "
		// No placeholder: without colour (and in a textinput as narrow as
		// its default) its first character read as typed text, a ghost in
		// the range. The line above gives the examples.
		a.rangeIn.input.SetStyles(a.st.Input)
		a.rangeIn.input.SetWidth(max(a.lay.width-12, 10))
		return a.rangeIn.input.Focus()
	}
	if i < 0 || i >= len(timePresets) {
		return nil
	}
	return a.openRange(model.Range{Back: timePresets[i].back})
}

// onRangeKey edits the typed range; enter opens it, esc leaves the line.
func (a *App) onRangeKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, a.keys.ClearFilter):
		a.rangeIn.on, a.rangeIn.err = false, ""
		return nil
	case key.Matches(msg, a.keys.ApplyFilter):
		r, err := parseRange(a.rangeIn.input.Value(), time.Now().UTC())
		if err != "" {
			a.rangeIn.err = err
			return nil
		}
		a.rangeIn.on, a.rangeIn.err = false, ""
		return a.openRange(r)
	}
	var cmd tea.Cmd
	a.rangeIn.input, cmd = a.rangeIn.input.Update(msg)
	return cmd
}

// openRange closes the menu and runs the query over r, saying so when r
// reaches past what the source keeps.
func (a *App) openRange(r model.Range) tea.Cmd {
	a.overlay, a.timeRange = overlayNone, r
	cmd := a.reopen()
	if limit := a.capabilities().HistoryLimit; limit > 0 {
		since := r.Since
		if r.Back > 0 {
			since = time.Now().Add(-r.Back)
		}
		if kept := time.Now().Add(-limit); !since.IsZero() && since.Before(kept.Add(-time.Hour)) {
			a.flash = fmt.Sprintf("the source keeps %d days of events: nothing before %s can be found there",
				int(limit.Hours()/24), kept.UTC().Format("2006-01-02"))
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
