package tui

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"go.uber.org/goleak"

	"lazytrail/fetch/memory"
	"lazytrail/model"
)

// A whole program run with the in-memory source: start, type /skeddly-,
// only skeddly rows remain, open one, see who did it, quit. Assertions are
// on the final model and its screen, not on the byte stream.
func TestEndToEndFilterAndOpen(t *testing.T) {
	app := New(Config{Source: testSource(mixedEvents(600)), Location: time.UTC})
	tm := teatest.NewTestModel(t, app, teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("StartInstances")) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	tm.Type("/skeddly-")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	final := tm.FinalModel(t).(*App)
	defer final.Close()

	if final.filter().String() != "skeddly-" || final.tl.Matches() == 0 {
		t.Fatalf("filter %q with %d matches", final.filter().String(), final.tl.Matches())
	}
	for i := range final.tl.Matches() {
		if u := final.tl.Match(i).Username; !strings.HasPrefix(u, "skeddly-") {
			t.Fatalf("row %d is %q's", i, u)
		}
	}
	screen := final.View().Content
	for _, want := range []string{"WHO", "assumed-role/ops/skeddly-a1b2", "StartInstances"} {
		if !strings.Contains(screen, want) {
			t.Errorf("final screen lacks %q:\n%s", want, screen)
		}
	}
}

// A whole program over a source the TUI has never heard of, one that
// takes the whole filter as its query (as a SQL engine would): enter on a
// filter opens the source's query for it, the status bar says what the
// source says it pushed down, and what loads is that query's answer.
func TestEndToEndOverASourceThatTakesTheWholeFilter(t *testing.T) {
	evs := mixedEvents(300)
	src := testSource(evs)
	src.Account = "warehouse events"
	src.Planner = func(f model.Filter) model.Plan { return model.Plan{Key: f.String(), Loads: f} }
	src.Caps = model.Capabilities{Plans: true, WholeFilter: true, NarrowsInPlace: true}
	src.Describe = func(r model.Request) string { return "WHERE " + r.Plan }
	app := New(Config{Source: src, Location: time.UTC})
	tm := teatest.NewTestModel(t, app, teatest.WithInitialTermSize(120, 30),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	waitFor := func(what string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(what)) },
			teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	}
	waitFor("warehouse events")
	tm.Type("/alice event:Describe")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitFor("WHERE alice event:Describe")
	tm.Type("L")
	waitFor("complete")
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	final := tm.FinalModel(t).(*App)
	defer final.Close()

	want := 0
	for i := range evs {
		if evs[i].Username == "alice" && evs[i].Name == "DescribeInstances" {
			want++
		}
	}
	if plans := plansOf(src); len(plans) != 2 || plans[1] != "alice event:Describe" {
		t.Fatalf("queries %q, want the first and the filter's", plans)
	}
	// Only the query's answer is loaded, every row of it a match.
	if final.tl.Len() != want || final.tl.Matches() != want {
		t.Errorf("%d loaded, %d matching; the query answers %d", final.tl.Len(), final.tl.Matches(), want)
	}
}

func TestRunReturnsPanicAsError(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	src := &memory.Source{Events: mixedEvents(10), Batch: 5, PanicOnNext: "memory stream: boom"}
	err := Run(context.Background(), Config{Source: src},
		tea.WithInput(&bytes.Buffer{}), tea.WithOutput(io.Discard), tea.WithWindowSize(80, 24))
	if err == nil || !strings.Contains(err.Error(), "boom") || !strings.Contains(err.Error(), "crashed") {
		t.Fatalf("want an error naming the panic, got %v", err)
	}
	if st := src.Last(); st == nil || !st.Closed() {
		t.Error("Run should close the stream")
	}
}

func TestRunReturnsUpdatePanicAsError(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	src := &memory.Source{Events: mixedEvents(10), Batch: 5, PanicOnWant: "memory stream: Want exploded"}
	err := Run(context.Background(), Config{Source: src},
		tea.WithInput(&bytes.Buffer{}), tea.WithOutput(io.Discard), tea.WithWindowSize(80, 24))
	if err == nil || !strings.Contains(err.Error(), "Want exploded") {
		t.Fatalf("want an error naming the panic, got %v", err)
	}
}

func TestRunEndsCleanlyWhenCancelled(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	src := &memory.Source{Events: mixedEvents(10), Batch: 5}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{Source: src},
			tea.WithInput(&bytes.Buffer{}), tea.WithOutput(io.Discard), tea.WithWindowSize(80, 24))
	}()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("a cancelled run should end without error, got %v", err)
	}
	if st := src.Last(); st == nil || !st.Closed() {
		t.Error("Run should close the stream")
	}
}
