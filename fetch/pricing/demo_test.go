package pricing

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lazytrail/fetch/localtrail"
	"lazytrail/model"
)

// keyOf is the test's own reading of a ledger row's price key, following
// model.PriceKey's documentation: the volume type alone, one price per
// region for addresses, NAT gateways and clusters.
func keyOf(row *model.LedgerRow) (model.PriceKey, bool) {
	for _, r := range model.LedgerRules {
		if r.Type != row.ResourceType || r.Cost == model.CostNone {
			continue
		}
		k := model.PriceKey{Kind: r.Cost, Region: row.Region, Size: row.Size}
		switch r.Cost {
		case model.CostEBSVolume:
			k.Size, _, _ = strings.Cut(row.Size, " ")
		case model.CostElasticIP, model.CostNATGateway, model.CostEKSCluster:
			k.Size = ""
		}
		return k, true
	}
	return model.PriceKey{}, false
}

// TestPricesTheDemoLedger prices the demo account's ledger through the
// local endpoint: the stories' resources all get the on-demand price of
// their type and region, and what cannot be priced says why.
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
		if k, ok := keyOf(&rows[i]); ok && (rows[i].Size != "" || k.Kind != model.CostEC2Instance) {
			ks = append(ks, k)
			byID[rows[i].ResourceID] = k
		}
	}
	url, _ := endpoint(t)
	p := New(config(), Options{Endpoint: url, CachePath: filepath.Join(t.TempDir(), "prices.json")})
	prices, misses := p.Prices(context.Background(), ks)
	for _, m := range misses {
		// The ledger's size of a resized RDS instance may lack its engine.
		if m.Key.Kind != model.CostRDSInstance || m.Reason != "DB class or engine unknown" {
			t.Errorf("miss %+v", m)
		}
	}
	for _, w := range []struct {
		id  string
		usd float64
	}{
		{localtrail.DemoForgottenGPU, 1.212}, {localtrail.DemoAdamInstance, 0.0456}, {localtrail.DemoOrphanVolume, 0.08},
		{localtrail.DemoIdleEIP, 0.005}, {localtrail.DemoNATGateway, 0.045}, {localtrail.DemoDeletedNATGateway, 0.048},
		{localtrail.DemoALB, 0.0225}, {localtrail.DemoDeletedNLB, 0.0252}, {localtrail.DemoRDSInstance, 0.017},
		{localtrail.DemoEKSCluster, 0.10}, {localtrail.DemoScratchInstance, 0.096},
	} {
		k, ok := byID[w.id]
		if got := prices[k]; !ok || math.Abs(got.USD-w.usd) > 1e-9 {
			t.Errorf("%s (%+v): $%g, want $%g", w.id, k, got.USD, w.usd)
		}
	}
}
