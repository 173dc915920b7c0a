package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"lazytrail/keymap"
	"lazytrail/model"
)

// pivot is one way to widen from the selected event to everything like it:
// a label and the filter that finds it, and for the pivot around the
// event's time the range its query opens over.
type pivot struct {
	label, filter string
	span          model.Range
}

// aroundSpan is how far either side of the selected event the time pivot
// reaches: "what else happened then".
const aroundSpan = 15 * time.Minute

// aroundPivot is everything within aroundSpan of e, in every region and
// account the source reads: no filter, and a fresh query over the range,
// as T opens one.
func aroundPivot(e *model.Event) pivot {
	return pivot{label: "everything within ±15 minutes of this event, every region and account",
		span: model.Range{Since: e.Time.Add(-aroundSpan), Until: e.Time.Add(aroundSpan)}}
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
			m := newPivotMenu(a.state, e)
			if a.capabilities().Ranges && !e.Time.IsZero() {
				m.options = append(m.options, aroundPivot(e))
			}
			return m
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
	return pivotTo{filter: m.options[i].filter, span: m.options[i].span}
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

// pivotStep is where a pivot came from, for backspace: the filter and the
// event, and for a pivot that opened a query of its own (±15 minutes) the
// range and the plan of the query it left, which backspace opens again.
type pivotStep struct {
	filter string
	selAll int
	ranged bool
	r      model.Range
	plan   model.Plan
	land   landing
	follow bool // follow mode was on: the return follows again
}

// landing is the event a reopened query should show selected once it is
// loaded: its id, and its time, past which the query holds it no more.
type landing struct {
	id  string
	at  time.Time
	gen int // the query it is for: any other (r, T) forgets it
}

// pivot applies a pivot's filter, remembering the filter and the event it
// came from.
func (a *App) pivot(filter string) tea.Cmd {
	a.pivotBack = append(a.pivotBack, pivotStep{filter: a.filter().String(), selAll: a.selAll})
	a.setFocus(paneList)
	a.applyFilter(filter)
	return a.plan()
}

// pivotAround opens a query over r with filter (none: everything the
// source reads, in every region and account), through T's openRange,
// remembering the filter, range and plan it left; the list then lands on
// the selected event once the query has loaded it. Follow mode stops (the
// range ends in the past) until backspace returns.
func (a *App) pivotAround(filter string, r model.Range) tea.Cmd {
	step := pivotStep{filter: a.filter().String(), selAll: a.selAll, ranged: true, r: a.timeRange, plan: a.queryPlan, follow: a.follow.on}
	if e := a.list.Selected(); e != nil {
		step.land = landing{id: e.ID, at: e.Time}
	}
	a.pivotBack = append(a.pivotBack, step)
	a.setFocus(paneList)
	a.follow.on = false
	a.applyFilter(filter)
	if a.capabilities().Plans {
		a.queryPlan = a.cfg.Source.Plan(a.filter())
	}
	cmd := a.openRange(r)
	a.landing = step.land
	a.landing.gen = a.gen
	return cmd
}

// pivotReturn goes back to the filter and event before the last pivot;
// after a ranged pivot, to the query it left, opened again (the command).
func (a *App) pivotReturn() tea.Cmd {
	n := len(a.pivotBack)
	if n == 0 {
		return nil
	}
	step := a.pivotBack[n-1]
	a.pivotBack = a.pivotBack[:n-1]
	a.selAll = step.selAll
	a.applyFilter(step.filter)
	if step.ranged {
		a.timeRange, a.queryPlan = step.r, step.plan
		cmd := a.reopen()
		a.landing = step.land
		a.landing.gen = a.gen
		if a.follow.on = step.follow; a.follow.on {
			cmd = tea.Batch(cmd, a.followTick())
		}
		return cmd
	}
	a.list.SetCursor(a.tl.Nearest(step.selAll))
	return nil
}

// land moves the list's cursor to the event a ranged pivot (or its
// return) is to show, once the query has loaded it; until then it keeps
// the cursor on the oldest match, so the list asks for more. A query that
// ended or passed the event's time without it lands on the nearest match
// by time. ended: the batch was the query's last.
func (a *App) land(ended bool) {
	l := a.landing
	if l.id == "" {
		return
	}
	if l.gen != a.gen {
		a.landing = landing{}
		return
	}
	if i, ok := a.tl.IndexOf(l.id); ok {
		a.landing = landing{}
		a.selAll = i
		if a.tl.Matches() > 0 {
			a.list.SetCursor(a.tl.Nearest(i))
		}
		return
	}
	passed := a.tl.Len() > 0 && a.tl.OldestLoaded().Before(l.at.Truncate(time.Second))
	if passed || ended {
		a.landing = landing{}
	}
	if a.tl.Matches() > 0 {
		a.list.SetCursor(a.tl.Matches() - 1)
		a.selAll = a.tl.MatchIndex(a.tl.Matches() - 1)
	}
}
