package tui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"lazytrail/model"
)

// jsonPane shows the raw record pretty-printed and coloured. The rendering
// is cached per selected event; wrapping only re-flows the cached lines.
type jsonPane struct {
	s      *state
	sc     scroller
	key    selectionKey
	note   string // why the record is shown as received, if it is
	width  int
	height int
}

func (j *jsonPane) SetSize(w, h int) {
	j.width, j.height = w, h
	j.sc.SetSize(w, max(h-1, 0))
}

func (j *jsonPane) SetWrap(on bool) { j.sc.SetWrap(on) }

func (j *jsonPane) Invalidate() { j.sc.source = nil }

// Show shows raw, e's record (its Raw, or the original read back for a
// rebuilt one), with a note on where it comes from.
func (j *jsonPane) Show(key selectionKey, e *model.Event, raw, note string) {
	if key == j.key && j.sc.source != nil {
		return
	}
	j.key, j.note = key, note
	if e == nil {
		j.sc.SetLines([]string{styled(j.s.st.Label, "no event selected")})
		return
	}
	lines, err := prettyJSON(raw, jsonPaintsOf(j.s.st))
	if err != nil {
		j.note = "not valid JSON (" + err.Error() + "), shown as received"
		lines = rawLines(raw)
	}
	if len(lines) == 0 {
		lines = []string{styled(j.s.st.Label, "(no raw record)")}
	}
	j.sc.SetLines(lines)
}

func (j *jsonPane) View() []string {
	title := j.s.st.PaneTitle
	if j.s.focus == paneJSON {
		title = j.s.st.PaneTitleFocused
	}
	first, last, total := j.sc.Position()
	wrap := "off"
	if j.sc.wrap {
		wrap = "on"
	}
	head := fmt.Sprintf("JSON  %d-%d/%d  wrap %s", first, last, total, wrap)
	if j.note != "" {
		head += "  " + j.note
	}
	return append([]string{paintOf(title).wrap(clip(head, j.width))}, j.sc.Lines()...)
}

// HandleKey scrolls the pane.
func (j *jsonPane) HandleKey(msg tea.KeyPressMsg) action {
	if move(j.s.keys, &j.sc, msg) {
		return handled{}
	}
	return nil
}

// ShortHelp and FullHelp are the list's: every key works over a pane.
func (j *jsonPane) ShortHelp() []key.Binding  { return j.s.keys.ShortHelp() }
func (j *jsonPane) FullHelp() [][]key.Binding { return j.s.keys.FullHelp() }
