package tui

// Layout math lives here and only here: every pane gets its size from
// computeLayout, and View stacks the panes in the same order.

const (
	minWidth  = 60
	minHeight = 12
	wideWidth = 140 // from here list, detail and JSON are on screen at once
	chrome    = 3   // status bar, info line, footer
)

type layout struct {
	width, height int
	tooSmall      bool
	wide          bool
	body          int // lines between the status bar and the info line
	listHeight    int // wide: the list on top; narrow: the whole body
	lowerHeight   int // wide: detail and JSON side by side under the list
	detailWidth   int
	jsonWidth     int // the separator takes the remaining column
}

func computeLayout(w, h int) layout {
	l := layout{width: w, height: h}
	if w < minWidth || h < minHeight {
		l.tooSmall = true
		return l
	}
	l.body = h - chrome
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
