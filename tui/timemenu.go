package tui

import (
	"fmt"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"lazytrail/keymap"
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

// T opens the time menu, when the source can open a range.
var _ = register(opener{
	key: func(k keymap.KeyMap) key.Binding { return k.TimeRange },
	open: func(a *App, _ overlay) overlay {
		if a.capabilities().Ranges {
			return newTimeMenu(a.state)
		}
		return nil
	},
})

// timeMenu is the overlay T opens: the presets, the range in force marked,
// and a line to type a range on. Opening the query is the App's
// (openRange); the menu only says which range was picked.
type timeMenu struct {
	s      *state
	width  int
	height int
	typing bool // the typed range's line has the keys
	input  textinput.Model
	err    string // why the last entry was refused, escaped
}

func newTimeMenu(s *state) *timeMenu { return &timeMenu{s: s} }

func (m *timeMenu) opener() key.Binding { return m.s.keys.TimeRange }

func (m *timeMenu) SetSize(w, h int) { m.width, m.height = w, h }

func (m *timeMenu) View() []string {
	w, inForce := m.width, m.s.timeRange
	lines := []string{paintOf(m.s.st.PaneTitleFocused).wrap(fit("TIME RANGE  (each a fresh query up to now)", w))}
	for i, p := range timePresets {
		mark, label := " ", "the last "+p.label
		if (inForce == model.Range{Back: p.back}) {
			mark = "•"
		}
		if p.back == 0 {
			label = p.label
		}
		lines = append(lines, fit(fmt.Sprintf("  %s %d  %s", mark, i+1, label), w))
	}
	mark := " "
	if inForce.Back == 0 && !inForce.IsZero() {
		mark = "•"
	}
	lines = append(lines, fit(fmt.Sprintf("  %s %d  a range you type: FROM [TO], as 7d, 2026-11-01, 2026-11-01T08:00 UTC", mark, typedPreset), w))
	if m.typing {
		lines = append(lines, "", clip("  "+m.input.View(), w))
	}
	if m.err != "" {
		lines = append(lines, "", styled(m.s.st.Error, fit("  "+m.err, w)))
	}
	return lines
}

// HandleKey picks a preset by its number or opens the typed range's line;
// while that line is open it has every key: enter opens the range, esc
// leaves the line.
func (m *timeMenu) HandleKey(msg tea.KeyPressMsg) action {
	k := m.s.keys
	if m.typing {
		switch {
		case key.Matches(msg, k.ClearFilter):
			m.typing, m.err = false, ""
			return handled{}
		case key.Matches(msg, k.ApplyFilter):
			r, err := parseRange(m.input.Value(), time.Now().UTC())
			if err != "" {
				m.err = err
				return handled{}
			}
			m.typing, m.err = false, ""
			return pickRange{r: r}
		}
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		return runCmd{cmd}
	}
	i, ok := picked(k, msg)
	switch {
	case !ok:
		return nil
	case i == typedPreset-1:
		m.typing, m.err = true, ""
		m.input = textinput.New()
		m.input.Prompt = "range: "
		// No placeholder: without colour (and in a textinput as narrow as
		// its default) its first character read as typed text, a ghost in
		// the range. The line above gives the examples.
		m.input.SetStyles(m.s.st.Input)
		m.input.SetWidth(max(m.width-12, 10))
		return runCmd{m.input.Focus()}
	case i < len(timePresets):
		return pickRange{r: model.Range{Back: timePresets[i].back}}
	}
	return handled{}
}

func (m *timeMenu) ShortHelp() []key.Binding {
	k := m.s.keys
	if m.typing {
		return []key.Binding{relabel(k.ApplyFilter, "open the range"), relabelKey(k.ClearFilter, "esc", "back"), k.ForceQuit}
	}
	return []key.Binding{k.Pick, closeKeys(k, m.opener())}
}

func (m *timeMenu) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }
