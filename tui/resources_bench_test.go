package tui

import (
	"fmt"
	"testing"
	"time"

	"lazytrail/model"
)

// ledgerBenchEvents is n write events of which one in 20 launches an
// instance and one in 40 terminates one launched earlier: n/20 resources.
func ledgerBenchEvents(n int) []model.Event {
	evs := make([]model.Event, n)
	for i := range evs {
		e := model.Event{ID: fmt.Sprintf("ev-%07d", i), Time: testNow.Add(-time.Duration(i) * time.Second), Name: "CreateTags",
			Source: "ec2.amazonaws.com", Region: "eu-west-1", Account: "123456789012", Username: fmt.Sprintf("user-%d", i%50),
			ReadOnly: model.False, Raw: `{}`}
		switch {
		case i%20 == 0:
			e.Name = "RunInstances"
			e.Raw = fmt.Sprintf(`{"eventName":"RunInstances","responseElements":{"instancesSet":{"items":[{"instanceId":"i-%017x","instanceType":"t3.medium"}]}}}`, i)
		case i%40 == 1:
			e.Name = "TerminateInstances"
			e.Raw = fmt.Sprintf(`{"eventName":"TerminateInstances","requestParameters":{"instancesSet":{"items":[{"instanceId":"i-%017x"}]}}}`, i+19)
		}
		evs[i] = e
	}
	return evs
}

// BenchmarkResourcesKeystroke is a key in the ledger over a million
// loaded events (50,000 resources) at 200×60, with the frame it draws
// (target ≤ 16 ms): moving the cursor, and tab between the resources and
// the totals. The ledger is not rebuilt by a key; "rebuild" is what a new
// filter or the scan's end costs.
func BenchmarkResourcesKeystroke(b *testing.B) {
	app, _ := newTestApp(b, 200, 60, nil)
	app.cfg.Pricer = &tablePricer{}
	evs := ledgerBenchEvents(1_000_000)
	for i := 0; i < len(evs); i += 10_000 {
		feed(app, evs[i:i+10_000], true)
	}
	press(app, "c")
	feed(app, nil, false)
	_ = app.View()
	p := app.front().(*resourcesPane)
	if len(p.rows) != 50_000 {
		b.Fatalf("%d resources, want 50,000", len(p.rows))
	}
	for _, c := range []struct{ name, even, odd string }{{"move", "j", "k"}, {"tab", "tab", "tab"}} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				k := c.even
				if i%2 == 1 {
					k = c.odd
				}
				app.Update(keyPress(k))
				_ = app.View()
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/keystroke")
		})
	}
	// A page loaded while the view is open: the new events are added to
	// the ledger kept, and its rows are listed again.
	b.Run("page", func(b *testing.B) {
		for b.Loop() {
			p.built.loaded--
			p.builtAt = time.Time{}
			p.refresh()
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/page")
	})
	b.Run("rebuild", func(b *testing.B) {
		for b.Loop() {
			p.built = ledgerKey{}
			p.refresh()
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/rebuild")
	})
}
