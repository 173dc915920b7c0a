package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// onFilterKey handles a key while the filter bar has the keyboard: only
// enter, esc and ctrl+c are bindings there; everything else is text.
func (a *App) onFilterKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, a.keys.ForceQuit):
		return tea.Quit
	case key.Matches(msg, a.keys.ApplyFilter):
		if a.filterErr != "" {
			return nil // stay in the bar: the error says what to mend
		}
		a.filtering = false
		a.input.Blur()
		return a.plan()
	case key.Matches(msg, a.keys.ClearFilter):
		a.filtering = false
		a.filterErr = ""
		a.input.Blur()
		a.input.Reset()
		a.applyFilter("")
		return nil
	}
	var cmd tea.Cmd
	a.input, cmd = a.input.Update(msg)
	a.applyFilter(a.input.Value())
	return cmd
}

func (a *App) onKey(msg tea.KeyPressMsg) tea.Cmd {
	k := a.keys
	if !key.Matches(msg, k.Refresh) {
		a.confirmR = false
	}
	if a.overlay != overlayNone {
		return a.onOverlayKey(msg)
	}
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Help):
		a.openHelp()
	case key.Matches(msg, k.Regions):
		a.overlay = overlayRegions
	case key.Matches(msg, k.Summary):
		a.overlay = overlaySummary
		a.refreshSummary()
	case key.Matches(msg, k.Pivot):
		if e := a.list.Selected(); e != nil {
			a.pivots.options = pivotsOf(e)
			a.overlay = overlayPivot
		}
	case key.Matches(msg, k.PivotBack):
		a.pivotReturn()
	case key.Matches(msg, k.Export):
		return a.export("jsonl")
	case key.Matches(msg, k.ExportCSV):
		return a.export("csv")
	case key.Matches(msg, k.ScanToEnd):
		if !a.ended {
			a.toEnd.start(a.summary, time.Now())
			a.stopped = false
			a.askForMore()
		}
	case key.Matches(msg, k.Filter):
		a.filtering = true
		a.input.SetValue(a.filter.String())
		a.input.CursorEnd()
		return a.input.Focus()
	case key.Matches(msg, k.Back):
		return a.back()
	case key.Matches(msg, k.Open):
		if a.focus == paneList {
			a.setFocus(paneDetail)
		}
	case key.Matches(msg, k.NextPane):
		a.cycleFocus(1)
	case key.Matches(msg, k.PrevPane):
		a.cycleFocus(-1)
	case key.Matches(msg, k.Copy):
		return a.copyRaw()
	case key.Matches(msg, k.ToggleZone):
		a.utc = !a.utc
		a.list.utc = a.utc
		a.regions.Update(a.progress, a.zone())
	case key.Matches(msg, k.ToggleWrap):
		a.json.SetWrap(!a.json.sc.wrap)
	case key.Matches(msg, k.Refresh):
		// A fresh query discards what is loaded; with much to lose (a
		// long scan, say) it takes a second r.
		if a.tl.Len() > a.list.rows() && !a.confirmR {
			a.confirmR = true
			a.flash = fmt.Sprintf("press r again to discard the %s loaded events and query afresh up to now", count(a.tl.Len()))
			return nil
		}
		a.confirmR = false
		// A fresh query is one for the filter in force: after esc cleared
		// a pushed term, or backspace left a pivot, it asks for every
		// match again rather than the pushed attribute's events.
		if a.capabilities().Plans && a.filter.Err() == "" {
			a.queryPlan = a.cfg.Source.Plan(a.filter)
		}
		return a.reopen()
	case key.Matches(msg, k.Follow):
		if !a.capabilities().Follow {
			return nil
		}
		a.follow.on = !a.follow.on
		a.follow.fresh = 0
		if a.follow.on {
			return a.poll()
		}
	case key.Matches(msg, k.TimeRange):
		if a.capabilities().Ranges {
			a.overlay = overlayTime
		}
	default:
		a.navigate(msg)
	}
	return nil
}

// onOverlayKey handles a key over the help or the source panel: q, esc
// and the key that opened it close it (a reader of the help pressing q
// wants the help gone, not the session); ctrl+c still quits.
func (a *App) onOverlayKey(msg tea.KeyPressMsg) tea.Cmd {
	k := a.keys
	switch {
	case key.Matches(msg, k.ForceQuit):
		return tea.Quit
	case a.overlay == overlayTime && a.rangeIn.on:
		return a.onRangeKey(msg)
	case key.Matches(msg, k.Back), key.Matches(msg, k.Quit), key.Matches(msg, k.Help) && a.overlay == overlayHelp,
		key.Matches(msg, k.Regions) && a.overlay == overlayRegions, key.Matches(msg, k.Summary) && a.overlay == overlaySummary,
		key.Matches(msg, k.Pivot) && a.overlay == overlayPivot, key.Matches(msg, k.TimeRange) && a.overlay == overlayTime:
		a.overlay = overlayNone
	case a.overlay == overlaySummary:
		return a.onSummaryKey(msg)
	case a.overlay == overlayPivot && len(msg.Text) == 1 && msg.Text[0] >= '1' && msg.Text[0] <= '9':
		return a.pivotTo(int(msg.Text[0] - '1'))
	case a.overlay == overlayTime && len(msg.Text) == 1 && msg.Text[0] >= '1' && msg.Text[0] <= '9':
		return a.pickTime(int(msg.Text[0] - '1'))
	case a.overlay == overlayRegions && key.Matches(msg, k.Copy):
		return a.copyQuery()
	case a.overlay == overlayRegions:
		a.move(&a.regions.sc, msg)
	case a.overlay == overlayHelp:
		a.move(&a.helpSc, msg)
	}
	return nil
}

