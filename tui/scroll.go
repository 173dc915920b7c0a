package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// scroller is the scrollable text behind the detail and JSON panes. It keeps
// the logical lines and, when wrapping, the wrapped lines for the current
// width, and renders only the lines on screen.
type scroller struct {
	source  []string
	visual  []string
	wrap    bool
	top     int
	width   int
	height  int
	wrapped int // width visual was wrapped for (0: not wrapped)

	// The last rendered screen, reused while nothing changed.
	shown    []string
	shownFor [4]int // top, width, height, len(visual)
	shownSrc *string
}

func (s *scroller) SetLines(lines []string) {
	s.source, s.top, s.wrapped = lines, 0, 0
	s.visual = lines
	s.rewrap()
}

func (s *scroller) SetSize(w, h int) {
	s.width, s.height = w, h
	s.rewrap()
	s.clamp()
}

func (s *scroller) SetWrap(on bool) {
	s.wrap = on
	s.rewrap()
	s.clamp()
}

func (s *scroller) rewrap() {
	if !s.wrap || s.width <= 0 {
		s.visual, s.wrapped = s.source, 0
		return
	}
	if s.wrapped == s.width {
		return
	}
	var out []string
	for _, l := range s.source {
		if ansi.StringWidth(l) <= s.width {
			out = append(out, l)
			continue
		}
		out = append(out, strings.Split(ansi.Hardwrap(l, s.width, true), "\n")...)
	}
	s.visual, s.wrapped = out, s.width
}

func (s *scroller) ScrollBy(n int) {
	s.top += n
	s.clamp()
}

func (s *scroller) Top()    { s.top = 0 }
func (s *scroller) Bottom() { s.top = len(s.visual); s.clamp() }

func (s *scroller) clamp() {
	s.top = min(s.top, len(s.visual)-s.height)
	s.top = max(s.top, 0)
}

// Lines returns the visible lines, each exactly width cells wide.
func (s *scroller) Lines() []string {
	key := [4]int{s.top, s.width, s.height, len(s.visual)}
	var first *string
	if len(s.visual) > 0 {
		first = &s.visual[0]
	}
	if s.shown != nil && key == s.shownFor && first == s.shownSrc {
		return s.shown
	}
	end := min(s.top+s.height, len(s.visual))
	s.shown = block(s.visual[s.top:max(end, s.top)], s.width, s.height)
	s.shownFor, s.shownSrc = key, first
	return s.shown
}

// Position says where the view is, e.g. "12-40/230".
func (s *scroller) Position() (first, last, total int) {
	return s.top + 1, min(s.top+s.height, len(s.visual)), len(s.visual)
}

// Move and page make a scroller a mover (component.go).
func (s *scroller) Move(n int) { s.ScrollBy(n) }
func (s *scroller) page() int  { return s.height }
