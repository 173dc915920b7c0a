package model

import (
	"math"
	"testing"
	"time"
)

func TestLedgerPriceKey(t *testing.T) {
	cases := []struct {
		typ, region, size string
		want              PriceKey
		ok                bool
	}{
		{"AWS::EC2::Instance", "us-west-2", "g5.2xlarge", PriceKey{CostEC2Instance, "us-west-2", "g5.2xlarge"}, true},
		{"AWS::EC2::Instance", "us-west-2", "", PriceKey{}, false},
		{"AWS::EC2::Volume", "us-east-1", "gp3 100 GiB", PriceKey{CostEBSVolume, "us-east-1", "gp3"}, true},
		{"AWS::EC2::Volume", "us-east-1", "100 GiB", PriceKey{}, false}, // no volume type
		{"AWS::EC2::Volume", "us-east-1", "gp3", PriceKey{}, false},     // no GiB
		{"AWS::EC2::EIP", "eu-west-1", "vpc", PriceKey{CostElasticIP, "eu-west-1", ""}, true},
		{"AWS::EC2::EIP", "eu-west-1", "", PriceKey{CostElasticIP, "eu-west-1", ""}, true},
		{"AWS::EC2::NatGateway", "eu-west-1", "public", PriceKey{CostNATGateway, "eu-west-1", ""}, true},
		{"AWS::ElasticLoadBalancingV2::LoadBalancer", "us-east-1", "application", PriceKey{CostLoadBalancer, "us-east-1", "application"}, true},
		{"AWS::RDS::DBInstance", "us-east-1", "db.t3.micro mysql", PriceKey{CostRDSInstance, "us-east-1", "db.t3.micro mysql"}, true},
		{"AWS::RDS::DBInstance", "us-east-1", "db.m5.large", PriceKey{}, false}, // no engine: no single price
		{"AWS::EKS::Cluster", "us-east-1", "1.30", PriceKey{CostEKSCluster, "us-east-1", ""}, true},
		{"AWS::S3::Bucket", "us-east-1", "", PriceKey{}, false},
		{"AWS::Lambda::Function", "us-east-1", "128 MB", PriceKey{}, false},
		{"AWS::EC2::Fantasy", "us-east-1", "x", PriceKey{}, false},
	}
	for _, c := range cases {
		row := LedgerRow{ResourceType: c.typ, Region: c.region, Size: c.size}
		got, ok := LedgerPriceKey(&row)
		if got != c.want || ok != c.ok {
			t.Errorf("LedgerPriceKey(%s %q) = %+v, %v; want %+v, %v", c.typ, c.size, got, ok, c.want, c.ok)
		}
	}
	// Every kind in the rules makes a key from a typical size.
	typical := map[CostKind]string{CostEC2Instance: "t3.micro", CostEBSVolume: "gp2 8 GiB", CostElasticIP: "vpc", CostNATGateway: "public",
		CostLoadBalancer: "network", CostRDSInstance: "db.t3.micro postgres", CostEKSCluster: "1.30"}
	for _, r := range LedgerRules {
		if r.Cost == CostNone {
			continue
		}
		size, ok := typical[r.Cost]
		if !ok {
			t.Errorf("%s: cost kind %q has no typical size in the test", r.Type, r.Cost)
			continue
		}
		if _, ok := LedgerPriceKey(&LedgerRow{ResourceType: r.Type, Region: "us-east-1", Size: size}); !ok {
			t.Errorf("%s: no key for %q", r.Type, size)
		}
	}
}

