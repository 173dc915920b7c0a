package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"lazytrail/keymap"
	"lazytrail/model"
)

// s opens the summary on the grouping last chosen.
var _ = register(opener{
	key: func(k keymap.KeyMap) key.Binding { return k.Summary },
	open: func(a *App, last overlay) overlay {
		if last != nil {
			return last
		}
		return newSummary(a.state)
	},
})

// summaryPane is the answers view (s): the filtered events counted by a
// dimension (user first; tab cycles through the groupings, / types a
// request or response field's path, param:instanceType), with counts,
// shares and bars, most frequent first, and a histogram of the matches
// over the query's range. Counts are complete once history is scanned to
// the end for the filter (L), and lower bounds ("≥") before. enter on a
// row filters to it (model.Dimension.Term). It counts the shared state's
// timeline when it renders, again only when what it counts changed.
type summaryPane struct {
	s       *state
	width   int
	height  int
	dim     model.Dimension
	param   model.Dimension // the path typed last, which tab's cycle then holds
	counter model.Counter   // what derived dimensions read of each event, kept
	typing  bool            // the path's line has the keys
	input   textinput.Model
	err     string // why the typed path was refused, escaped
	groups  []model.Group
	total   int
	hist    []int
	span    time.Duration // of one histogram bin
	start   time.Time
	cursor  int
	top     int
	counted summaryKey // what groups, total and hist were counted from
}

// summaryKey is what a count depends on: a new timeline (r, follow), more
// events, another filter, grouping, width or range.
type summaryKey struct {
	tl         *model.Timeline
	loaded     int
	filter     string
	dim        model.Dimension
	width      int
	start, end time.Time
}

func newSummary(s *state) *summaryPane { return &summaryPane{s: s} }

func (p *summaryPane) opener() key.Binding { return p.s.keys.Summary }

// histRows is the histogram's height: sparkline and its axis.
const histRows = 2

func (p *summaryPane) SetSize(w, h int) {
	p.width, p.height = w, h
	p.refresh()
}

// refresh recounts from the timeline's filtered view when anything the
// count depends on changed since the last.
func (p *summaryPane) refresh() {
	tl, q := p.s.tl, p.s.query
	k := summaryKey{tl: tl, loaded: tl.Len(), filter: p.s.filter().String(), dim: p.dim, width: p.width, start: q.Start, end: q.End}
	if k == p.counted {
		return
	}
	p.counted = k
	p.groups = p.counter.Counts(tl, p.dim)
	p.total = tl.Matches()
	p.hist, p.start, p.span = nil, time.Time{}, 0
	if bins := p.width - 2; bins > 0 && !q.Start.IsZero() && q.End.After(q.Start) {
		p.hist, p.start = tl.Histogram(q.Start, q.End, bins), q.Start
		p.span = q.End.Sub(q.Start) / time.Duration(bins)
	}
	p.keepVisible()
}

// rows is what is left for groups under the title (which wraps rather
// than cut what it says), the header, and the histogram with its gap.
func (p *summaryPane) rows() int {
	return max(p.height-len(p.title())-len(p.pathLines())-1-histRows-1, 1)
}

// pathLines are the typed path's line and why it was refused, under the
// title while there is either.
func (p *summaryPane) pathLines() []string {
	var lines []string
	if p.typing {
		lines = append(lines, clip("  "+p.input.View(), p.width))
	}
	if p.err != "" {
		lines = append(lines, styled(p.s.st.Error, fit("  "+p.err, p.width)))
	}
	return lines
}

// title says what is counted and whether it is every match, wrapped at
// the width: the reason a count falls short is never cut off.
func (p *summaryPane) title() []string {
	head := fmt.Sprintf("SUMMARY by %s · %s", model.Printable(p.dim.String()), matchesText(p.total, p.s.why()))
	if p.dim.By == model.ByResource || p.dim.By == model.ByInstanceType || p.dim.By == model.ByParam {
		head += " · an event counts once per value"
	}
	return wrapLines(head, p.width)
}

func (p *summaryPane) Move(n int) {
	p.cursor += n
	p.keepVisible()
}

func (p *summaryPane) keepVisible() {
	p.cursor = max(min(p.cursor, len(p.groups)-1), 0)
	if p.cursor < p.top {
		p.top = p.cursor
	}
	if p.cursor >= p.top+p.rows() {
		p.top = p.cursor - p.rows() + 1
	}
}

// Cycle moves to the next (1) or previous (-1) grouping; the path typed
// last comes after the last grouping.
func (p *summaryPane) Cycle(dir int) {
	next := model.Dimension{By: p.dim.By.Next(dir)}
	if p.param.Path != "" && p.dim.By != model.ByParam &&
		(dir > 0 && next.By < p.dim.By || dir < 0 && next.By > p.dim.By) {
		next = p.param // wrapping round passes the typed path
	}
	p.show(next)
}

// show counts by d from the first row.
func (p *summaryPane) show(d model.Dimension) {
	p.dim = d
	if d.By == model.ByParam {
		p.param = d
	}
	p.cursor, p.top = 0, 0
	p.refresh()
}

// Selected is the filter term that the row under the cursor becomes, or
// "" when there is none (model.Dimension.Term).
func (p *summaryPane) Selected() string {
	if p.cursor >= len(p.groups) {
		return ""
	}
	return p.dim.Term(p.groups[p.cursor].Value)
}

