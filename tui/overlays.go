package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"lazytrail/keymap"
)

// opener is how a key opens an overlay from the panes. Each overlay's
// file registers its own (var _ = register(…)), so a new view is its file
// and its key in the keymap, with no switch to extend.
type opener struct {
	key func(keymap.KeyMap) key.Binding
	// open builds the overlay, or returns nil when it is not offered now
	// (p with no event selected). last is the one this opener opened
	// before (nil the first time), for a view that reopens as it was left.
	open func(a *App, last overlay) overlay
}

var openers []opener

func register(o opener) bool {
	openers = append(openers, o)
	return true
}

// openView opens the overlay msg's key opens, if any, and reports whether
// the key was one.
func (a *App) openView(msg tea.KeyPressMsg) bool {
	for i, op := range openers {
		if !key.Matches(msg, op.key(a.keys)) {
			continue
		}
		if a.opened == nil {
			a.opened = map[int]overlay{}
		}
		if o := op.open(a, a.opened[i]); o != nil {
			a.opened[i] = o
			a.push(o)
		}
		return true
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
		if !act.span.IsZero() {
			return a.pivotAround(act.filter, act.span)
		}
		return a.pivot(act.filter)
	case pickRange:
		a.pop()
		return a.openRange(act.r)
	case copyQuery:
		return a.copyQuery()
	}
	return nil
}
