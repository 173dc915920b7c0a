package tui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
)

// Styles is every look the app uses, built once for a dark or light
// background. Components take their styles from here and never pick a
// colour themselves. Anything that must stay visible without colour
// (NO_COLOR gives the Ascii profile, which drops colours) also carries an
// attribute such as reverse, bold or faint.
type Styles struct {
	StatusBar   lipgloss.Style
	StatusKey   lipgloss.Style // "demo", counts
	StatusWarn  lipgloss.Style // throttled
	StatusError lipgloss.Style // failed regions
	Message     lipgloss.Style // flash messages ("copied …")
	Scan        lipgloss.Style // scan progress

	PaneTitle        lipgloss.Style
	PaneTitleFocused lipgloss.Style
	Separator        lipgloss.Style

	Row         lipgloss.Style
	RowReadOnly lipgloss.Style
	RowError    lipgloss.Style
	RowSelected lipgloss.Style
	RowLoading  lipgloss.Style

	Label   lipgloss.Style // detail labels
	Section lipgloss.Style // detail section headings
	Value   lipgloss.Style
	Error   lipgloss.Style

	JSONKey     lipgloss.Style
	JSONString  lipgloss.Style
	JSONNumber  lipgloss.Style
	JSONLiteral lipgloss.Style
	JSONPunct   lipgloss.Style

	Help  help.Styles
	Input textinput.Styles

	// The status bar's and info line's styles as paints, made once: those
	// lines are laid out after every update to know how many lines they
	// take, and a lipgloss render per part would be most of that cost.
	paints chromePaints
}

type chromePaints struct{ bar, key, warn, bad, message, scan, err paint }

// NewStyles builds the styles for a dark (true) or light background.
func NewStyles(dark bool) Styles {
	ld := lipgloss.LightDark(dark)
	accent := ld(lipgloss.Color("#5A4FCF"), lipgloss.Color("#9D8CFF"))
	muted := ld(lipgloss.Color("#8A8A8A"), lipgloss.Color("#6C6C6C"))
	text := ld(lipgloss.Color("#1F1F1F"), lipgloss.Color("#E4E4E4"))
	warn := ld(lipgloss.Color("#B35C00"), lipgloss.Color("#FFB454"))
	bad := ld(lipgloss.Color("#C62828"), lipgloss.Color("#FF6B6B"))
	good := ld(lipgloss.Color("#2E7D32"), lipgloss.Color("#8BD17C"))
	barBg := ld(lipgloss.Color("#E6E6F0"), lipgloss.Color("#2A2A3A"))

	base := lipgloss.NewStyle()
	var s Styles
	s.StatusBar = base.Foreground(text).Background(barBg)
	s.StatusKey = base.Foreground(accent).Background(barBg).Bold(true)
	s.StatusWarn = base.Foreground(warn).Background(barBg)
	s.StatusError = base.Foreground(bad).Background(barBg).Bold(true)
	s.Message = base.Foreground(good)
	s.Scan = base.Foreground(warn)

	s.PaneTitle = base.Foreground(muted).Bold(true)
	s.PaneTitleFocused = base.Foreground(accent).Bold(true).Underline(true)
	s.Separator = base.Foreground(muted)

	s.Row = base.Foreground(text)
	s.RowReadOnly = base.Foreground(muted).Faint(true)
	s.RowError = base.Foreground(bad)
	s.RowSelected = base.Reverse(true).Bold(true)
	s.RowLoading = base.Foreground(muted).Italic(true)

	s.Label = base.Foreground(muted)
	s.Section = base.Foreground(accent).Bold(true)
	s.Value = base.Foreground(text)
	s.Error = base.Foreground(bad).Bold(true)

	s.JSONKey = base.Foreground(accent)
	s.JSONString = base.Foreground(good)
	s.JSONNumber = base.Foreground(warn)
	s.JSONLiteral = base.Foreground(bad)
	s.JSONPunct = base.Foreground(muted)

	s.Help = help.DefaultStyles(dark)
	s.Input = textinput.DefaultStyles(dark)
	s.Input.Cursor.Blink = false // a steady cursor: no redraws twice a second over SSH
	s.paints = chromePaints{bar: paintOf(s.StatusBar), key: paintOf(s.StatusKey), warn: paintOf(s.StatusWarn),
		bad: paintOf(s.StatusError), message: paintOf(s.Message), scan: paintOf(s.Scan), err: paintOf(s.Error)}
	return s
}

// paint is a style split into the escape sequences around its text, so that
// thousands of short tokens (JSON) can be styled without a full lipgloss
// render each.
type paint struct{ pre, post string }

func paintOf(s lipgloss.Style) paint {
	const mark = "\u2063" // invisible separator: never produced by the style itself
	r := s.Render(mark)
	i := strings.Index(r, mark)
	if i < 0 {
		return paint{}
	}
	return paint{pre: r[:i], post: r[i+len(mark):]}
}

func (p paint) wrap(s string) string { return p.pre + s + p.post }

// styled applies s to one line of text. Unlike Style.Render it wraps the
// text as a whole, so attributes like underline do not split it per cell.
func styled(s lipgloss.Style, text string) string { return paintOf(s).wrap(text) }
