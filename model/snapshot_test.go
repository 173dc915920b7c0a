package model

import (
	"strconv"
	"sync"
	"testing"
	"time"
)

// TestSnapshotWhileAdding reads a snapshot from another goroutine while
// the timeline keeps growing (run with -race): it sees exactly what was
// loaded when it was taken.
func TestSnapshotWhileAdding(t *testing.T) {
	tl := NewTimeline()
	batch := func(from int) []Event {
		evs := make([]Event, 1000)
		for i := range evs {
			id := strconv.Itoa(from + i)
			evs[i] = Event{ID: id, Raw: `{"eventID":"` + id + `"}`, Time: time.Unix(int64(1e9-from-i), 0)}
		}
		return evs
	}
	tl.Add(batch(0))
	tl.Add(batch(1000)[:500])
	snap := tl.Snapshot()
	var wg sync.WaitGroup
	wg.Add(1)
	got := 0
	go func() {
		defer wg.Done()
		for i := range snap.Len() {
			if snap.Raw(i) == `{"eventID":"`+strconv.Itoa(i)+`"}` && snap.At(i).ID == strconv.Itoa(i) {
				got++
			}
		}
	}()
	for k := 2; k < 12; k++ {
		tl.Add(batch(k * 1000))
	}
	wg.Wait()
	if snap.Len() != 1500 || got != 1500 {
		t.Fatalf("snapshot of %d events read %d right, want 1500 of 1500", snap.Len(), got)
	}
}