// back steps out one thing at a time: first from a detail or JSON pane to
// the list (a scan goes on behind it: the user is reading, not cancelling),
// then, from the list, it stops a scan and keeps what was found, or stops
// a query still running (billed for what it scans).
func (a *App) back() tea.Cmd {
	switch {
	case a.focus != paneList:
		a.setFocus(paneList)
	case a.queryRunning():
		a.flash = "query stopped: r runs it again"
		return a.stopStream()
	case a.scanning():
		a.stopped = true
		a.toEnd.on = false
		a.askForMore()
	}
	return nil
}

func (a *App) setFocus(p pane) {
	a.focus = p
	a.resize(a.lay.width, a.lay.height)
}

// cycleFocus moves between panes: all three in the wide layout; in the
// narrow one tab goes from the list to detail and then between detail and
// JSON (esc goes back to the list).
func (a *App) cycleFocus(step int) {
	if a.lay.wide {
		a.setFocus(pane((int(a.focus) + step + int(paneCount)) % int(paneCount)))
		return
	}
	switch a.focus {
	case paneList:
		a.setFocus(paneDetail)
	case paneDetail:
		a.setFocus(paneJSON)
	default:
		a.setFocus(paneDetail)
	}
}

// copyQuery copies what the first partition with a query runs (its SQL),
// to run it in the console or mend it by hand.
func (a *App) copyQuery() tea.Cmd {
	for _, p := range a.progress {
		if p.Detail != "" {
			a.flash = clipboardSent("the query", len(p.Detail))
			return tea.SetClipboard(p.Detail)
		}
	}
	a.flash = "no source runs a query to copy"
	return nil
}

func (a *App) copyRaw() tea.Cmd {
	e := a.list.Selected()
	if e == nil {
		a.flash = "nothing to copy"
		return nil
	}
	raw, _ := a.recordOf(e)
	a.flash = clipboardSent("the raw record", len(raw))
	return tea.SetClipboard(raw)
}

// clipboardSent says what y did: it wrote an OSC 52 sequence, which the
// terminal may or may not act on (tmux drops it unless set-clipboard is
// on; some terminals ask, or refuse), and nothing tells the app which. So
// it says the copy went out, not that it arrived.
func clipboardSent(what string, n int) string {
	return fmt.Sprintf("sent %s (%s bytes) to the clipboard by OSC 52: it arrives if the terminal allows OSC 52 (tmux: set-clipboard on)",
		what, count(n))
}

// navigate moves the cursor of the focused pane.
func (a *App) navigate(msg tea.KeyPressMsg) {
	switch a.focus {
	case paneDetail:
		a.move(&a.detail.sc, msg)
	case paneJSON:
		a.move(&a.json.sc, msg)
	default:
		before := a.list.cursor
		if !a.move(&a.list, msg) {
			return
		}
		if key.Matches(msg, a.keys.Top) {
			a.follow.fresh = 0
		}
		k := a.keys
		a.moved(a.list.cursor > before || key.Matches(msg, k.Down, k.PageDown, k.HalfDown, k.Bottom))
	}
}

// mover is what the movement keys act on: the list, a scrolled pane, the
// summary's rows. One switch of keys serves them all.
type mover interface {
	Move(n int)
	Top()
	Bottom()
	page() int // rows a page key moves
}

// move applies a movement key to m and reports whether it was one.
func (a *App) move(m mover, msg tea.KeyPressMsg) bool {
	k, page := a.keys, max(m.page(), 1)
	switch {
	case key.Matches(msg, k.Down):
		m.Move(1)
	case key.Matches(msg, k.Up):
		m.Move(-1)
	case key.Matches(msg, k.PageDown):
		m.Move(page)
	case key.Matches(msg, k.PageUp):
		m.Move(-page)
	case key.Matches(msg, k.HalfDown):
		m.Move(page / 2)
	case key.Matches(msg, k.HalfUp):
		m.Move(-page / 2)
	case key.Matches(msg, k.Top):
		m.Top()
	case key.Matches(msg, k.Bottom):
		m.Bottom()
	default:
		return false
	}
	return true
}

// onSummaryKey moves in the summary view, cycles its grouping (tab), and
// turns the row under the cursor into a filter (enter): the current
// filter narrowed by it, the list showing the result.
func (a *App) onSummaryKey(msg tea.KeyPressMsg) tea.Cmd {
	k := a.keys
	switch {
	case key.Matches(msg, k.NextPane):
		a.answers.Cycle(1)
		a.refreshSummary()
	case key.Matches(msg, k.PrevPane):
		a.answers.Cycle(-1)
		a.refreshSummary()
	case a.move(&a.answers, msg):
	case key.Matches(msg, k.Open):
		if term := a.answers.Selected(); term != "" {
			a.overlay = overlayNone
			a.applyFilter(strings.TrimSpace(a.filter.String() + " " + term))
			return a.plan()
		}
	}
	return nil
}
