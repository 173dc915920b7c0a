package tui

import (
	"context"

	"lazytrail/model"
)

// Source is the merged, newest-first stream of events the app shows. The
// fetch package implements it over the real SDK; tests may use any source.
// The tui never imports the SDK.
type Source interface {
	// Want asks for at least n more events that match (nil matches all)
	// to be released, beyond those released so far, replacing any earlier
	// request; n <= 0 stops fetching once requests in flight return. It
	// only records the demand and never blocks, so Update may call it.
	Want(match func(*model.Event) bool, n int)

	// Next blocks until events are released, progress changes or the
	// stream ends, and returns what happened since the last call. ok is
	// false once the stream has ended and everything was returned.
	Next(ctx context.Context) (b model.Batch, ok bool)

	// Close cancels every request and releases the stream's goroutines.
	Close()
}
