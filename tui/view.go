package tui

import (
	"fmt"
	"strings"
	"time"

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
	lines = append(lines, a.status.View(a.cfg.Account, a.query, a.tl.Len(), a.summary, a.zone()))
	lines = append(lines, a.body()...)
	lines = append(lines, a.infoLine(), a.footer())
	return strings.Join(lines, "\n")
}

func (a *App) body() []string {
	l := a.lay
	switch a.overlay {
	case overlayHelp:
		return block(strings.Split(a.help.FullHelpView(a.keys.FullHelp()), "\n"), l.width, l.body)
	case overlayRegions:
		return block(a.regions.View(), l.width, l.body)
	case overlayTime:
		return block(a.timeMenu(), l.width, l.body)
	case overlayPivot:
		return block(a.pivots.View(), l.width, l.body)
	case overlaySummary:
		return block(a.answers.View(a.ended && a.summary.failed == 0, a.zone()), l.width, l.body) // counts with a failed partition are lower bounds
	}
	if !l.wide {
		switch a.focus {
		case paneDetail:
			return block(a.detail.View(), l.width, l.body)
		case paneJSON:
			return block(a.json.View(), l.width, l.body)
		}
		return block(a.list.View(), l.width, l.body)
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

// infoLine is the filter bar while typing, else the filter and its
// counts, the scan progress, or a one-off message. Its parts go in order
// of importance and are left out whole when they do not fit: the word
// that says whether a search is complete comes first, so it is read even
// at 80 columns.
func (a *App) infoLine() string {
	w := a.lay.width
	if a.flash != "" {
		return styled(a.st.Message, clip(" "+a.flash, w))
	}
	var left string
	switch {
	case a.filtering:
		left = a.input.View()
	case !a.filter.IsZero():
		left = " filter " + cut(a.filter.String(), 30)
	}
	if a.filtering && a.filterErr != "" {
		return clip(left+"  "+styled(a.st.Error, a.filterErr), w)
	}
	var parts []string
	scan := func(s string) { parts = append(parts, styled(a.st.Scan, s)) }
	switch {
	case a.ended && a.summary.failed > 0:
		// Not complete: what failed could hold matches.
		parts = append(parts, styled(a.st.Error, fmt.Sprintf("incomplete: %d failed (R)", a.summary.failed)))
	case a.ended:
		parts = append(parts, "complete")
	case a.toEnd.on:
		scan("scanning to the end")
	case a.scanning():
		scan("scanning")
	case a.stopped:
		parts = append(parts, "scan stopped")
	}
	if f := a.followText(); f != "" {
		parts = append(parts, styled(a.st.Scan, f))
	}
	if !a.filter.IsZero() || a.filtering {
		parts = append(parts, fmt.Sprintf("%s of %s loaded match", count(a.tl.Matches()), count(a.tl.Len())))
	} else {
		parts = append(parts, count(a.tl.Len())+" events loaded")
	}
	if a.toEnd.on && !a.ended {
		if st := a.toEnd.status(a.query, a.summary, time.Now()); st != "" {
			scan(st)
		}
	}
	if a.scanning() || a.toEnd.on && !a.ended {
		s := a.summary
		scan(count(max(s.checked, a.tl.Len())) + " checked")
		if !s.reached.IsZero() {
			scan("back to " + s.reached.In(a.zone()).Format("2006-01-02 15:04"))
		}
		scan(fmt.Sprintf("%d %s paging", s.total-s.done-s.failed, s.word))
		scan("esc stops")
	}
	line := left + "  " + parts[0]
	for _, p := range parts[1:] {
		if cellWidth(line)+3+cellWidth(p) > w {
			break
		}
		line += " · " + p
	}
	return clip(line, w)
}

func (a *App) footer() string {
	bindings := a.keys.ShortHelp()
	if a.filtering {
		bindings = a.keys.FilterHelp()
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
