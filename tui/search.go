package tui

import (
	"context"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"lazytrail/model"
)

// A raw: filter over many events leaves the timeline's view pending and
// its Search to run (model.Timeline.BeginFilter): the App runs it a step
// at a time in commands, each step's matches a message (rawMatchesMsg),
// newest first, so the list fills as they arrive. The next keystroke's
// filter replaces the search: the App cancels the step in flight, whose
// workers stop within a block of records, and what it still delivers is
// refused by the timeline.

// rawMatchesMsg is a step of the running search.
type rawMatchesMsg struct {
	search *model.Search
	found  model.Found
	ok     bool // false: cancelled
}

// syncSearch starts the search the timeline waits for, if it is not the
// one running, and cancels the one running; called after every update.
func (a *App) syncSearch() tea.Cmd {
	s := a.tl.Pending()
	if s == a.search {
		return nil
	}
	if a.stopSearch != nil {
		a.stopSearch()
	}
	a.search, a.stopSearch = s, nil
	if s == nil {
		return nil
	}
	a.searchCtx, a.stopSearch = context.WithCancel(a.parent)
	return a.step(s)
}

// step runs the search's next step in a command.
func (a *App) step(s *model.Search) tea.Cmd {
	ctx := a.searchCtx
	return guardCmd(func() tea.Msg {
		found, ok := s.Step(ctx)
		return rawMatchesMsg{search: s, found: found, ok: ok}
	})
}

// onFound puts a step of the search into the view and waits for the next.
func (a *App) onFound(m rawMatchesMsg) tea.Cmd {
	if !m.ok || m.search != a.search || !a.tl.Found(m.found) {
		return nil // cancelled, or replaced by a later filter
	}
	a.list.Refit()
	a.list.keepVisible()
	if m.found.Done {
		return nil
	}
	return a.step(m.search)
}

// searchText is what the info line says of a search: how far it has got,
// or where it was stopped; "" when there is none.
func (a *App) searchText() string {
	if tested, total, ok := a.tl.Searching(); ok {
		return fmt.Sprintf("searching records %d%% (%s of %s)", percent(tested, total), count(tested), count(total))
	}
	if tested, total, ok := a.tl.SearchStopped(); ok {
		return fmt.Sprintf("search stopped at %d%% (%s of %s): / enter searches again", percent(tested, total), count(tested), count(total))
	}
	return ""
}

// stopSearching stops the search in flight (esc outside the filter bar):
// the list keeps what it found.
func (a *App) stopSearching() bool {
	if a.tl.Pending() == nil {
		return false
	}
	a.tl.StopSearch()
	return true
}

// searchAgain searches afresh for a filter whose search was stopped.
func (a *App) searchAgain() {
	if _, _, stopped := a.tl.SearchStopped(); stopped {
		a.tl.BeginFilter(a.filter())
	}
}

func percent(part, whole int) int {
	if whole == 0 {
		return 100
	}
	return part * 100 / whole
}