// View draws the counts Update last brought up to date (App.Update
// refreshes the summary in front after every message).
func (p *summaryPane) View() []string {
	st := &p.s.st
	title := paintOf(st.PaneTitleFocused)
	var lines []string
	for _, l := range p.title() {
		lines = append(lines, title.wrap(fit(l, p.width)))
	}
	lines = append(lines, p.pathLines()...)
	valueW := max(p.width-7-1-9-1-7-1-22, 10)
	barW := max(p.width-7-1-valueW-1-9-1-7-1, 1)
	lines = append(lines, paintOf(st.PaneTitle).wrap(fit(fmt.Sprintf("%6s %s %9s %7s", "#", fit(strings.ToUpper(model.Printable(p.dim.String())), valueW), "COUNT", "SHARE"), p.width)))
	for i := p.top; i < len(p.groups) && i < p.top+p.rows(); i++ {
		g := p.groups[i]
		value := model.Printable(g.Value)
		if value == "" {
			value = "(none)"
		}
		share := float64(g.Count) / float64(max(p.total, 1))
		line := fmt.Sprintf("%6d %s %9s %6.1f%% %s", i+1, fit(value, valueW), count(g.Count), 100*share, bar(share, barW))
		line = fit(line, p.width)
		if i == p.cursor {
			if p.s.marked {
				line = ">" + line[1:] // the first cell is the rank's padding
			}
			line = paintOf(st.RowSelected).wrap(line)
		}
		lines = append(lines, line)
	}
	if len(p.groups) == 0 {
		lines = append(lines, styled(st.Label, fit("  nothing matches yet", p.width)))
	}
	for len(lines) < p.height-histRows {
		lines = append(lines, spaces(p.width))
	}
	return append(lines[:p.height-histRows], p.histogram()...)
}

// matchesText is the count with whether it is every match, and if not
// why not (why: see App.incompleteWhy).
func matchesText(n int, why string) string {
	if why == "" {
		return count(n) + " matches, complete"
	}
	return "≥ " + count(n) + ": the matches loaded so far (" + why + ")"
}

// histogram is a sparkline of the matches over the range and its axis.
func (p *summaryPane) histogram() []string {
	st, zone := &p.s.st, p.s.zone()
	if len(p.hist) == 0 {
		return []string{spaces(p.width), styled(st.Label, fit("  no time range to chart", p.width))}
	}
	peak := 0
	for _, n := range p.hist {
		peak = max(peak, n)
	}
	const levels = "▁▂▃▄▅▆▇█"
	var b strings.Builder
	b.WriteString("  ")
	for _, n := range p.hist {
		switch {
		case n == 0:
			b.WriteByte(' ')
		default:
			k := (n*len([]rune(levels)) - 1) / max(peak, 1)
			b.WriteRune([]rune(levels)[min(k, 7)])
		}
	}
	axis := fmt.Sprintf("  %s → %s · one cell %s · peak %s", p.start.In(zone).Format("2006-01-02 15:04"),
		p.start.Add(p.span*time.Duration(len(p.hist))).In(zone).Format("2006-01-02 15:04"), shortDuration(p.span), count(peak))
	return []string{styled(st.Scan, fit(b.String(), p.width)), styled(st.Label, fit(axis, p.width))}
}

// Top, Bottom and page make the summary's rows a mover (component.go).
func (p *summaryPane) Top()      { p.Move(-len(p.groups)) }
func (p *summaryPane) Bottom()   { p.Move(len(p.groups)) }
func (p *summaryPane) page() int { return p.rows() }

// HandleKey moves over the rows, cycles the grouping (tab), opens the
// line a field's path is typed on (/), and turns the row under the cursor
// into a filter (enter): the filter in force narrowed by it. While the
// path's line is open it has every key: enter counts by the path, esc
// leaves the line.
func (p *summaryPane) HandleKey(msg tea.KeyPressMsg) action {
	k := p.s.keys
	if p.typing {
		switch {
		case key.Matches(msg, k.ClearFilter):
			p.typing, p.err = false, ""
		case key.Matches(msg, k.ApplyFilter):
			d, err := model.ParseDimension(p.input.Value())
			if p.err = err; err == "" {
				p.typing = false
				p.show(d)
			}
		default:
			var cmd tea.Cmd
			p.input, cmd = p.input.Update(msg)
			return runCmd{cmd}
		}
		p.keepVisible()
		return handled{}
	}
	switch {
	case key.Matches(msg, k.NextPane):
		p.Cycle(1)
	case key.Matches(msg, k.PrevPane):
		p.Cycle(-1)
	case move(k, p, msg):
	case key.Matches(msg, k.Filter):
		p.typing, p.err = true, ""
		p.input = textinput.New()
		p.input.Prompt = "group by "
		p.input.SetStyles(p.s.st.Input)
		p.input.SetWidth(max(p.width-14, 10))
		p.input.SetValue("param:")
		p.input.CursorEnd()
		p.keepVisible()
		return runCmd{p.input.Focus()}
	case key.Matches(msg, k.Open):
		if term := p.Selected(); term != "" {
			return narrowFilter{filter: strings.TrimSpace(p.s.filter().String() + " " + term)}
		}
	default:
		return nil
	}
	return handled{}
}

func (p *summaryPane) ShortHelp() []key.Binding {
	k := p.s.keys
	if p.typing {
		return []key.Binding{relabel(k.ApplyFilter, "count by it"), relabelKey(k.ClearFilter, "esc", "back"), k.ForceQuit}
	}
	return []key.Binding{relabel(k.NextPane, "grouping"), relabel(k.Filter, "group by a field"), relabel(k.Open, "filter to it"), closeKeys(k, p.opener())}
}

func (p *summaryPane) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }
