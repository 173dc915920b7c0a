package tui

// Layout math lives here and only here: every pane gets its size from
// computeLayout, and View stacks the panes in the same order.

const (
	minWidth  = 60
	minHeight = 12
	wideWidth = 140 // from here list, detail and JSON are on screen at once
)

type layout struct {
	width, height int
	top, info     int // lines of the status bar and of the info line, which grow rather than cut what they say
	tooSmall      bool
	wide          bool
	body          int // lines between the status bar and the info line
	listHeight    int // wide: the list on top; narrow: the whole body
	lowerHeight   int // wide: detail and JSON side by side under the list; narrow: the whole body (one at a time)
	detailWidth   int
	jsonWidth     int // the separator takes the remaining column
}

// computeLayout places the panes under top lines of status bar and above
// info lines of info line and the footer's one.
func computeLayout(w, h, top, info int) layout {
	l := layout{width: w, height: h, top: max(top, 1), info: max(info, 1)}
	if w < minWidth || h < minHeight {
		l.tooSmall = true
		return l
	}
	l.body = h - l.top - l.info - 1
	l.wide = w >= wideWidth
	if !l.wide {
		l.listHeight, l.detailWidth, l.jsonWidth = l.body, w, w
		l.lowerHeight = l.body
		return l
	}
	l.listHeight = max(l.body*2/5, 6)
	l.lowerHeight = l.body - l.listHeight
	l.detailWidth = (w - 1) / 2
	l.jsonWidth = w - 1 - l.detailWidth
	return l
}

// resize decides every size for a terminal of w×h and hands each
// component its own: the one place sizes are set.
func (a *App) resize(w, h int) {
	a.help.SetWidth(w)
	a.input.SetWidth(max(w/2-2, 10))
	a.status.SetSize(w, maxStatusLines)
	top, info := a.chromeLines(w)
	a.lay = computeLayout(w, h, top, info)
	if a.lay.tooSmall {
		return
	}
	a.list.SetSize(w, a.lay.listHeight)
	a.detail.SetSize(a.lay.detailWidth, a.lay.lowerHeight)
	a.json.SetSize(a.lay.jsonWidth, a.lay.lowerHeight)
	for _, o := range a.overlays {
		o.SetSize(w, a.lay.body)
	}
}
