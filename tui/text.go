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
	if plainASCII(line) {
		if len(line) > w {
			return line[:w]
		}
		return line + spaces(w-len(line))
	}
	return pad(ansi.Truncate(line, w, ""), w)
}

// pad adds spaces to reach w cells.
func pad(s string, w int) string {
	if d := w - cellWidth(s); d > 0 {
		return s + spaces(d)
	}
	return s
}

// cellWidth is the display width of s; most of what the list shows is
// plain ASCII, which needs no grapheme segmentation.
func cellWidth(s string) int {
	if plainASCII(s) {
		return len(s)
	}
	return ansi.StringWidth(s)
}

// plainASCII reports whether s is printable ASCII only (no escapes), so
// that bytes and cells are the same.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

const blanks = "                                                                                                                                                                                                                                                                "

func spaces(n int) string {
	if n <= len(blanks) {
		return blanks[:n]
	}
	return strings.Repeat(" ", n)
}

// block joins exactly h lines, each clipped to w, so that panes never spill
// into each other whatever they hold.
func block(lines []string, w, h int) []string {
	out := make([]string, h)
	for i := range out {
		if i < len(lines) {
			out[i] = clip(lines[i], w)
		} else {
			out[i] = spaces(max(w, 0))
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
	s = model.Printable(s)
	if plainASCII(s) && len(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// wrapLines breaks safe text into lines of at most w cells, at spaces,
// and inside a word only when one is longer than w (never at its
// hyphens; a path after a slash, so its file name stays whole): a message
// is read whole rather than cut at the terminal's edge.
func wrapLines(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	if cellWidth(s) <= w {
		return []string{s}
	}
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		for cellWidth(word) > w {
			if line != "" {
				lines, line = append(lines, line), ""
			}
			at := w
			if plainASCII(word) {
				// A path breaks after a slash: its file name stays whole.
				if i := strings.LastIndexByte(word[:w], '/'); i > 0 {
					at = i + 1
				}
			}
			lines = append(lines, ansi.Cut(word, 0, at))
			word = ansi.TruncateLeft(word, at, "")
		}
		switch {
		case line == "":
			line = word
		case cellWidth(line)+1+cellWidth(word) <= w:
			line += " " + word
		default:
			lines, line = append(lines, line), word
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}