func TestApplyPrices(t *testing.T) {
	fetched := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	rows := []LedgerRow{
		{ResourceID: "i-1", ResourceType: "AWS::EC2::Instance", Region: "us-west-2", Size: "g5.2xlarge", RunningHours: 100},
		{ResourceID: "vol-1", ResourceType: "AWS::EC2::Volume", Region: "us-east-1", Size: "gp3 100 GiB", RunningHours: 730},
		{ResourceID: "vol-2", ResourceType: "AWS::EC2::Volume", Region: "us-east-1", Size: "gp3 50 GiB", RunningHours: 73},
		{ResourceID: "i-2", ResourceType: "AWS::EC2::Instance", Region: "eu-west-1", Size: "g9.huge", RunningHours: 5},
		{ResourceID: "i-3", ResourceType: "AWS::EC2::Instance", Region: "eu-west-1", Size: "t3.nano", RunningHours: 5},
		{ResourceID: "b", ResourceType: "AWS::S3::Bucket", Region: "us-east-1", RunningHours: 5},
		{ResourceID: "db", ResourceType: "AWS::RDS::DBInstance", Region: "us-east-1", Size: "db.m5.large", RunningHours: 5},
		{ResourceID: "eip", ResourceType: "AWS::EC2::EIP", Region: "us-east-1", Size: "vpc", RunningHours: 0},
		{ResourceID: "i-4", ResourceType: "AWS::EC2::Instance", Region: "us-west-2", Size: "g5.2xlarge", RunningHours: 1, EstimatedCostUSD: new(float64), CostNote: "stale"},
	}
	prices := map[PriceKey]Price{
		{CostEC2Instance, "us-west-2", "g5.2xlarge"}: {USD: 1.212, Per: PerHour, Fetched: fetched},
		{CostEBSVolume, "us-east-1", "gp3"}:          {USD: 0.08, Per: PerGBMonth, Fetched: fetched},
		{CostElasticIP, "us-east-1", ""}:             {USD: 0.005, Per: PerHour, Fetched: fetched},
		{CostEC2Instance, "eu-west-1", "t3.nano"}:    {USD: math.NaN(), Per: PerHour, Fetched: fetched},
	}
	misses := []PriceMiss{{Key: PriceKey{CostEC2Instance, "eu-west-1", "g9.huge"}, Reason: ""}}
	ApplyPrices(rows, prices, misses)
	want := []struct {
		cost float64 // -1: none
		note string
	}{
		{1.212 * 100, ""},
		{0.08 * 100, ""},      // a month of 100 GiB
		{0.08 * 50 * 0.1, ""}, // a tenth of a month of 50 GiB
		{-1, "no price for g9.huge in eu-west-1"},
		{-1, "no price for t3.nano in eu-west-1"}, // a NaN price is no price
		{-1, "no hourly price: billed by use"},
		{-1, "no price: the size was not recorded"},
		{0, ""},
		{1.212, ""},
	}
	for i, w := range want {
		r := rows[i]
		switch {
		case w.cost < 0 && r.EstimatedCostUSD != nil:
			t.Errorf("%s: cost %v, want none", r.ResourceID, *r.EstimatedCostUSD)
		case w.cost >= 0 && r.EstimatedCostUSD == nil:
			t.Errorf("%s: no cost (%s), want %v", r.ResourceID, r.CostNote, w.cost)
		case w.cost >= 0 && math.Abs(*r.EstimatedCostUSD-w.cost) > 1e-9:
			t.Errorf("%s: cost %v, want %v", r.ResourceID, *r.EstimatedCostUSD, w.cost)
		}
		if r.CostNote != w.note {
			t.Errorf("%s: note %q, want %q", r.ResourceID, r.CostNote, w.note)
		}
	}
}

func TestApplyPricesSaysWhyPricingFailed(t *testing.T) {
	rows := []LedgerRow{
		{ResourceID: "i-1", ResourceType: "AWS::EC2::Instance", Region: "us-west-2", Size: "g5.2xlarge", RunningHours: 1},
		{ResourceID: "i-2", ResourceType: "AWS::EC2::Instance", Region: "us-west-2", Size: "t3.micro", RunningHours: 1},
		{ResourceID: "b", ResourceType: "AWS::S3::Bucket", Region: "us-west-2"},
	}
	// No pricer at all.
	ApplyPrices(rows, nil, nil)
	if rows[0].CostNote != "pricing not available" || rows[2].CostNote != "no hourly price: billed by use" {
		t.Errorf("no pricer: notes %q, %q", rows[0].CostNote, rows[2].CostNote)
	}
	// A failure of the whole price list, and one key's own reason.
	ApplyPrices(rows, nil, []PriceMiss{
		{Reason: "no pricing:GetProducts permission"},
		{Key: PriceKey{CostEC2Instance, "us-west-2", "t3.micro"}, Reason: "offline and not cached"},
	})
	if rows[0].CostNote != "pricing not available: no pricing:GetProducts permission" {
		t.Errorf("global miss: note %q", rows[0].CostNote)
	}
	if rows[1].CostNote != "no price for t3.micro in us-west-2: offline and not cached" {
		t.Errorf("key miss: note %q", rows[1].CostNote)
	}
	for _, r := range rows {
		if r.EstimatedCostUSD != nil {
			t.Errorf("%s: an estimate without a price", r.ResourceID)
		}
	}
}
