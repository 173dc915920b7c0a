package tui

import (
	"fmt"
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
		a.searchAgain()
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
	if a.front() != nil {
		return a.onOverlayKey(msg)
	}
	if a.openView(msg) {
		return nil
	}
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.PivotBack):
		return a.pivotReturn()
	case key.Matches(msg, k.Export):
		return a.export("jsonl")
	case key.Matches(msg, k.ExportCSV):
		return a.export("csv")
	case key.Matches(msg, k.ScanToEnd):
		if !a.ended {
			a.toEnd.start(a.summary(), time.Now())
			a.stopped = false
		}
	case key.Matches(msg, k.Filter):
		a.filtering = true
		a.input.SetValue(a.filter().String())
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
		if a.capabilities().Plans && a.filter().Err() == "" {
			a.queryPlan = a.cfg.Source.Plan(a.filter())
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
	default:
		if act := a.focused().HandleKey(msg); act != nil {
			return a.do(act)
		}
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
	case a.stopSearching():
	case a.queryRunning():
		a.flash = "query stopped: r runs it again"
		return a.stopStream()
	case a.scanning():
		a.stopped = true
		a.toEnd.on = false
	}
	return nil
}

func (a *App) setFocus(p pane) { a.focus = p }

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
