package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"lazytrail/keymap"
	"lazytrail/model"
)

// R opens the sources, where they were last scrolled to.
var _ = register(opener{
	key: func(k keymap.KeyMap) key.Binding { return k.Regions },
	open: func(a *App, last overlay) overlay {
		if last != nil {
			return last
		}
		return newRegionsPanel(a.state)
	},
})

// regionsPanel is the per-partition overlay (R): for each account × region
// of every source its state, pages, events, throttles, how far back, and
// the last error; then every file or record skipped, and why. All escaped.
// It lays out the shared state's progress each time it renders, so what it
// shows is never older than the status bar.
type regionsPanel struct {
	s      *state
	sc     scroller
	width  int
	height int
}

func newRegionsPanel(s *state) *regionsPanel {
	// Wrapped, so that a skipped file's reason, which comes after its
	// long path, is read whole at any width.
	return &regionsPanel{s: s, sc: scroller{wrap: true}}
}

func (r *regionsPanel) opener() key.Binding { return r.s.keys.Regions }

func (r *regionsPanel) SetSize(w, h int) {
	r.width, r.height = w, h
	r.sc.SetSize(w, max(h-1, 0))
	r.layOut()
}

// layOut renders the progress into the scroller, keeping the scroll
// position.
func (r *regionsPanel) layOut() {
	ps, zone, st := r.s.progress, r.s.zone(), &r.s.st
	top := r.sc.top
	// A row is exactly as wide as its columns, so that one without an
	// error takes one line at 80 columns (16 regions fit at 80×24); an
	// error follows and wraps, as long as it is.
	nameW := max(min(30, r.width-50), 12)
	head := fmt.Sprintf("%s %-10s %6s %8s %9s %-11s", fit("SOURCE", nameW), "STATE", "PAGES", "EVENTS", "THROTTLES", "OLDEST")
	if cellWidth(head)+len(" LAST ERROR") <= r.width {
		head += " LAST ERROR"
	}
	lines := []string{paintOf(st.PaneTitle).wrap(head)}
	var skips []string
	ignored, example := 0, ""
	for _, p := range ps {
		ignored += p.Ignored
		if example == "" {
			example = p.IgnoredExample
		}
		oldest := "-"
		if !p.Oldest.IsZero() {
			oldest = p.Oldest.In(zone).Format("01-02 15:04")
		}
		line := fmt.Sprintf("%s %-10s %6d %8d %9d %-11s", fit(model.Printable(p.Name()), nameW), p.State, p.Pages, p.Events, p.Throttles, oldest)
		if p.Late > 0 {
			line += fmt.Sprintf(" (%d late)", p.Late)
		}
		// The error beside the row when it fits, else under it, wrapped
		// at spaces.
		var errLines []string
		if err := model.Printable(p.Err); err != "" && cellWidth(line)+1+cellWidth(err) <= r.width {
			line += " " + err
		} else if err != "" {
			for _, l := range wrapLines(err, r.width-2) {
				errLines = append(errLines, "  "+l)
			}
		}
		skips = append(skips, p.Skips...)
		if more := p.Skipped - len(p.Skips); more > 0 {
			skips = append(skips, fmt.Sprintf("… and %d more in %s", more, model.Printable(p.Name())))
		}
		for _, l := range append([]string{line}, errLines...) {
			switch p.State {
			case model.RegionFailed:
				l = styled(st.Error, l)
			case model.RegionThrottled:
				l = styled(st.Scan, l)
			}
			lines = append(lines, l)
		}
	}
	if len(ps) == 0 {
		lines = append(lines, styled(st.Label, "no source has reported yet"))
	}
	for _, p := range ps {
		if p.Status != "" {
			lines = append(lines, "", styled(st.Label, p.Status))
		}
		if p.Detail != "" {
			// The query as sent, a line each (the filter's values are in
			// it, so each line is escaped), but for the select list, which
			// is the same for every query: its conditions come first.
			lines = append(lines, "", paintOf(st.PaneTitle).wrap("QUERY  (y copies all of it)"))
			for _, l := range strings.Split(p.Detail, "\n") {
				if cols, ok := strings.CutPrefix(l, "SELECT "); ok {
					l = fmt.Sprintf("SELECT … (%d columns)", strings.Count(cols, ", ")+1)
				}
				lines = append(lines, model.Printable(l))
			}
		}
	}
	if ignored > 0 {
		what := "files"
		if ignored == 1 {
			what = "file"
		}
		lines = append(lines, "", styled(st.Label, fmt.Sprintf("%d %s ignored, not CloudTrail log files: %s", ignored, what, example)))
	}
	if len(skips) > 0 {
		lines = append(lines, "", paintOf(st.PaneTitle).wrap(fmt.Sprintf("SKIPPED (%d)", len(skips))))
		for _, sk := range skips {
			lines = append(lines, styled(st.Scan, sk))
		}
	}
	r.sc.SetLines(lines)
	r.sc.top = top
	r.sc.clamp()
}

func (r *regionsPanel) View() []string {
	r.layOut()
	head := paintOf(r.s.st.PaneTitleFocused).wrap(fit("SOURCES", r.width))
	return append([]string{head}, r.sc.Lines()...)
}

// HandleKey scrolls, or copies the query a source runs (y).
func (r *regionsPanel) HandleKey(msg tea.KeyPressMsg) action {
	switch {
	case key.Matches(msg, r.s.keys.Copy):
		return copyQuery{}
	case move(r.s.keys, &r.sc, msg):
		return handled{}
	}
	return nil
}

func (r *regionsPanel) ShortHelp() []key.Binding {
	k := r.s.keys
	keys := []key.Binding{scrollKeys(k)}
	for _, p := range r.s.progress {
		if p.Detail != "" { // a source runs a query: y copies it
			keys = append(keys, relabel(k.Copy, "copy the query"))
			break
		}
	}
	return append(keys, closeKeys(k, r.opener()))
}

func (r *regionsPanel) FullHelp() [][]key.Binding { return [][]key.Binding{r.ShortHelp()} }
