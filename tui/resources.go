package tui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"lazytrail/keymap"
	"lazytrail/model"
)

// c opens the resource ledger as it was left; opening it also asks for
// every write event to the end of history (App.scanWrites), which is what
// the ledger is built from.
var _ = register(opener{
	key: func(k keymap.KeyMap) key.Binding { return k.Resources },
	open: func(a *App, last overlay) overlay {
		if last != nil {
			return last
		}
		return newResources(a.state, a.cfg.Pricer)
	},
	start: (*App).scanWrites,
})

// resourcesPane is the resource ledger (c): one row per resource the
// filtered events created, changed or deleted — alive (no delete seen)
// first, then by estimated cost or age — and, on tab, the totals by
// creator. It builds the ledger from the shared state's timeline when it
// renders, again only when what it is built from changed, and prices the
// rows in a command (resources_prices.go).
type resourcesPane struct {
	s      *state
	width  int
	height int

	totals  bool   // tab: the totals by creator rather than the resources
	byAge   bool   // s: oldest first rather than costliest first
	creator string // enter on a total: only that creator's resources ("" every one)

	rows   []model.LedgerRow
	shown  []int // rows on screen, in order: sorted, and narrowed to creator
	sums   []model.LedgerTotal
	stats  shownStats
	list   cursor        // over shown
	board  cursor        // over sums
	ledger *model.Ledger // from the filtered view's first events matches, extended as more load
	events int

	built     ledgerKey
	builtAt   time.Time
	buildTook time.Duration
	unpriced  bool // rebuilt since the prices were last asked for

	prices ledgerPrices
}

// ledgerKey is what the ledger depends on: a new timeline (r, follow),
// more events, another filter, the end of the stream, or the range.
type ledgerKey struct {
	tl         *model.Timeline
	loaded     int
	filter     string
	ended      bool
	start, end time.Time
}

// cursor is a selected row and the first row on screen.
type cursor struct{ at, top int }

func newResources(s *state, pricer model.Pricer) *resourcesPane {
	return &resourcesPane{s: s, prices: ledgerPrices{pricer: pricer}}
}

func (p *resourcesPane) opener() key.Binding { return p.s.keys.Resources }

func (p *resourcesPane) SetSize(w, h int) {
	p.width, p.height = w, h
	p.refresh()
}

// rebuildGap is how long, at least, a ledger that was slow to build is
// kept while a scan only adds events: rebuilding it for every page would
// cost more than the scan over a million events. A quick one (the usual:
// the builder reads only the records a rule names) is rebuilt at once, as
// are all on a change of filter, timeline or range, and at the scan's end.
func rebuildGap(took time.Duration) time.Duration {
	if took < 20*time.Millisecond {
		return 0
	}
	return 4 * took
}

// refresh rebuilds the ledger from the timeline's filtered view when what
// it depends on changed since the last.
func (p *resourcesPane) refresh() {
	tl, q := p.s.tl, p.s.query
	k := ledgerKey{tl: tl, loaded: tl.Len(), filter: p.s.filter().String(), ended: p.s.ended, start: q.Start, end: q.End}
	if k == p.built {
		return
	}
	onlyGrew := p.ledger != nil && p.built.tl == k.tl && p.built.filter == k.filter && p.built.ended == k.ended &&
		p.built.start == k.start && p.built.end == k.end
	if onlyGrew && time.Since(p.builtAt) < rebuildGap(p.buildTook) {
		return
	}
	began := time.Now()
	if !onlyGrew {
		// Another filter, timeline or range: the events are others.
		p.ledger, p.events = model.NewLedger(), 0
	}
	p.events = tl.ExtendLedger(p.ledger, p.events)
	p.rows = p.ledger.Rows(q.Start, q.End)
	p.built, p.builtAt, p.buildTook = k, began, time.Since(began)
	p.unpriced = true
	p.priceRows()
}

// priceRows applies the prices known so far and orders the rows again.
func (p *resourcesPane) priceRows() {
	model.ApplyPrices(p.rows, p.prices.got, p.prices.misses)
	p.arrange()
}

// arrange orders the rows (alive first, then by cost or age) and narrows
// them to the creator picked, and counts the totals by creator.
func (p *resourcesPane) arrange() {
	p.shown = p.shown[:0]
	for i := range p.rows {
		if p.creator == "" || model.LedgerByCreator(&p.rows[i]) == p.creator {
			p.shown = append(p.shown, i)
		}
	}
	slices.SortStableFunc(p.shown, func(a, b int) int { return p.compare(&p.rows[a], &p.rows[b]) })
	p.stats = shownStats{}
	for _, i := range p.shown {
		p.stats.add(&p.rows[i])
	}
	p.sums = model.LedgerTotals(p.rows, model.LedgerByCreator)
	p.list.keepVisible(len(p.shown), p.space())
	p.board.keepVisible(len(p.sums), p.space())
}

// shownStats are the title's totals over the rows shown.
type shownStats struct {
	alive    int
	cost     float64
	unpriced int // rows of a costed type without an estimate (not those billed by use)
}

func (st *shownStats) add(r *model.LedgerRow) {
	if r.Alive {
		st.alive++
	}
	if r.EstimatedCostUSD != nil {
		st.cost += *r.EstimatedCostUSD
	} else if costed[r.ResourceType] {
		st.unpriced++
	}
}

// costed are the types with an hourly price of their own (the others are
// billed by use): a row of one without an estimate is one the price list
// lacked, or whose size the range never showed (created before it).
var costed = func() map[string]bool {
	m := map[string]bool{}
	for _, r := range model.LedgerRules {
		m[r.Type] = r.Cost != model.CostNone
	}
	return m
}()

