package fetch

import (
	"context"
	"testing"

	"lazytrail/model"
)

// countingStream records what it was asked, to see when Deferred opens it.
type countingStream struct {
	wants  []int
	closed bool
}

func (c *countingStream) Want(_ func(*model.Event) bool, n int) { c.wants = append(c.wants, n) }
func (c *countingStream) Next(context.Context) (model.Batch, bool) {
	return model.Batch{Events: []model.Event{{ID: "e1"}}}, true
}
func (c *countingStream) Close() { c.closed = true }

// Want before the first Next opens nothing (it runs inside Update); the
// first Next opens the stream and hands it the last demand recorded.
func TestDeferredOpensOnFirstNext(t *testing.T) {
	opened := 0
	inner := &countingStream{}
	d := Deferred(func() model.Stream { opened++; return inner })
	d.Want(nil, 10)
	d.Want(nil, 50)
	if opened != 0 {
		t.Fatalf("Want opened the stream")
	}
	b, ok := d.Next(t.Context())
	if !ok || len(b.Events) != 1 || opened != 1 {
		t.Fatalf("Next: ok %v, %d events, opened %d times", ok, len(b.Events), opened)
	}
	if len(inner.wants) != 1 || inner.wants[0] != 50 {
		t.Fatalf("the opened stream was asked %v, want [50]", inner.wants)
	}
	d.Want(nil, 7)
	d.Next(t.Context())
	if opened != 1 || len(inner.wants) != 2 || inner.wants[1] != 7 {
		t.Fatalf("after opening: opened %d times, asked %v", opened, inner.wants)
	}
	d.Close()
	if !inner.closed {
		t.Fatalf("Close did not close the opened stream")
	}
}

// A stream let go before it was read never does its I/O.
func TestDeferredClosedBeforeNextNeverOpens(t *testing.T) {
	opened := false
	d := Deferred(func() model.Stream { opened = true; return &countingStream{} })
	d.Want(nil, 10)
	d.Close()
	if _, ok := d.Next(t.Context()); ok || opened {
		t.Fatalf("Next after Close: ok %v, opened %v", ok, opened)
	}
}
