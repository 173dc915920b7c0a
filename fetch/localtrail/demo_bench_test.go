package localtrail

import (
	"testing"
	"time"
)

var demoEnd = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// BenchmarkDemo measures building the demo account, which every --demo
// start pays for.
func BenchmarkDemo(b *testing.B) {
	var d *Dataset
	for b.Loop() {
		d = Demo(demoEnd)
	}
	b.ReportMetric(float64(d.Len()), "events")
	b.ReportMetric(float64(len(d.Regions())), "regions")
}