// compare orders alive rows first, then the costliest (priced before
// unpriced, priceable before billed by use) or the oldest (created before
// the range first); ties keep the ledger's order (newest created first).
func (p *resourcesPane) compare(a, b *model.LedgerRow) int {
	if a.Alive != b.Alive {
		if a.Alive {
			return -1
		}
		return 1
	}
	if p.byAge {
		return a.CreatedTime.Compare(b.CreatedTime)
	}
	ca, cb := -1.0, -1.0
	if a.EstimatedCostUSD != nil {
		ca = *a.EstimatedCostUSD
	}
	if b.EstimatedCostUSD != nil {
		cb = *b.EstimatedCostUSD
	}
	switch {
	case ca > cb:
		return -1
	case ca < cb:
		return 1
	}
	// Unpriced (no price list, or not yet): what has an hourly price
	// before what is billed by use.
	pa, pb := costed[a.ResourceType], costed[b.ResourceType]
	switch {
	case pa && !pb:
		return -1
	case pb && !pa:
		return 1
	}
	return 0
}

// keepVisible keeps the cursor on one of n rows and on a screen of rows.
func (c *cursor) keepVisible(n, rows int) {
	c.at = max(min(c.at, n-1), 0)
	c.top = max(min(c.top, c.at), 0)
	if c.at >= c.top+rows {
		c.top = c.at - rows + 1
	}
}

// selected is the resource under the cursor, or nil.
func (p *resourcesPane) selected() *model.LedgerRow {
	if p.list.at >= len(p.shown) {
		return nil
	}
	return &p.rows[p.shown[p.list.at]]
}

// Move, Top, Bottom and page make the rows of the view in front a mover.
func (p *resourcesPane) Move(n int) {
	c, rows := &p.list, len(p.shown)
	if p.totals {
		c, rows = &p.board, len(p.sums)
	}
	c.at += n
	c.keepVisible(rows, p.space())
}
func (p *resourcesPane) Top()      { p.Move(-len(p.rows) - len(p.sums)) }
func (p *resourcesPane) Bottom()   { p.Move(len(p.rows) + len(p.sums)) }
func (p *resourcesPane) page() int { return p.space() }

// HandleKey: tab toggles the totals, s the order, enter shows the
// resource's events (a pivot on res=) or a creator's resources; esc first
// leaves a creator's resources for everyone's.
func (p *resourcesPane) HandleKey(msg tea.KeyPressMsg) action {
	k := p.s.keys
	switch {
	case key.Matches(msg, k.NextPane, k.PrevPane):
		p.totals = !p.totals
	case key.Matches(msg, k.Summary):
		p.byAge = !p.byAge
		p.arrange()
	case move(k, p, msg):
	case key.Matches(msg, k.Open):
		return p.open()
	case key.Matches(msg, k.Back) && p.creator != "" && !p.totals:
		p.creator = ""
		p.arrange()
	default:
		return nil
	}
	return handled{}
}

// open is enter: on a total, that creator's resources; on a resource,
// its events, when its id can be a filter term.
func (p *resourcesPane) open() action {
	if p.totals {
		if p.board.at < len(p.sums) {
			p.creator, p.totals, p.list = p.sums[p.board.at].Key, false, cursor{}
			p.arrange()
		}
		return handled{}
	}
	r := p.selected()
	if r == nil || r.ResourceID == "" || strings.ContainsAny(r.ResourceID, " ,\t") || model.Printable(r.ResourceID) != r.ResourceID {
		return handled{}
	}
	return pivotTo{filter: "res=" + r.ResourceID}
}

func (p *resourcesPane) ShortHelp() []key.Binding {
	k := p.s.keys
	if p.totals {
		return []key.Binding{relabel(k.Open, "their resources"), relabel(k.NextPane, "resources"), closeKeys(k, p.opener())}
	}
	order := "by age"
	if p.byAge {
		order = "by cost"
	}
	return []key.Binding{relabel(k.Open, "its events"), relabel(k.NextPane, "by creator"), relabel(k.Summary, order), closeKeys(k, p.opener())}
}

func (p *resourcesPane) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }

// writesOnly is what the ledger is built from: write events (LookupEvents
// pushes ReadOnly=false down, so the scan reads only those).
var writesOnly = model.ParseFilter("ro:false")

// scanWrites is what opening the ledger asks of the App: the filter in
// force narrowed to write events (a pivot, so backspace on the list
// returns to the filter before), a query that pushes that down when the
// source plans, and a scan to the end of history for it.
func (a *App) scanWrites() tea.Cmd {
	var cmd tea.Cmd
	if f := a.filter(); f.Narrows(writesOnly) {
		cmd = a.plan()
	} else {
		cmd = a.pivot(strings.TrimSpace(f.String() + " ro:false"))
	}
	if !a.ended {
		a.toEnd.start(a.summary(), time.Now())
		a.stopped = false
	}
	return cmd
}

// progressText is the title's honest part: complete, or partial and why
// (the scan under way with the share of the range covered).
func (p *resourcesPane) progressText() string {
	why := p.s.why()
	switch {
	case why == "":
		return "complete"
	case p.s.toEnd.on && !p.s.ended:
		if f, ok := coverage(p.s.query, p.s.summary()); ok {
			return fmt.Sprintf("partial: scanning to the end %.0f%%", 100*f)
		}
		return "partial: scanning to the end"
	}
	return "partial: " + why
}
