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
// part and returns that too.
func (a *App) replaceTimeline(tl *model.Timeline) tea.Cmd {
	old := a.tl
	a.tl = tl
	if old == nil || old == tl || old.Len() == 0 {
		return nil
	}
	big := old.Len() >= bigLoad
	old.Release()
	if !big {
		return nil
	}
	return returnMemory
}

// bigLoad is the number of events from which returning memory at once is
// worth a full collection.
const bigLoad = 1 << 16

// streamEnded returns what the ended stream read ahead and the decoding's
// garbage to the system when the load was big enough for it to matter
// (a full collection is not worth it for a few thousand events).
func (a *App) streamEnded() tea.Cmd {
	if a.tl.Len() < bigLoad {
		return nil
	}
	return returnMemory
}

// returnMemory collects the garbage and gives the free heap back to the
// system at once, off the update loop, rather than over the minutes the
// runtime's scavenger would take: after a stream ends (what it read ahead,
// the decoding's garbage) and after a timeline is dropped.
func returnMemory() tea.Msg {
	debug.FreeOSMemory()
	return nil
}
