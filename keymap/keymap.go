// Package keymap holds every key binding of lazytrail with its help text, so
// that no component hard-codes a key and the help overlay is always complete.
package keymap

import "charm.land/bubbles/v2/key"

// KeyMap is every binding the app reacts to.
type KeyMap struct {
	Up, Down         key.Binding
	PageUp, PageDown key.Binding
	HalfUp, HalfDown key.Binding
	Top, Bottom      key.Binding

	Filter      key.Binding // open the filter bar
	Back        key.Binding // close, clear, stop a scan, or go back
	Open        key.Binding // open the selected event / apply the filter
	NextPane    key.Binding
	PrevPane    key.Binding
	Copy        key.Binding
	ToggleZone  key.Binding
	ToggleWrap  key.Binding
	Refresh     key.Binding
	ScanToEnd   key.Binding // page every source until history ends for the filter
	Summary     key.Binding // the summary view: counts by user, event, …
	Resources   key.Binding // the resource ledger: what was created, is it still there, what it costs
	Pivot       key.Binding // everything by this user, role, key, resource, IP, session
	TimeRange   key.Binding // presets: 15m 1h 6h 24h 7d 30d 90d
	Follow      key.Binding // poll for newer events, shown at the top
	PivotBack   key.Binding // back to the filter before the last pivot
	Export      key.Binding // write the filtered view to a jsonl file
	ExportCSV   key.Binding // … or a csv file
	Regions     key.Binding
	Help        key.Binding
	Quit        key.Binding
	ForceQuit   key.Binding // works even while typing in the filter bar
	ApplyFilter key.Binding // enter in the filter bar
	ClearFilter key.Binding // esc in the filter bar
	Pick        key.Binding // a numbered entry of a menu (pivot, time range)
}

// DefaultKeyMap returns lazytrail's bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:          key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		Down:        key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		PageUp:      key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown:    key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		HalfUp:      key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "half page up")),
		HalfDown:    key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", "half page down")),
		Top:         key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "newest")),
		Bottom:      key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "oldest loaded")),
		Filter:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Back:        key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Open:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		NextPane:    key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "pane")),
		PrevPane:    key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous pane")),
		Copy:        key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy JSON")),
		ToggleZone:  key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "UTC/local time")),
		ToggleWrap:  key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "wrap JSON")),
		Refresh:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "fresh query (twice)")),
		ScanToEnd:   key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "scan to end")),
		Summary:     key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "summary")),
		Resources:   key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "resources & cost")),
		Pivot:       key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "pivot")),
		TimeRange:   key.NewBinding(key.WithKeys("T"), key.WithHelp("T", "time range")),
		Follow:      key.NewBinding(key.WithKeys("F"), key.WithHelp("F", "follow new events")),
		PivotBack:   key.NewBinding(key.WithKeys("backspace"), key.WithHelp("⌫", "back from pivot")),
		Export:      key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "export jsonl")),
		ExportCSV:   key.NewBinding(key.WithKeys("E"), key.WithHelp("E", "export csv")),
		Regions:     key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "sources")),
		Help:        key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:        key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		ForceQuit:   key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		ApplyFilter: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
		ClearFilter: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		Pick:        key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("1-9", "pick")),
	}
}

// ShortHelp is the footer's help while browsing.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Filter, k.Open, k.NextPane, k.Summary, k.Copy, k.Help, k.Quit} // R is named by the status bar when it matters
}

// FilterHelp is the footer's help while the filter bar has the keyboard.
func (k KeyMap) FilterHelp() []key.Binding {
	return []key.Binding{k.ApplyFilter, k.ClearFilter, k.ForceQuit}
}

// FullHelp is the help overlay, one column per group.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.HalfUp, k.HalfDown, k.Top, k.Bottom},
		{k.Filter, k.Open, k.Back, k.NextPane, k.PrevPane, k.Summary, k.Resources, k.Pivot, k.PivotBack},
		{k.Copy, k.Export, k.ExportCSV, k.ToggleZone, k.ToggleWrap, k.Refresh, k.TimeRange, k.Follow, k.ScanToEnd, k.Regions, k.Help, k.Quit},
	}
}
