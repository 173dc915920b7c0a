package tui

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"lazytrail/model"
)

var (
	benchOnce   sync.Once
	benchEvents []model.Event
)

// manyEvents returns n cheap but realistic events (shared across benchmarks:
// building a million takes a while).
func manyEvents(n int) []model.Event {
	benchOnce.Do(func() {
		users := []string{"skeddly-a1b2", "adam", "alice", "AWSServiceRoleForConfig", "root"}
		names := []string{"StartInstances", "RunInstances", "DescribeInstances", "AssumeRole", "GetBucketAcl"}
		regions := []string{"eu-west-1", "us-east-1", "ap-southeast-2", "sa-east-1"}
		benchEvents = make([]model.Event, 1_000_000)
		for i := range benchEvents {
			benchEvents[i] = model.Event{ID: fmt.Sprintf("ev-%07d", i), Time: testNow.Add(-time.Duration(i) * time.Second),
				Name: names[i%5], Source: "ec2.amazonaws.com", Region: regions[i%4], Username: users[i%5],
				ReadOnly: model.TristateOf(i%5 == 2), Raw: `{"eventName":"` + names[i%5] + `"}`,
				Resources: []model.Resource{{Type: "AWS::EC2::Instance", Name: "i-064bd95a9b9b0a4e6"}}}
		}
	})
	return benchEvents[:n]
}

func benchApp(b *testing.B, n, w, h int) *App {
	b.Helper()
	app, _ := newTestApp(b, w, h, nil)
	evs := manyEvents(n)
	for i := 0; i < n; i += 10_000 {
		feed(app, evs[i:min(i+10_000, n)], true)
	}
	return app
}

// BenchmarkView is one frame at 200×60: it must not depend on how many
// events are loaded (target ≤ 2 ms).
func BenchmarkView(b *testing.B) {
	for _, n := range []int{1_000, 1_000_000} {
		b.Run(fmt.Sprintf("loaded=%d", n), func(b *testing.B) {
			app := benchApp(b, n, 200, 60)
			press(app, "G") // the middle of nowhere: the last rows loaded
			press(app, "k")
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				// move so the frame is not a cached one
				if i%2 == 0 {
					app.Update(keyPress("k"))
				} else {
					app.Update(keyPress("j"))
				}
				_ = app.View()
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/frame")
		})
	}
}

// BenchmarkFilterKeystroke is one key typed into the filter bar over a
// million loaded events (target ≤ 16 ms, one frame): a key that narrows the
// filter (typing on), one that widens it (backspace, a full re-scan), and
// the two alternating.
func BenchmarkFilterKeystroke(b *testing.B) {
	app := benchApp(b, 1_000_000, 200, 60)
	press(app, "/")
	typeText(app, "skeddly")
	typeKey := tea.KeyPressMsg{Code: '-', Text: "-"}
	for _, c := range []struct {
		name    string
		measure func(i int) bool // whether keystroke i is timed
	}{
		{"narrowing", func(i int) bool { return i%2 == 0 }},
		{"widening", func(i int) bool { return i%2 == 1 }},
		{"alternating", func(int) bool { return true }},
	} {
		b.Run(c.name, func(b *testing.B) {
			timed := 0
			for i := 0; timed < b.N; i++ {
				if !c.measure(i) {
					b.StopTimer()
				}
				if i%2 == 0 {
					app.Update(typeKey)
				} else {
					app.Update(keyPress("backspace"))
				}
				if c.measure(i) {
					timed++
				} else {
					b.StartTimer()
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/keystroke")
		})
	}
	// The last key of a term of each kind, typed over the term without
	// it with its view complete: a raw: term's keystroke only starts its
	// search (BenchmarkRawSearch in model is the search itself).
	for _, term := range []string{"skeddly-a", "event:Describe", "region:eu", "-user:skeddly", "res:i-064b", "res:zzzz", "raw:Instances", "raw:zzzz"} {
		b.Run("term="+term, func(b *testing.B) {
			last := term[len(term)-1:]
			for b.Loop() {
				b.StopTimer()
				app.input.SetValue(term[:len(term)-1])
				app.applyFilter(app.input.Value())
				settle(app)
				b.StartTimer()
				app.Update(tea.KeyPressMsg{Code: rune(last[0]), Text: last})
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/keystroke")
		})
	}
}

// settle runs the search the view waits for, if any, to its end.
func settle(a *App) {
	for s := a.tl.Pending(); s != nil; {
		f, _ := s.Step(context.Background())
		a.tl.Found(f)
		if f.Done {
			return
		}
	}
}
