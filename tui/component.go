package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"lazytrail/keymap"
	"lazytrail/model"
)

// component is the contract of every pane (list, detail, JSON) and every
// overlay (help, sources, summary, pivot, time range), in the spirit of
// soft-serve's common.Component: the App sizes it (from layout.go only),
// hands it the keys it does not take itself, renders it, and shows its
// keys in the footer. What it draws beyond its own cursor (the zone, the
// focus, the timeline, completeness) it reads from the shared state when
// it renders, so nothing is copied into it.
//
// A new view is one file and one key: the file holds a type that
// implements overlay (its View, its keys as actions, its footer) and
// registers its opener (var _ = register(opener{…}), overlays.go); the key
// is a binding in keymap.KeyMap, listed in its FullHelp.
type component interface {
	// SetSize gives the component its width and height in cells.
	SetSize(width, height int)
	// View renders exactly what fits its size, one string a line.
	View() []string
	// HandleKey takes a key; the action says what the App is to do
	// (nil: the key is not the component's).
	HandleKey(msg tea.KeyPressMsg) action
	// ShortHelp is the footer's keys while the component is in front;
	// FullHelp groups them for the help overlay (help.KeyMap).
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
}

// overlay is a view over the panes. The App keeps open ones on a stack:
// opening pushes, esc, q or the key that opened it pops.
type overlay interface {
	component
	// opener is the key that opened the overlay; it also closes it.
	opener() key.Binding
}

// action is what a component's key asks of the App, in the manner of
// crush's dialog actions: the component changes only itself, and the App
// does what reaches beyond it (a new filter, a fresh query, the
// clipboard).
type action interface{ isAction() }

type (
	// handled: the key was the component's; nothing more to do.
	handled struct{}
	// runCmd: the key was the component's; run the command (a text
	// input's cursor blink).
	runCmd struct{ cmd tea.Cmd }
	// movedCursor: the list's cursor moved (down: towards older events,
	// which resumes a stopped scan).
	movedCursor struct{ down, top bool }
	// narrowFilter closes the overlay and applies filter as the filter in
	// force, planning a query for it (a summary row).
	narrowFilter struct{ filter string }
	// pivotTo closes the overlay and pivots to filter, remembering where
	// it came from for backspace (a pivot menu entry); with a span, in a
	// fresh query over it (p's ±15 minutes).
	pivotTo struct {
		filter string
		span   model.Range
	}
	// pickRange closes the overlay and opens a query over r (T).
	pickRange struct{ r model.Range }
	// copyQuery sends the query a source runs to the clipboard (R's y).
	copyQuery struct{}
)

func (handled) isAction()      {}
func (runCmd) isAction()       {}
func (movedCursor) isAction()  {}
func (narrowFilter) isAction() {}
func (pivotTo) isAction()      {}
func (pickRange) isAction()    {}
func (copyQuery) isAction()    {}

// mover is what the movement keys act on: the list, a scrolled pane, the
// summary's rows. One switch of keys serves them all.
type mover interface {
	Move(n int)
	Top()
	Bottom()
	page() int // rows a page key moves
}

// move applies a movement key to m and reports whether it was one.
func move(k keymap.KeyMap, m mover, msg tea.KeyPressMsg) bool {
	page := max(m.page(), 1)
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

// relabel is b with another description, for a footer that says what a
// shared key does in one view ("tab: grouping" in the summary).
func relabel(b key.Binding, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(b.Help().Key, desc))
}

// relabelKey is b shown as another key name and description ("s/esc").
func relabelKey(b key.Binding, name, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(name, desc))
}

// closeKeys is the footer's entry for closing an overlay: esc or its own
// key.
func closeKeys(k keymap.KeyMap, own key.Binding) key.Binding {
	return relabelKey(k.Back, own.Help().Key+"/esc", "close")
}

// scrollKeys is the footer's entry for scrolling a text.
func scrollKeys(k keymap.KeyMap) key.Binding {
	name := k.Down.Keys()[0] + "/" + k.Up.Keys()[0] + " " + k.PageDown.Help().Key + "/" + k.PageUp.Help().Key
	return relabelKey(k.Down, name, "scroll")
}
