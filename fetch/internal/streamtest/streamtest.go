// Package streamtest holds what the sources' tests share about reading a
// model.Stream; tests import it, the program does not.
package streamtest

import (
	"context"
	"testing"
	"time"

	"lazytrail/model"
)

// All asks the stream for everything, reads it to its end and closes it.
// The bound only stops a stream that never ends; nothing is asserted
// about how long it took.
func All(t testing.TB, s model.Stream) []model.Event {
	t.Helper()
	defer s.Close()
	s.Want(nil, 1<<30)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var all []model.Event
	for {
		b, ok := s.Next(ctx)
		if !ok {
			if ctx.Err() != nil {
				t.Fatalf("the stream did not end: %d events so far", len(all))
			}
			return all
		}
		all = append(all, b.Events...)
	}
}
