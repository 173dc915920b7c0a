package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// View stacks the status bar, the body (panes or an overlay), the info line
// and the footer, every line exactly as wide as the terminal.
func (a *App) View() tea.View {
	v := tea.NewView(a.render())
	v.AltScreen = true
	v.WindowTitle = "lazytrail"
	return v
}

func (a *App) render() string {
	l := a.lay
	if l.tooSmall {
		return tooSmallMessage(l.width, l.height)
	}
	lines := make([]string, 0, l.height)
	top := a.statusLines()
	for i := range l.top {
		if i < len(top) {
			lines = append(lines, top[i])
		} else {
			lines = append(lines, spaces(l.width))
		}
	}
	lines = append(lines, a.body()...)
	info := a.infoLines(l.width)
	for i := range l.info {
		if i < len(info) {
			lines = append(lines, info[i])
		} else {
			lines = append(lines, spaces(l.width))
		}
	}
	lines = append(lines, a.footer())
	return strings.Join(lines, "\n")
}

func (a *App) body() []string {
	l := a.lay
	if o := a.front(); o != nil {
		return block(o.View(), l.width, l.body)
	}
	if !l.wide {
		return block(a.focused().View(), l.width, l.body)
	}
	out := block(a.list.View(), l.width, l.listHeight)
	detail := block(a.detail.View(), l.detailWidth, l.lowerHeight)
	json := block(a.json.View(), l.jsonWidth, l.lowerHeight)
	sep := styled(a.st.Separator, "│")
	for i := range min(len(detail), len(json)) {
		out = append(out, detail[i]+sep+json[i])
	}
	return out
}

// maxInfoLines is how many lines the info line may grow to: a message
// (an export's path, a filter's error, what loaded the events) wraps
// rather than being cut at the terminal's edge.
const maxInfoLines = 3

// infoLines are the filter bar while typing, else the filter and its
// counts, the scan progress, or a one-off message, on one line when they
// fit and on up to maxInfoLines when not. The word that says whether a
// search is complete, or why it is not, comes first.
func (a *App) infoLines(w int) []string {
	if a.flash != "" {
		msg := a.st.paints.message
		lines := wrapLines(a.flash, w-1)
		if len(lines) > maxInfoLines {
			lines = lines[:maxInfoLines]
		}
		for i, l := range lines {
			lines[i] = msg.wrap(clip(" "+l, w))
		}
		return lines
	}
	var left string
	switch {
	case a.filtering:
		left = a.input.View()
	case !a.filter().IsZero():
		left = " filter " + cut(a.filter().String(), max(w/2-8, 30))
	}
	var parts []part
	add := func(p paint, s string) { parts = append(parts, part{text: s, paint: p}) }
	plainPart := func(s string) { parts = append(parts, part{text: s}) }
	optional := func(s string) { parts = append(parts, part{text: s, paint: a.st.paints.scan, optional: true}) }
	if a.filtering && a.filterErr != "" {
		add(a.st.paints.err, a.filterErr)
		return packParts(left, "  ", " · ", " ", parts, w, maxInfoLines)
	}
	// "complete" only for a filter the loaded query covers; a wider one
	// says what is loaded and what would load the rest, first.
	if c := a.coverageText(); c != "" {
		add(a.st.paints.scan, c)
	}
	if t := a.searchText(); t != "" {
		add(a.st.paints.scan, t)
	}
	sum := a.summary()
	switch {
	case a.tl.Pending() != nil:
		// Nothing is complete until the search has read every record.
	case a.ended && sum.failed > 0:
		// Not complete: what failed could hold matches.
		add(a.st.paints.err, fmt.Sprintf("incomplete: %d failed (R)", sum.failed))
	case a.ended && sum.skipped > 0:
		add(a.st.paints.err, fmt.Sprintf("incomplete: %s skipped (R)", count(sum.skipped)))
	case a.halted:
		plainPart("query stopped (r runs it again)")
	case a.complete():
		plainPart("complete")
	case a.ended:
		// Ended but not covered: the coverage text above says so.
	case a.toEnd.on:
		add(a.st.paints.scan, "scanning to the end")
	case a.scanning():
		add(a.st.paints.scan, "scanning")
	case a.stopped:
		plainPart("scan stopped")
	}
	if f := a.followText(); f != "" {
		add(a.st.paints.scan, f)
	}
	if !a.filter().IsZero() || a.filtering {
		plainPart(fmt.Sprintf("%s of %s loaded match", count(a.tl.Matches()), count(a.tl.Len())))
	} else {
		plainPart(count(a.tl.Len()) + " events loaded")
	}
	if a.toEnd.on && !a.ended {
		if st := a.toEnd.status(a.query, sum, time.Now()); st != "" {
			add(a.st.paints.scan, st)
		}
	}
	if a.scanning() || a.toEnd.on && !a.ended {
		s := sum
		optional(count(max(s.checked, a.tl.Len())) + " checked")
		if !s.reached.IsZero() {
			optional("back to " + s.reached.In(a.zone()).Format("2006-01-02 15:04"))
		}
		optional(fmt.Sprintf("%d %s paging", s.total-s.done-s.failed, s.word))
		optional("esc stops")
	}
	return packParts(left, "  ", " · ", " ", parts, w, maxInfoLines)
}

// footer is the keys of the view in front: the filter bar's while typing,
// else the front overlay's, else the focused pane's.
func (a *App) footer() string {
	var bindings []key.Binding
	switch {
	case a.filtering:
		bindings = a.keys.FilterHelp()
	case a.front() != nil:
		bindings = a.front().ShortHelp()
	default:
		bindings = a.focused().ShortHelp()
	}
	return clip(a.help.ShortHelpView(bindings), a.lay.width)
}

// tooSmallMessage says the terminal is too small, wrapped at its width and
// cut to its height, keeping the sizes first: at 30×8 it must still be read
// whole ("lazytrail needs a terminal of" alone says nothing).
func tooSmallMessage(w, h int) string {
	words := strings.Fields(fmt.Sprintf("lazytrail needs at least %d×%d; this terminal is %d×%d. Enlarge it, or press q to quit.",
		minWidth, minHeight, w, h))
	var lines []string
	line := ""
	for _, word := range words {
		switch {
		case line == "":
			line = word
		case cellWidth(line)+1+cellWidth(word) <= w:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
	}
	lines = append(lines, line)
	if h > 0 && len(lines) > h {
		lines = lines[:h]
	}
	for i := range lines {
		lines[i] = clip(lines[i], max(w, 1))
	}
	return strings.Join(lines, "\n")
}
