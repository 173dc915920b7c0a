package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"lazytrail/keymap"
	"lazytrail/model"
)

// pivot is one way to widen from the selected event to everything like it:
// a label and the filter that finds it.
type pivot struct {
	label, filter string
}

// pivotsOf lists the pivots the event offers: by its user, its session's
// role, its access key, its first resource, its source IP, and its
// session (the role and the session name together). They are exact terms
// (user=adam), so the planner can push them down to the source. A value
// that cannot be a term (it holds a space or a comma) offers none.
func pivotsOf(e *model.Event) []pivot {
	var out []pivot
	add := func(label, key, value string) {
		if value == "" || strings.ContainsAny(value, " ,\t") {
			return
		}
		out = append(out, pivot{label: label + " " + value, filter: key + "=" + value})
	}
	add("everything by user", "user", e.Username)
	add("everything by the session role", "role", e.Identity.SessionIssuerName)
	add("everything with access key", "key", e.AccessKeyID)
	if len(e.Resources) > 0 {
		add("everything on resource", "res", e.Resources[0].Name)
	}
	add("everything from IP", "ip", e.SourceIP)
	if e.Identity.Type == "AssumedRole" && e.Identity.SessionIssuerName != "" && e.Username != "" &&
		!strings.ContainsAny(e.Username+e.Identity.SessionIssuerName, " ,\t") {
		// session= also holds the AssumeRole that began the session (its
		// caller is whoever assumed the role); without the session's ARN,
		// the role and session name find its calls only.
		filter := "role=" + e.Identity.SessionIssuerName + " user=" + e.Username
		if arn := e.Identity.ARN; strings.Contains(arn, ":assumed-role/") && !strings.ContainsAny(arn, " ,\t") {
			filter = "session=" + arn
		}
		out = append(out, pivot{label: "everything in this session (" + e.Identity.SessionIssuerName + "/" + e.Username + ")", filter: filter})
	}
	return out
}

// p opens the pivots of the selected event, when there is one.
var _ = register(opener{
	key: func(k keymap.KeyMap) key.Binding { return k.Pivot },
	open: func(a *App, _ overlay) overlay {
		if e := a.list.Selected(); e != nil {
			return newPivotMenu(a.state, e)
		}
		return nil
	},
})

// pivotMenu is the overlay p opens over the selected event: its pivots
// are taken when it opens.
type pivotMenu struct {
	s       *state
	options []pivot
	width   int
	height  int
}

func newPivotMenu(s *state, e *model.Event) *pivotMenu { return &pivotMenu{s: s, options: pivotsOf(e)} }

func (m *pivotMenu) opener() key.Binding { return m.s.keys.Pivot }

func (m *pivotMenu) SetSize(w, h int) { m.width, m.height = w, h }

func (m *pivotMenu) View() []string {
	lines := []string{paintOf(m.s.st.PaneTitleFocused).wrap(fit("PIVOT", m.width))}
	for i, p := range m.options {
		lines = append(lines, fit(fmt.Sprintf("  %d  %s", i+1, model.Printable(p.label)), m.width))
	}
	if len(m.options) == 0 {
		lines = append(lines, styled(m.s.st.Label, fit("  this event offers nothing to pivot on", m.width)))
	}
	return lines
}

// HandleKey takes a number: that pivot.
func (m *pivotMenu) HandleKey(msg tea.KeyPressMsg) action {
	i, ok := picked(m.s.keys, msg)
	if !ok {
		return nil
	}
	if i >= len(m.options) {
		return handled{}
	}
	return pivotTo{filter: m.options[i].filter}
}

func (m *pivotMenu) ShortHelp() []key.Binding {
	k := m.s.keys
	return []key.Binding{k.Pick, closeKeys(k, m.opener()), relabel(k.PivotBack, "returns (on the list)")}
}

func (m *pivotMenu) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// picked is the menu entry a number key picks (from 0).
func picked(k keymap.KeyMap, msg tea.KeyPressMsg) (int, bool) {
	if !key.Matches(msg, k.Pick) {
		return 0, false
	}
	return int(msg.String()[0] - '1'), true
}

// pivotStep is where a pivot came from, for backspace.
type pivotStep struct {
	filter string
	selAll int
}

// pivot applies a pivot's filter, remembering the filter and the event it
// came from.
func (a *App) pivot(filter string) tea.Cmd {
	a.pivotBack = append(a.pivotBack, pivotStep{filter: a.filter().String(), selAll: a.selAll})
	a.setFocus(paneList)
	a.applyFilter(filter)
	return a.plan()
}

// pivotReturn goes back to the filter and event before the last pivot.
func (a *App) pivotReturn() bool {
	n := len(a.pivotBack)
	if n == 0 {
		return false
	}
	step := a.pivotBack[n-1]
	a.pivotBack = a.pivotBack[:n-1]
	a.selAll = step.selAll
	a.applyFilter(step.filter)
	a.list.SetCursor(a.tl.Nearest(step.selAll))
	return true
}
