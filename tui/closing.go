package tui

import (
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
)

// closing runs the Close of streams the app has let go (r, a new query,
// esc on a running one) in commands, since Close waits for the stream's
// goroutines and does not belong in Update, and lets App.Close finish
// the ones still pending when the program ends: Bubble Tea does not wait
// for commands on quit, and a stream's Close is what stops its pagers'
// work at the source (a query left running goes on being billed).
type closing struct {
	mu      sync.Mutex
	pending map[int]func()
	next    int
	running sync.WaitGroup
}

// closeWait bounds how long quitting waits for streams to close (a
// pager stopping a query at its source may take 5 s).
const closeWait = 10 * time.Second

// cmd is a command that runs close, unless App.Close has run it first.
func (c *closing) cmd(close func()) tea.Cmd {
	c.mu.Lock()
	if c.pending == nil {
		c.pending = map[int]func(){}
	}
	id := c.next
	c.next++
	c.pending[id] = close
	c.running.Add(1)
	c.mu.Unlock()
	return guardCmd(func() tea.Msg { c.run(id); return nil })
}

// run runs close id if nobody has yet.
func (c *closing) run(id int) {
	c.mu.Lock()
	close, ok := c.pending[id]
	delete(c.pending, id)
	c.mu.Unlock()
	if ok {
		defer c.running.Done()
		close()
	}
}

// finish runs every Close not started yet and waits, up to limit, for
// those running.
func (c *closing) finish(limit time.Duration) {
	c.mu.Lock()
	var ids []int
	for id := range c.pending {
		ids = append(ids, id)
	}
	c.mu.Unlock()
	for _, id := range ids {
		c.run(id)
	}
	done := make(chan struct{})
	go func() { c.running.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(limit):
	}
}
