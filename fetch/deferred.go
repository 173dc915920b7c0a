package fetch

import (
	"context"
	"sync"

	"lazytrail/model"
)

// Deferred is a stream whose opening does I/O (listing a bucket to find
// the files of a range): the contract says Source.Open never blocks, and
// the TUI calls Open and Want inside Update. Want only records the demand;
// the first Next, which the TUI calls in a command, opens the stream there
// and hands it the demand recorded so far.
func Deferred(open func() model.Stream) model.Stream {
	return &deferred{open: open}
}

type deferred struct {
	mu     sync.Mutex
	open   func() model.Stream
	s      model.Stream
	match  func(*model.Event) bool
	n      int
	wanted bool
	closed bool
}

func (d *deferred) Want(match func(*model.Event) bool, n int) {
	d.mu.Lock()
	s := d.s
	if s == nil {
		d.match, d.n, d.wanted = match, n, true
	}
	d.mu.Unlock()
	if s != nil {
		s.Want(match, n)
	}
}

func (d *deferred) Next(ctx context.Context) (model.Batch, bool) {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return model.Batch{}, false
	}
	if d.s == nil {
		// Opened under the lock: a Want or Close meanwhile waits for it,
		// and Close then closes what was opened.
		d.s = d.open()
		if d.wanted {
			d.s.Want(d.match, d.n)
		}
	}
	s := d.s
	d.mu.Unlock()
	return s.Next(ctx)
}

func (d *deferred) Close() {
	d.mu.Lock()
	s := d.s
	d.closed = true
	d.mu.Unlock()
	if s != nil {
		s.Close()
	}
}
