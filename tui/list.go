package tui

import (
	"math"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"lazytrail/model"
)

// listPane is the virtualised event list: it renders only the rows on
// screen, so a frame costs the same with a thousand or a million events
// loaded. cursor and offset are positions in the timeline's filtered view;
// the timeline, the zone, the focus and the stream's state are read from
// the shared state when it renders.
type listPane struct {
	s      *state
	cursor int
	offset int
	width  int
	height int // including the header line
	cols   listColumns
	paints rowPaints // the row styles as paints, rebuilt with the styles
}

type rowPaints struct{ normal, readOnly, failed, selected, loading paint }

// listColumns are the cell widths for the current width; a zero width
// drops the column.
type listColumns struct{ time, account, region, name, user, source, resource int }

const (
	timeLong     = "2006-01-02 15:04:05"
	timeShort    = "01-02 15:04:05"
	timeYear     = "2006-01-02 15:04" // narrow, when events are not all of this year
	regionWidth  = 14                 // ap-southeast-2
	accountWidth = 12                 // 111122223333
	sourceWidth  = 12
)

func (l *listPane) SetSize(w, h int) {
	l.width, l.height = w, h
	l.cols = columnsFor(w, l.s.tl.Accounts() > 1, l.otherYears())
	l.keepVisible()
}

// otherYears reports whether loaded events reach outside this year: a
// 2023 record must not read "07-10 12:37" as if it were this July.
func (l *listPane) otherYears() bool {
	tl := l.s.tl
	n := tl.Len()
	if n == 0 {
		return false
	}
	year := time.Now().Year()
	if end := l.s.query.End; !end.IsZero() {
		year = end.Year() // the year of the query's end: rows of other years show theirs
	}
	return tl.At(0).Time.Year() != year || tl.At(n-1).Time.Year() != year
}

// Refit re-decides the columns after events arrive: the account column
// appears once events of a second account are loaded.
func (l *listPane) Refit() {
	several, years := l.s.tl.Accounts() > 1, l.otherYears()
	if several != (l.cols.account > 0) || years != (l.cols.time != len(timeShort)) && l.width < 120 {
		l.cols = columnsFor(l.width, several, years)
	}
}

// SetStyles rebuilds the row paints after the styles changed.
func (l *listPane) SetStyles(st *Styles) {
	l.paints = rowPaints{normal: paintOf(st.Row), readOnly: paintOf(st.RowReadOnly), failed: paintOf(st.RowError),
		selected: paintOf(st.RowSelected), loading: paintOf(st.RowLoading)}
}

// columnsFor shrinks and drops columns so that time, region, event name and
// user always fit at 80 columns and the rest appear as room allows; the
// account column, when events come from several accounts, from 100.
func columnsFor(w int, accounts, years bool) listColumns {
	c := listColumns{time: len(timeShort), region: regionWidth}
	switch {
	case w >= 120:
		c.time = len(timeLong)
	case years:
		c.time = len(timeYear)
	}
	rest := w - 2 - c.time - 1 - c.region - 1 // mark and separators
	if accounts && w >= 100 {
		c.account = accountWidth
		rest -= accountWidth + 1
	}
	const minName, minUser, minResource = 22, 16, 16
	if rest-sourceWidth-1 >= minName+1+minUser {
		c.source = sourceWidth
		rest -= sourceWidth + 1
	}
	if rest >= 30+1+28+1+minResource {
		c.name, c.user = 30, 28
		c.resource = rest - c.name - c.user - 2
		return c
	}
	c.name = max(min((rest-1)/2, 36), 1)
	c.user = max(rest-1-c.name, 1)
	return c
}

func (l *listPane) rows() int { return max(l.height-1, 0) }

func (l *listPane) keepVisible() {
	n := l.s.tl.Matches()
	l.cursor = min(l.cursor, n-1)
	l.cursor = max(l.cursor, 0)
	if rows := l.rows(); rows > 0 {
		if l.cursor < l.offset {
			l.offset = l.cursor
		}
		if l.cursor >= l.offset+rows {
			l.offset = l.cursor - rows + 1
		}
	}
	// Never leave rows empty below the last match while earlier ones are
	// off screen (a filter applied with the cursor on the last event).
	l.offset = max(min(l.offset, n-l.rows()), 0)
}

func (l *listPane) Move(n int) {
	l.cursor += n
	l.keepVisible()
}

func (l *listPane) Top() { l.cursor, l.offset = 0, 0 }

func (l *listPane) Bottom() {
	l.cursor = l.s.tl.Matches() - 1
	l.keepVisible()
}

// SetCursor puts the cursor on a view position and keeps it on screen.
func (l *listPane) SetCursor(pos int) {
	l.cursor = pos
	l.keepVisible()
}

