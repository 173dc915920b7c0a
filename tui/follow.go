package tui

import (
	"fmt"
	"math"
	"time"

	tea "charm.land/bubbletea/v2"

	"lazytrail/model"
)

// followEvery is how often follow mode (F) asks the source for events
// newer than the newest loaded: one page a partition, well within an
// API quota of 2 requests/s, and about as often as trails deliver files.
var followEvery = 15 * time.Second

// followTickMsg starts a poll; followMsg brings its new events.
type (
	followTickMsg struct{ gen int }
	followMsg     struct {
		gen    int
		events []model.Event
	}
)

// follow holds follow mode's state.
type follow struct {
	on    bool
	fresh int // events that arrived at the top since the user last looked there
}

func (a *App) followTick() tea.Cmd {
	gen := a.gen
	return tea.Tick(followEvery, func(time.Time) tea.Msg { return followTickMsg{gen: gen} })
}

// poll reads the source from the newest loaded event up to now, with what
// the query in force pushes down: a stream of its own, opened here (Open
// never blocks) and drained and closed in a command.
func (a *App) poll() tea.Cmd {
	if !a.capabilities().Follow || a.tl.Len() == 0 {
		return a.followTick()
	}
	src, _ := a.cfg.Source.Open(a.parent, model.Request{After: a.tl.At(0).Time, Plan: a.queryPlan.Key})
	ctx, gen := a.ctx, a.gen
	return guardCmd(func() tea.Msg {
		defer src.Close()
		src.Want(nil, math.MaxInt32)
		var evs []model.Event
		for {
			b, ok := src.Next(ctx)
			if !ok {
				break
			}
			evs = append(evs, b.Events...)
		}
		return followMsg{gen: gen, events: evs}
	})
}

// onFollow puts a poll's new events at the top without moving what the
// user looks at: the cursor stays on its event and the rows on screen
// stay where they are; a badge counts what arrived above.
func (a *App) onFollow(m followMsg) tea.Cmd {
	if m.gen != a.gen || !a.follow.on {
		return nil
	}
	var fresh []model.Event
	for i := range m.events {
		if !a.tl.Contains(m.events[i].ID) && m.events[i].Time.After(a.tl.At(0).Time.Add(-time.Second)) {
			fresh = append(fresh, m.events[i])
		}
	}
	if len(fresh) > 0 {
		selected := a.list.Selected()
		before := a.tl.Matches()
		freed := a.replaceTimeline(a.tl.WithNewer(fresh))
		added := a.tl.Matches() - before
		if selected != nil {
			a.list.offset += added
			a.list.SetCursor(a.list.cursor + added)
			a.follow.fresh += added
		}
		a.selAll = a.tl.MatchIndex(a.list.cursor)
		return tea.Batch(freed, a.followTick())
	}
	return a.followTick()
}

// followText is the badge of follow mode for the status line.
func (a *App) followText() string {
	if !a.follow.on {
		return ""
	}
	if a.follow.fresh > 0 {
		return fmt.Sprintf("following · %s new (g)", count(a.follow.fresh))
	}
	return "following"
}
