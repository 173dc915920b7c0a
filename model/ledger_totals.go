package model

import (
	"sort"
	"strings"
)

// LedgerTotal is one group of the ledger's totals ("who runs up the
// bill"): how many resources, how many still alive, what the priced ones
// are estimated to cost, and how many have no estimate (their cost is
// unknown, not zero).
type LedgerTotal struct {
	Key       string // the group: the creator for LedgerByCreator
	Resources int
	Alive     int
	CostUSD   float64 // the sum of the rows' EstimatedCostUSD that are set
	Unpriced  int     // rows whose EstimatedCostUSD is nil
}

// LedgerTotals groups rows by by(row) and totals each group, most
// expensive first; equal costs by more resources, then by key, so the
// order is the same on every run.
func LedgerTotals(rows []LedgerRow, by func(*LedgerRow) string) []LedgerTotal {
	index := make(map[string]int)
	var out []LedgerTotal
	for i := range rows {
		r := &rows[i]
		k := by(r)
		j, ok := index[k]
		if !ok {
			j = len(out)
			index[k] = j
			out = append(out, LedgerTotal{Key: k})
		}
		t := &out[j]
		t.Resources++
		if r.Alive {
			t.Alive++
		}
		if r.EstimatedCostUSD != nil {
			t.CostUSD += *r.EstimatedCostUSD
		} else {
			t.Unpriced++
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.CostUSD != b.CostUSD {
			return a.CostUSD > b.CostUSD
		}
		if a.Resources != b.Resources {
			return a.Resources > b.Resources
		}
		return a.Key < b.Key
	})
	return out
}

// LedgerCreationNotSeen is LedgerByCreator's group for resources whose
// creation is not in the range (only changed or deleted in it).
const LedgerCreationNotSeen = "(creation not seen)"

// LedgerCreatorNotRecorded is LedgerByCreator's group for resources whose
// creating call was seen but names no user and no service (a record
// without userIdentity).
const LedgerCreatorNotRecorded = "(creator not recorded)"

// LedgerByCreator groups a row by who created it: the user as the list
// shows them, with the service that acted for them ("alice via
// cloudformation", but just "AutoScaling" for AutoScaling's own role
// session); the service alone when no user is named.
func LedgerByCreator(r *LedgerRow) string {
	service := strings.TrimSuffix(r.CreatedByService, ".amazonaws.com")
	switch {
	case r.CreatedBy != "" && service != "" && !strings.EqualFold(r.CreatedBy, r.CreatedByService) && !strings.EqualFold(r.CreatedBy, service):
		return r.CreatedBy + " via " + service
	case r.CreatedBy != "":
		return r.CreatedBy
	case service != "":
		return service
	case r.CreatedTime.IsZero():
		return LedgerCreationNotSeen
	}
	return LedgerCreatorNotRecorded
}
