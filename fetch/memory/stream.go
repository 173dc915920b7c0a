package memory

import (
	"context"
	"slices"
	"sync"

	"lazytrail/model"
)

// Stream releases its events newest first, a batch at a time, only while
// the demand asks for more, as fetch's merge does. It keeps every demand
// made of it, for tests to check.
type Stream struct {
	mu        sync.Mutex
	wake      chan struct{}
	events    []model.Event // newest first
	next      int           // events released so far
	batch     int
	match     func(*model.Event) bool
	want      int
	wants     []int // every n passed to Want
	filtered  bool  // the last Want carried a match
	closed    bool
	progress  []model.RegionProgress
	panicNext string
	panicWant string
}

// Want records the demand: n more events that match (nil: all).
func (s *Stream) Want(match func(*model.Event) bool, n int) {
	if s.panicWant != "" {
		panic(s.panicWant)
	}
	s.mu.Lock()
	s.match, s.want, s.filtered = match, n, match != nil
	s.wants = append(s.wants, n)
	s.mu.Unlock()
	s.poke()
}

func (s *Stream) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Next releases the next batch once there is demand for it, or ends the
// stream (every partition done, or failed as it was opened) when nothing
// is left or it was closed.
func (s *Stream) Next(ctx context.Context) (model.Batch, bool) {
	for {
		s.mu.Lock()
		if s.panicNext != "" {
			s.mu.Unlock()
			panic(s.panicNext)
		}
		if s.closed || s.next >= len(s.events) {
			for i := range s.progress {
				if s.progress[i].State != model.RegionFailed {
					s.progress[i].State = model.RegionDone
				}
			}
			b := model.Batch{Progress: slices.Clone(s.progress)}
			s.mu.Unlock()
			return b, false
		}
		if s.want > 0 {
			end := min(s.next+s.batch, len(s.events))
			out := s.events[s.next:end]
			paged := map[*model.RegionProgress]bool{}
			for i := range out {
				if s.match == nil || s.match(&out[i]) {
					s.want--
				}
				p := s.partitionOf(&out[i])
				p.Events++
				p.Oldest = out[i].Time
				paged[p] = true
			}
			for p := range paged {
				p.Pages++ // a batch is a page of each partition it holds events of
			}
			s.next = end
			b := model.Batch{Events: out, Progress: slices.Clone(s.progress)}
			s.mu.Unlock()
			return b, true
		}
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return model.Batch{}, false
		case <-s.wake:
		}
	}
}

// partitionOf is the progress row an event counts in: its region's, or
// the first.
func (s *Stream) partitionOf(e *model.Event) *model.RegionProgress {
	for i := range s.progress {
		if s.progress[i].Region == e.Region {
			return &s.progress[i]
		}
	}
	return &s.progress[0]
}

// Close ends the stream: Next returns what is left of it as ended.
func (s *Stream) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.poke()
}

// Closed reports whether Close was called.
func (s *Stream) Closed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// Wants is every n passed to Want, in order.
func (s *Stream) Wants() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.wants)
}

// LastWant is the n of the last Want, and false before the first.
func (s *Stream) LastWant() (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.wants) == 0 {
		return 0, false
	}
	return s.wants[len(s.wants)-1], true
}

// Filtered reports whether the last Want carried a match function.
func (s *Stream) Filtered() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.filtered
}

// Idle reports whether the stream holds events it releases only on more
// demand: the demand is met and it is neither ended nor closed.
func (s *Stream) Idle() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.want <= 0 && s.next < len(s.events) && !s.closed
}

// Len is how many events the stream was opened with.
func (s *Stream) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.events)
}
