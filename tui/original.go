package tui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"lazytrail/model"
)

// originalTimeout bounds reading one log file back for the JSON pane.
const originalTimeout = 30 * time.Second

// originals holds the exact records read back for events a source holds
// only rebuilt (rows of a query's result), by event, and which are being
// read.
type originals struct {
	got     map[string]originalRecord
	reading map[string]bool
}

type originalRecord struct {
	raw string
	err string
}

// originalMsg is one record read back from its log file.
type originalMsg struct {
	key string
	originalRecord
}

func originalKey(e *model.Event) string { return e.Origin + "\x00" + e.ID }

// readOriginal starts reading the selected event's original record when
// the JSON pane is to show it and it is neither read nor being read.
func (a *App) readOriginal() tea.Cmd {
	reader, ok := a.originalReader()
	if !ok || !a.panesVisible() {
		return nil
	}
	e := a.list.Selected()
	if e == nil || e.Origin == "" {
		return nil
	}
	k := originalKey(e)
	if _, ok := a.orig.got[k]; ok || a.orig.reading[k] {
		return nil
	}
	if a.orig.reading == nil {
		a.orig.reading, a.orig.got = map[string]bool{}, map[string]originalRecord{}
	}
	a.orig.reading[k] = true
	ev, parent := *e, a.parent
	return guardCmd(func() tea.Msg {
		ctx, cancel := context.WithTimeout(parent, originalTimeout)
		defer cancel()
		raw, err := reader.Original(ctx, &ev)
		m := originalMsg{key: k, originalRecord: originalRecord{raw: raw}}
		if err != nil {
			m.err = model.Printable(err.Error())
		}
		return m
	})
}

func (a *App) onOriginal(m originalMsg) {
	delete(a.orig.reading, m.key)
	a.orig.got[m.key] = m.originalRecord
	a.json.Invalidate()
}

// recordOf is the record the JSON pane shows for e and what it says about
// it: the original when it was read back, else the rebuilt one and why.
func (a *App) recordOf(e *model.Event) (raw, note string) {
	if _, ok := a.originalReader(); e == nil || e.Origin == "" || !ok {
		if e == nil {
			return "", ""
		}
		return e.Raw, ""
	}
	k := originalKey(e)
	if got, ok := a.orig.got[k]; ok {
		if got.err != "" {
			return e.Raw, "rebuilt from the query's columns; the original could not be read: " + got.err
		}
		return got.raw, "as in " + model.Printable(e.Origin)
	}
	return e.Raw, "rebuilt from the query's columns; reading the original…"
}

// queryRunning reports whether a partition is a query (it says what it
// runs) that has delivered no results yet and is not finished: esc stops
// it rather than leave it scanning.
func (a *App) queryRunning() bool {
	if a.ended {
		return false
	}
	for _, p := range a.progress {
		if p.Detail != "" && p.Pages == 0 && !p.Finished() {
			return true
		}
	}
	return false
}

// stopStream closes the current stream (its pagers stop what they run)
// and keeps what was loaded.
func (a *App) stopStream() tea.Cmd {
	a.ended, a.halted, a.toEnd.on = true, true, false
	a.gen++ // what the closed stream still hands over is not waited for
	if close := a.detach(); close != nil {
		return a.closing.cmd(close)
	}
	return nil
}

// queryAnswered reports whether the partitions that run a query have all
// delivered results (their query succeeded), so that a narrower filter
// can be answered from them.
func (a *App) queryAnswered() bool {
	answered := false
	for _, p := range a.progress {
		if p.Detail == "" {
			continue
		}
		if p.State == model.RegionFailed || p.Pages == 0 && p.State != model.RegionDone {
			return false
		}
		answered = true
	}
	return answered
}
