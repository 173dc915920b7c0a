package model

import (
	"strconv"
	"strings"
)

// The ledger's estimate: an on-demand unit price (the Pricer's, fetched
// outside model) times what the ledger saw of the resource in the range.
// model only joins the two; it never guesses a price.

// hoursPerMonth is how AWS turns a monthly price into an hourly one.
const hoursPerMonth = 730

// ledgerRuleByType finds a row's rule (the table is short: a scan is
// cheaper than a map built at init).
func ledgerRuleByType(t string) *LedgerRule {
	for i := range LedgerRules {
		if LedgerRules[i].Type == t {
			return &LedgerRules[i]
		}
	}
	return nil
}

// LedgerPriceKey is the unit price a row needs, false when its type has no
// hourly price of its own (CostNone) or the row lacks the size the price
// depends on. The key's Size is the part of the row's size the price list
// is searched by:
//
//	ec2-instance   the instance type          "g5.2xlarge"
//	ebs-volume     the volume type            "gp3" (of "gp3 100 GiB"; the GiB multiply the price)
//	load-balancer  the load balancer type     "application", "network", "gateway"
//	rds-instance   the class and the engine   "db.t3.micro mysql"
//	elastic-ip, nat-gateway, eks-cluster      "" (one price per region)
func LedgerPriceKey(row *LedgerRow) (PriceKey, bool) {
	rule := ledgerRuleByType(row.ResourceType)
	if rule == nil || rule.Cost == CostNone {
		return PriceKey{}, false
	}
	key := PriceKey{Kind: rule.Cost, Region: row.Region}
	fields := strings.Fields(row.Size)
	switch rule.Cost {
	case CostElasticIP, CostNATGateway, CostEKSCluster:
		return key, true
	case CostEBSVolume:
		// The volume type is what the price list is searched by; a size
		// without one (a create whose record lacked it) cannot be priced.
		if _, ok := ledgerGiB(row.Size); !ok || len(fields) < 3 {
			return PriceKey{}, false
		}
		key.Size = fields[0]
	case CostRDSInstance:
		// A class without its engine (a ModifyDBInstance whose response
		// lacked the engine) has no single price: MySQL and Oracle differ
		// several times over.
		if len(fields) != 2 {
			return PriceKey{}, false
		}
		key.Size = fields[0] + " " + fields[1]
	default:
		if len(fields) != 1 {
			return PriceKey{}, false
		}
		key.Size = fields[0]
	}
	return key, true
}

// ledgerGiB is the number before "GiB" in a volume's size ("gp3 100 GiB").
func ledgerGiB(size string) (float64, bool) {
	fields := strings.Fields(size)
	for i := 1; i < len(fields); i++ {
		if fields[i] == "GiB" {
			gib, err := strconv.ParseFloat(fields[i-1], 64)
			return gib, err == nil && gib >= 0
		}
	}
	return 0, false
}

// The cost notes: why a row has no estimate.
const (
	costNoteBilledByUse = "no hourly price: billed by use"
	costNoteNoSize      = "no price: the size was not recorded"
	costNoteNoPricing   = "pricing not available"
)

// ApplyPrices sets each row's EstimatedCostUSD from prices: the unit price
// × RunningHours, or for a per-GB-month price × GiB × RunningHours / 730.
// A row with no estimate gets nil and a CostNote saying why: its type is
// billed by use, its size was not recorded, the price list has no price
// for its key ("no price for g9.huge in eu-west-1", with the pricer's
// reason when it gave one), or pricing as a whole failed (a miss with a
// zero key: "pricing not available: no pricing:GetProducts permission").
// With neither prices nor misses (no pricer) every priceable row says
// "pricing not available".
func ApplyPrices(rows []LedgerRow, prices map[PriceKey]Price, misses []PriceMiss) {
	reasons := make(map[PriceKey]string, len(misses))
	global, anyGlobal := "", false
	for _, m := range misses {
		if m.Key == (PriceKey{}) {
			if !anyGlobal {
				global, anyGlobal = m.Reason, true
			}
			continue
		}
		if _, seen := reasons[m.Key]; !seen {
			reasons[m.Key] = m.Reason
		}
	}
	noPricer := len(prices) == 0 && len(misses) == 0
	for i := range rows {
		r := &rows[i]
		r.EstimatedCostUSD, r.CostNote = nil, ""
		rule := ledgerRuleByType(r.ResourceType)
		if rule == nil || rule.Cost == CostNone {
			r.CostNote = costNoteBilledByUse
			continue
		}
		key, ok := LedgerPriceKey(r)
		if !ok {
			r.CostNote = costNoteNoSize
			continue
		}
		p, priced := prices[key]
		if !priced || !ledgerPriceUsable(p) {
			r.CostNote = ledgerMissNote(key, reasons, global, anyGlobal, noPricer)
			continue
		}
		cost := p.USD * r.RunningHours
		if p.Per == PerGBMonth {
			gib, _ := ledgerGiB(r.Size) // LedgerPriceKey checked it
			cost = p.USD * gib * r.RunningHours / hoursPerMonth
		}
		r.EstimatedCostUSD = &cost
	}
}

// ledgerPriceUsable rejects a price the estimate cannot multiply: a unit
// this code does not know, or a negative or non-finite number.
func ledgerPriceUsable(p Price) bool {
	return (p.Per == PerHour || p.Per == PerGBMonth) && p.USD >= 0 && p.USD <= 1e12
}

// ledgerMissNote says why a priceable key has no price.
func ledgerMissNote(key PriceKey, reasons map[PriceKey]string, global string, anyGlobal, noPricer bool) string {
	if reason, ok := reasons[key]; ok {
		note := "no price for " + ledgerKeyText(key) + " in " + key.Region
		if reason != "" {
			note += ": " + reason
		}
		return note
	}
	if anyGlobal {
		if global == "" {
			return costNoteNoPricing
		}
		return costNoteNoPricing + ": " + global
	}
	if noPricer {
		return costNoteNoPricing
	}
	return "no price for " + ledgerKeyText(key) + " in " + key.Region
}

// ledgerKeyText names a key's product: its size, or its kind when the kind
// has one price per region.
func ledgerKeyText(key PriceKey) string {
	if key.Size != "" {
		return key.Size
	}
	return string(key.Kind)
}
