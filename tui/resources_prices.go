package tui

import (
	"cmp"
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"lazytrail/model"
)

// pricingTimeout bounds one ask of the price list (the pricer reads its
// cache first; the Price List API answers in about a second).
const pricingTimeout = time.Minute

// ledgerPrices are the unit prices the ledger's rows were priced with,
// kept across rebuilds: each key is asked for once, in a command, as
// rows that need it appear.
type ledgerPrices struct {
	pricer  model.Pricer // nil: no estimates
	got     map[model.PriceKey]model.Price
	misses  []model.PriceMiss
	asked   map[model.PriceKey]bool // asked for: true until answered, false after
	pending int                     // asks not answered yet
}

// asking reports whether k's price is asked for and not answered yet.
func (lp *ledgerPrices) asking(k model.PriceKey) bool { return lp.asked[k] }

// unavailable is why no key could be priced at all (a miss of the zero
// key: no permission, no network and nothing cached), "" when none said.
func (lp *ledgerPrices) unavailable() string {
	for _, m := range lp.misses {
		if m.Key == (model.PriceKey{}) {
			return cmp.Or(m.Reason, "pricing not available")
		}
	}
	return ""
}

// ledgerPricesMsg is one ask's answer, for the pane that asked.
type ledgerPricesMsg struct {
	to     *resourcesPane
	keys   []model.PriceKey
	prices map[model.PriceKey]model.Price
	misses []model.PriceMiss
}

// askPrices asks the pricer, in a command, for the prices of the rows'
// keys that were never asked for; nil when there are none.
func (p *resourcesPane) askPrices(parent context.Context) tea.Cmd {
	lp := &p.prices
	if lp.pricer == nil || !p.unpriced {
		return nil
	}
	p.unpriced = false
	var keys []model.PriceKey
	for i := range p.rows {
		if k, ok := model.LedgerPriceKey(&p.rows[i]); ok {
			if _, seen := lp.asked[k]; seen {
				continue
			}
			if lp.asked == nil {
				lp.asked = map[model.PriceKey]bool{}
			}
			lp.asked[k] = true
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	lp.pending++
	pricer := lp.pricer
	return guardCmd(func() tea.Msg {
		ctx, cancel := context.WithTimeout(parent, pricingTimeout)
		defer cancel()
		prices, misses := pricer.Prices(ctx, keys)
		return ledgerPricesMsg{to: p, keys: keys, prices: prices, misses: misses}
	})
}

// priced takes an answer in and prices the rows again.
func (p *resourcesPane) priced(m ledgerPricesMsg) {
	lp := &p.prices
	lp.pending = max(lp.pending-1, 0)
	if lp.got == nil {
		lp.got = map[model.PriceKey]model.Price{}
	}
	for k, v := range m.prices {
		lp.got[k] = v
	}
	lp.misses = append(lp.misses, m.misses...)
	for _, k := range m.keys {
		lp.asked[k] = false
	}
	p.priceRows()
}

// syncLedger brings the ledger in front up to date with what was loaded
// and asks for the prices its new rows need.
func (a *App) syncLedger() tea.Cmd {
	p, ok := a.front().(*resourcesPane)
	if !ok {
		return nil
	}
	p.refresh()
	return p.askPrices(a.parent)
}
