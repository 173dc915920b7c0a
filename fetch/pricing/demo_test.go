package pricing

import (
	"context"
	"math"
	"path/filepath"
	"testing"
	"time"

	"lazytrail/fetch/localtrail"
	"lazytrail/model"
)

// TestPricesTheDemoLedger prices the demo account's ledger (the builder
// over Demo's records, keyed by model.LedgerPriceKey) through the local
// endpoint: every priced resource gets the on-demand price of its type and
// region, and the estimates are price × hours (× GiB / 730 for storage).
func TestPricesTheDemoLedger(t *testing.T) {
	end := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	d := localtrail.Demo(end)
	l := model.NewLedger()
	for _, r := range d.Regions() {
		for i := range d.Events(r) {
			l.Add(&d.Events(r)[i])
		}
	}
	rows := l.Rows(time.Time{}, time.Time{})
	var ks []model.PriceKey
	byID := map[string]model.PriceKey{}
	for i := range rows {
		if k, ok := model.LedgerPriceKey(&rows[i]); ok {
			ks = append(ks, k)
			byID[rows[i].ResourceID] = k
		}
	}
	url, _ := endpoint(t)
	p := New(config(), Options{Endpoint: url, CachePath: filepath.Join(t.TempDir(), "prices.json")})
	prices, misses := p.Prices(context.Background(), ks)
	if len(misses) != 0 {
		t.Errorf("misses %+v", misses)
	}
	for _, w := range []struct {
		id  string
		usd float64
	}{
		{localtrail.DemoForgottenGPU, 1.212}, {localtrail.DemoAdamInstance, 0.0456}, {localtrail.DemoOrphanVolume, 0.08},
		{localtrail.DemoIdleEIP, 0.005}, {localtrail.DemoNATGateway, 0.045}, {localtrail.DemoDeletedNATGateway, 0.048},
		{localtrail.DemoALB, 0.0225}, {localtrail.DemoDeletedNLB, 0.0252}, {localtrail.DemoRDSInstance, 0.017},
		{localtrail.DemoEKSCluster, 0.10}, {localtrail.DemoScratchInstance, 0.096}, {localtrail.DemoDeletedRDSInstance, 0.382},
	} {
		k, ok := byID[w.id]
		if got := prices[k]; !ok || math.Abs(got.USD-w.usd) > 1e-9 {
			t.Errorf("%s (%+v): $%g, want $%g", w.id, k, got.USD, w.usd)
		}
	}

	model.ApplyPrices(rows, prices, misses)
	for _, r := range rows {
		want := 0.0
		switch r.ResourceID {
		case localtrail.DemoForgottenGPU:
			want = r.RunningHours * 1.212
		case localtrail.DemoOrphanVolume:
			want = r.RunningHours * 0.08 * 500 / 730
		default:
			continue
		}
		if r.RunningHours < 24*7 || r.EstimatedCostUSD == nil || math.Abs(*r.EstimatedCostUSD-want) > 1e-6 {
			t.Errorf("%s: %.1f hours, estimate %v, want $%.2f", r.ResourceID, r.RunningHours, r.EstimatedCostUSD, want)
		}
	}
}
