package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// views are the overlays a key opens from the panes, each with what it
// needs to open (nil: not offered now). A new view is its own file and a
// line here, with its key in the keymap.
func (a *App) views() []struct {
	key  key.Binding
	open func() overlay
} {
	return []struct {
		key  key.Binding
		open func() overlay
	}{
		{a.keys.Help, func() overlay { return newHelpOverlay(a.state, a.focused()) }},
		{a.keys.Regions, func() overlay { return a.regions }},
		{a.keys.Summary, func() overlay { return a.answers }},
		{a.keys.Pivot, func() overlay {
			if e := a.list.Selected(); e != nil {
				return newPivotMenu(a.state, e)
			}
			return nil
		}},
		{a.keys.TimeRange, func() overlay {
			if a.cfg.OpenRange != nil {
				return newTimeMenu(a.state)
			}
			return nil
		}},
	}
}

// openView opens the overlay msg's key opens, if any, and reports whether
// the key was one.
func (a *App) openView(msg tea.KeyPressMsg) bool {
	for _, v := range a.views() {
		if key.Matches(msg, v.key) {
			if o := v.open(); o != nil {
				a.push(o)
			}
			return true
		}
	}
	return false
}

// front is the overlay in front, or nil when the panes are.
func (a *App) front() overlay {
	if len(a.overlays) == 0 {
		return nil
	}
	return a.overlays[len(a.overlays)-1]
}

func (a *App) push(o overlay) {
	o.SetSize(a.lay.width, a.lay.body)
	a.overlays = append(a.overlays, o)
}

func (a *App) pop() {
	if n := len(a.overlays); n > 0 {
		a.overlays = a.overlays[:n-1]
	}
}

// focused is the pane that has the keys when no overlay is open.
func (a *App) focused() component {
	switch a.focus {
	case paneDetail:
		return a.detail
	case paneJSON:
		return a.json
	}
	return a.list
}

// onOverlayKey hands a key to the overlay in front; what it does not take,
// q, esc and the key that opened it, closes it (a reader of the help
// pressing q wants the help gone, not the session); ctrl+c still quits.
func (a *App) onOverlayKey(msg tea.KeyPressMsg) tea.Cmd {
	k, o := a.keys, a.front()
	if key.Matches(msg, k.ForceQuit) {
		return tea.Quit
	}
	if act := o.HandleKey(msg); act != nil {
		return a.do(act)
	}
	if key.Matches(msg, k.Back, k.Quit, o.opener()) {
		a.pop()
	}
	return nil
}

// do carries out what a component's key asked for.
func (a *App) do(act action) tea.Cmd {
	switch act := act.(type) {
	case runCmd:
		return act.cmd
	case closeOverlay:
		a.pop()
	case movedCursor:
		if act.top {
			a.follow.fresh = 0
		}
		a.moved(act.down)
	case narrowFilter:
		a.pop()
		a.applyFilter(act.filter)
		return a.plan()
	case pivotTo:
		a.pop()
		return a.pivot(act.filter)
	case pickRange:
		a.pop()
		return a.openRange(act.r)
	case copyQuery:
		return a.copyQuery()
	}
	return nil
}