// Selected is the event under the cursor, or nil when nothing matches.
func (l *listPane) Selected() *model.Event {
	if l.cursor < 0 || l.cursor >= l.s.tl.Matches() {
		return nil
	}
	return l.s.tl.Match(l.cursor)
}

// wanted is how many matching rows the list should have: where the user is
// plus two screens, or everything while scanning to the end.
func (l *listPane) wanted() int {
	if l.s.toEnd.on {
		return math.MaxInt32
	}
	return max(l.cursor, l.offset) + 2*max(l.rows(), 1)
}

// scanning reports whether a filter is waiting for matches that are not
// loaded yet.
func (l *listPane) scanning() bool {
	s := l.s
	return !s.ended && !s.stopped && s.tl.Pending() == nil && !s.filter().IsZero() && l.wanted() > s.tl.Matches()
}

// more is the text of the row after the last one while the stream can
// deliver more ("" when it cannot).
func (l *listPane) more() string {
	switch s := l.s; {
	case s.tl.Pending() != nil:
		return "searching the records loaded…"
	case s.ended:
		return ""
	case s.stopped:
		return "scan stopped (move down to go on, L to the end)"
	case s.toEnd.on:
		return "scanning to the end…"
	case l.scanning():
		return "scanning further back…"
	}
	return "loading…"
}

// View renders the header and the visible rows.
func (l *listPane) View() []string {
	out := make([]string, 0, l.height)
	if l.height <= 0 {
		return out
	}
	tl := l.s.tl
	zone := "UTC"
	if !l.s.utc {
		// The zone's own name (CET, EST, +0530), not "local": a reader
		// over SSH may not know which zone the bastion is in. The name
		// of the newest row, since a zone's name changes with DST.
		at := time.Now()
		if tl.Matches() > 0 {
			at = tl.Match(l.offset).Time
		}
		zone = at.In(l.s.local).Format("MST")
	}
	title := l.s.st.PaneTitle
	if l.s.focus == paneList {
		title = l.s.st.PaneTitleFocused
	}
	out = append(out, paintOf(title).wrap(clip(l.join(" ", "TIME ("+zone+")", "ACCOUNT", "REGION", "EVENT", "USER", "SOURCE", "RESOURCE"), l.width)))
	n, more := tl.Matches(), l.more()
	for i := l.offset; len(out) < l.height; i++ {
		switch {
		case i < n:
			out = append(out, l.row(tl.Match(i), i == l.cursor))
		case i == n && more != "":
			out = append(out, l.paints.loading.wrap(fit("  "+more, l.width)))
		default:
			out = append(out, spaces(l.width))
		}
	}
	return out
}

func (l *listPane) row(e *model.Event, selected bool) string {
	mark, p := " ", l.paints.normal
	switch {
	case e.Failed():
		mark, p = "!", l.paints.failed
	case e.ReadOnly == model.True:
		p = l.paints.readOnly
	}
	if selected {
		p = l.paints.selected
		if l.s.marked {
			mark = ">"
		}
	}
	resource := ""
	if len(e.Resources) > 0 {
		resource = e.Resources[0].Name
	}
	t := e.Time.In(l.s.zone())
	format := timeShort
	switch l.cols.time {
	case len(timeLong):
		format = timeLong
	case len(timeYear):
		format = timeYear
	}
	line := l.join(mark, t.Format(format), e.Account, e.Region, e.Name, model.Who(e), shortSource(e.Source), resource)
	return p.wrap(clip(line, l.width))
}

// join lays out one row's cells; mark is one cell wide.
func (l *listPane) join(mark string, cells ...string) string {
	c := l.cols
	widths := []int{c.time, c.account, c.region, c.name, c.user, c.source, c.resource}
	var b strings.Builder
	b.Grow(l.width)
	b.WriteString(fit(mark, 1))
	for i, w := range widths {
		if w == 0 {
			continue
		}
		b.WriteByte(' ')
		b.WriteString(fit(cells[i], w))
	}
	return b.String()
}

func (l *listPane) page() int { return l.rows() }

// HandleKey moves the cursor; the App then renews the demand and shows
// the new selection.
func (l *listPane) HandleKey(msg tea.KeyPressMsg) action {
	before, k := l.cursor, l.s.keys
	if !move(k, l, msg) {
		return nil
	}
	return movedCursor{
		down: l.cursor > before || key.Matches(msg, k.Down, k.PageDown, k.HalfDown, k.Bottom),
		top:  key.Matches(msg, k.Top),
	}
}

// ShortHelp is the footer while browsing the list.
func (l *listPane) ShortHelp() []key.Binding { return l.s.keys.ShortHelp() }

// FullHelp is every key, for the help overlay.
func (l *listPane) FullHelp() [][]key.Binding { return l.s.keys.FullHelp() }
