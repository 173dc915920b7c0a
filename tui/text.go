package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"lazytrail/model"
)

// fit makes event text safe for the terminal and exactly w cells wide,
// cutting with an ellipsis. Text is pre-cut by bytes first so that a
// megabyte-long field costs no more than a short one.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	return pad(cut(s, w), w)
}

// clip cuts an already safe, possibly styled line to w cells and pads it.
func clip(line string, w int) string {
	if w <= 0 {
		return ""
	}
	return pad(ansi.Truncate(line, w, ""), w)
}

// pad adds spaces to reach w cells.
func pad(s string, w int) string {
	if d := w - ansi.StringWidth(s); d > 0 {
		return s + strings.Repeat(" ", d)
	}
	return s
}

// block joins exactly h lines, each clipped to w, so that panes never spill
// into each other whatever they hold.
func block(lines []string, w, h int) []string {
	out := make([]string, h)
	for i := range out {
		if i < len(lines) {
			out[i] = clip(lines[i], w)
		} else {
			out[i] = strings.Repeat(" ", max(w, 0))
		}
	}
	return out
}

// shortSource turns ec2.amazonaws.com into ec2.
func shortSource(s string) string {
	return strings.TrimSuffix(s, ".amazonaws.com")
}

// cut makes event text safe and at most w cells wide, without padding.
func cut(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if limit := 4*w + 16; len(s) > limit {
		s = s[:limit]
	}
	return ansi.Truncate(model.Printable(s), w, "…")
}
