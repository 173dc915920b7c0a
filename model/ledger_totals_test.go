package model

import (
	"math"
	"testing"
	"time"
)

func TestLedgerTotalsByCreator(t *testing.T) {
	usd := func(v float64) *float64 { return &v }
	rows := []LedgerRow{
		{ResourceID: "i-1", CreatedBy: "dev-intern", Alive: true, EstimatedCostUSD: usd(500)},
		{ResourceID: "i-2", CreatedBy: "dev-intern", Alive: false, EstimatedCostUSD: usd(1.5)},
		{ResourceID: "b-1", CreatedBy: "dev-intern", Alive: true}, // unpriced
		{ResourceID: "i-3", CreatedBy: "adam", Alive: true, EstimatedCostUSD: usd(30)},
		{ResourceID: "i-4", CreatedBy: "AutoScaling", CreatedByService: "autoscaling.amazonaws.com", EstimatedCostUSD: usd(12)},
		{ResourceID: "i-5", CreatedBy: "AutoScaling", CreatedByService: "autoscaling.amazonaws.com", EstimatedCostUSD: usd(18)},
		{ResourceID: "fn", CreatedBy: "alice", CreatedByService: "cloudformation.amazonaws.com", Alive: true},
		{ResourceID: "vol", Alive: true, EstimatedCostUSD: usd(2)},
		{ResourceID: "svc", CreatedByService: "elasticmapreduce.amazonaws.com", Alive: true},
	}
	got := LedgerTotals(rows, LedgerByCreator)
	want := []LedgerTotal{
		{Key: "dev-intern", Resources: 3, Alive: 2, CostUSD: 501.5, Unpriced: 1},
		// adam and AutoScaling cost the same: more resources first.
		{Key: "AutoScaling", Resources: 2, Alive: 0, CostUSD: 30},
		{Key: "adam", Resources: 1, Alive: 1, CostUSD: 30},
		{Key: LedgerCreationNotSeen, Resources: 1, Alive: 1, CostUSD: 2},
		// Equal cost (none), equal count: by name.
		{Key: "alice via cloudformation", Resources: 1, Alive: 1, Unpriced: 1},
		{Key: "elasticmapreduce", Resources: 1, Alive: 1, Unpriced: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d groups %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Key != w.Key || g.Resources != w.Resources || g.Alive != w.Alive || g.Unpriced != w.Unpriced || math.Abs(g.CostUSD-w.CostUSD) > 1e-9 {
			t.Errorf("group %d: %+v, want %+v", i, g, w)
		}
	}
	// The totals add up to the rows, whatever the grouping.
	byType := LedgerTotals(rows, func(r *LedgerRow) string { return r.ResourceID[:1] })
	n, alive, unpriced, cost := 0, 0, 0, 0.0
	for _, g := range byType {
		n, alive, unpriced, cost = n+g.Resources, alive+g.Alive, unpriced+g.Unpriced, cost+g.CostUSD
	}
	if n != len(rows) || alive != 6 || unpriced != 3 || math.Abs(cost-563.5) > 1e-9 {
		t.Errorf("totals by type add to %d rows, %d alive, %d unpriced, $%v", n, alive, unpriced, cost)
	}
	// A creation seen that names nobody is not a creation unseen.
	anon := LedgerRow{ResourceID: "evil", CreatedTime: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), CreatedEventID: "x1"}
	if got := LedgerByCreator(&anon); got != LedgerCreatorNotRecorded {
		t.Errorf("a seen creation without a caller is grouped as %q", got)
	}
	if LedgerTotals(nil, LedgerByCreator) != nil {
		t.Error("no rows, yet groups")
	}
}
