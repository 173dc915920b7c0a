package tui

import (
	"runtime/debug"

	tea "charm.land/bubbletea/v2"

	"lazytrail/model"
)

// The app reaches its events through one model.Source (Config.Source):
// it opens every query with Open, asks Plan what a settled filter pushes
// down, and offers the keys Capabilities allows. It never asks which
// source it is: what differs between sources is in what they answer.

// capabilities is what the source can do; nothing without a source.
func (a *App) capabilities() model.Capabilities {
	if a.cfg.Source == nil {
		return model.Capabilities{}
	}
	return a.cfg.Source.Capabilities()
}

// originalReader is the source's reader of original records, when it
// has one (model.Originals is optional).
func (a *App) originalReader() (model.Originals, bool) {
	o, ok := a.cfg.Source.(model.Originals)
	return o, ok
}

// replaceTimeline makes tl the app's timeline and releases the one it
// replaces (issue 18: a million loaded events are over a gigabyte): its
// arena goes back to the system at once (once no export or search still
// reads a snapshot of it), and the command returned collects its heap
// part and returns that too, off the update loop.
func (a *App) replaceTimeline(tl *model.Timeline) tea.Cmd {
	old := a.tl
	a.tl = tl
	if old == nil || old == tl || old.Len() == 0 {
		return nil
	}
	old.Release()
	return func() tea.Msg {
		debug.FreeOSMemory()
		return nil
	}
}
