package tui

import (
	"fmt"
	"math"
	"strings"
	"time"

	"lazytrail/model"
)

// The ledger's screen: a title that says what was counted and whether it
// is complete, a header, the rows, and what the selected row is, in full.

// ledgerCols are the list's column widths (0: left out at this width).
type ledgerCols struct{ typ, id, creator, age, size, hours, est int }

// idWidth is an instance id (i-0 and 17 hex digits); a volume's is 22.
const idWidth = 19

// ledgerColumns fits the list to w cells: the id takes what the others
// leave, and when that is less than an id, hours, type and age are left
// out in that order (the cost, creator and size stay: they are the
// questions). Past a wide id, the creator grows.
func ledgerColumns(w int) ledgerCols {
	c := ledgerCols{typ: 8, creator: 12, age: 4, size: 11, hours: 5, est: 9}
	rest := func() int {
		n := w - 2 // the alive marker and its space
		for _, x := range []int{c.typ, c.creator, c.age, c.size, c.hours, c.est} {
			if x > 0 {
				n -= x + 1
			}
		}
		return n
	}
	for _, drop := range []*int{&c.hours, &c.typ, &c.age} {
		if rest() >= idWidth {
			break
		}
		*drop = 0
	}
	c.id = max(rest(), 4)
	if extra := c.id - 24; extra > 0 {
		grow := min(extra, 12)
		c.creator += grow
		c.id -= grow
	}
	return c
}

// detailLines is how many lines the selected row's description takes at
// the bottom: none when the rows would be fewer than three.
func (p *resourcesPane) detailLines() int {
	if p.totals {
		return 0
	}
	return max(min(p.height-len(p.title())-1-3, 3), 0)
}

// space is how many rows fit under the title and the header and above the
// selected row's description.
func (p *resourcesPane) space() int {
	return max(p.height-len(p.title())-1-p.detailLines(), 1)
}

// title says what the ledger counted, in which order, and whether it is
// complete, wrapped at the width so that "partial" is never cut off.
func (p *resourcesPane) title() []string {
	head := "RESOURCES"
	switch {
	case p.totals:
		head = "WHO RUNS UP THE BILL · by creator"
	case p.creator != "":
		head += " created by " + model.Printable(p.creator)
	}
	parts := []string{head,
		fmt.Sprintf("%s resources · %s events", count(len(p.shown)), count(p.events)),
		fmt.Sprintf("● %s alive", count(p.stats.alive)),
		p.costText(p.stats.cost, p.stats.unpriced)}
	if !p.totals {
		parts = append(parts, map[bool]string{false: "by cost", true: "by age"}[p.byAge])
	}
	parts = append(parts, p.progressText())
	return wrapLines(strings.Join(parts, " · "), p.width)
}

// costText is the estimate's total and what it leaves out.
func (p *resourcesPane) costText(cost float64, unpriced int) string {
	switch {
	case p.prices.pricer == nil:
		return "no estimates (no price list)"
	case p.prices.unavailable() != "" && cost == 0:
		return "no estimates: " + model.Printable(p.prices.unavailable())
	case p.prices.pending > 0:
		return "est. " + usd(cost) + ", pricing…"
	case unpriced > 0:
		return fmt.Sprintf("est. %s (%s without a price)", usd(cost), count(unpriced))
	}
	return "est. " + usd(cost)
}

// View draws the ledger as Update last brought it up to date (syncLedger
// after every message): rendering builds nothing.
func (p *resourcesPane) View() []string {
	st := &p.s.st
	var lines []string
	for _, l := range p.title() {
		lines = append(lines, paintOf(st.PaneTitleFocused).wrap(fit(l, p.width)))
	}
	if p.totals {
		lines = append(lines, p.totalsView()...)
	} else {
		lines = append(lines, p.listView()...)
	}
	if len(lines) > p.height {
		lines = lines[:max(p.height, 0)]
	}
	return lines
}

// listView is the header, the rows and the selected row's description.
func (p *resourcesPane) listView() []string {
	st := &p.s.st
	c := ledgerColumns(p.width)
	lines := []string{paintOf(st.PaneTitle).wrap(fit(c.line(" ", "TYPE", "ID", "CREATOR", "AGE", "SIZE", "HOURS", "EST $"), p.width))}
	end := p.s.query.End
	if end.IsZero() {
		end = time.Now()
	}
	for i := p.list.top; i < len(p.shown) && i < p.list.top+p.space(); i++ {
		r := &p.rows[p.shown[i]]
		alive := " "
		if r.Alive {
			alive = "●"
		}
		line := fit(c.line(alive, shortType(r.ResourceType), shortID(r.ResourceID), model.LedgerByCreator(r), age(r.CreatedTime, end),
			r.Size, hours(r.RunningHours), p.estimate(r)), p.width)
		if i == p.list.at {
			if p.s.marked {
				line = ">" + strings.TrimPrefix(line, " ")
			}
			line = paintOf(st.RowSelected).wrap(line)
		}
		lines = append(lines, line)
	}
	if len(p.shown) == 0 {
		lines = append(lines, styled(st.Label, fit("  no resource created, changed or deleted in the events loaded yet", p.width)))
	}
	for len(lines) < 1+p.space() {
		lines = append(lines, spaces(p.width))
	}
	if n := p.detailLines(); n > 0 {
		if r := p.selected(); r != nil {
			d := wrapLines(p.describe(r), p.width)
			for i := range n {
				l := ""
				if i < len(d) {
					l = d[i]
				}
				lines = append(lines, styled(st.Label, fit(l, p.width)))
			}
		}
	}
	return lines
}

// line lays out one row: the marker and each column in its width, text
// cut (and made printable) to fit, numbers aligned right.
func (c ledgerCols) line(marker, typ, id, creator, age, size, hours, est string) string {
	var b strings.Builder
	b.WriteString(fit(marker, 1) + " ")
	first := true
	add := func(w int, s string, right bool) {
		if w == 0 {
			return
		}
		if !first {
			b.WriteByte(' ')
		}
		first = false
		s = cut(s, w)
		if right {
			s = spaces(max(w-cellWidth(s), 0)) + s
		}
		b.WriteString(pad(s, w))
	}
	add(c.typ, typ, false)
	add(c.id, id, false)
	add(c.creator, creator, false)
	add(c.age, age, true)
	add(c.size, size, false)
	add(c.hours, hours, true)
	add(c.est, est, true)
	return b.String()
}

// estimate is a row's cost column: the estimate, … while its price is
// asked for, or — (the description says why).
func (p *resourcesPane) estimate(r *model.LedgerRow) string {
	if r.EstimatedCostUSD != nil {
		return usd(*r.EstimatedCostUSD)
	}
	if k, ok := model.LedgerPriceKey(r); ok && p.prices.asking(k) {
		return "…"
	}
	return "—"
}

// describe is the selected row in full: what, where, who created it with
// what, whether a delete was seen, and how the estimate was reached.
func (p *resourcesPane) describe(r *model.LedgerRow) string {
	zone := p.s.zone()
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s · %s · %s · ", r.ResourceType, r.ResourceID, r.Region, r.Account)
	if r.CreatedTime.IsZero() {
		b.WriteString("created before the range · ")
	} else {
		fmt.Fprintf(&b, "created %s by %s", r.CreatedTime.In(zone).Format("2006-01-02 15:04"), model.LedgerByCreator(r))
		if r.UserAgent != "" {
			fmt.Fprintf(&b, " with %s", cut(r.UserAgent, 40))
		}
		b.WriteString(" · ")
	}
	if r.Alive {
		b.WriteString("no delete seen in the range · ")
	} else {
		fmt.Fprintf(&b, "deleted %s by %s · ", r.DeletedTime.In(zone).Format("2006-01-02 15:04"), r.DeletedBy)
	}
	fmt.Fprintf(&b, "%s h", hours(r.RunningHours))
	k, priced := model.LedgerPriceKey(r)
	price, known := p.prices.got[k]
	switch {
	case r.EstimatedCostUSD != nil && priced && known && price.Per == model.PerGBMonth:
		fmt.Fprintf(&b, " × %s × $%.4g per GB-month (730 h) = %s (on-demand estimate)", r.Size, price.USD, usd(*r.EstimatedCostUSD))
	case r.EstimatedCostUSD != nil && priced && known:
		fmt.Fprintf(&b, " × $%.4g/h = %s (on-demand estimate)", price.USD, usd(*r.EstimatedCostUSD))
	case r.EstimatedCostUSD != nil:
		fmt.Fprintf(&b, " · %s (on-demand estimate)", usd(*r.EstimatedCostUSD))
	case p.prices.pricer == nil && priced:
		b.WriteString(" · no estimate: no price list")
	case r.CostNote != "":
		b.WriteString(" · " + r.CostNote)
	}
	return model.Printable(b.String())
}

// totalsView is the totals by creator, costliest first, with each one's
// share of the estimate as a bar.
func (p *resourcesPane) totalsView() []string {
	st := &p.s.st
	const fixed = 2 + 1 + 5 + 1 + 5 + 1 + 10 + 1 + 6 + 1 // the marker, the name's space, resources, alive, estimate, share and their spaces
	nameW := max(min(p.width-fixed-10, 24), 8)
	barW := max(p.width-fixed-nameW, 1)
	var total float64
	for _, t := range p.sums {
		total += t.CostUSD
	}
	row := func(marker, name, res, alive, est, share, bar string) string {
		return fmt.Sprintf("%s %s %5s %5s %10s %6s %s", fit(marker, 1), fit(name, nameW), res, alive, cut(est, 10), share, bar)
	}
	lines := []string{paintOf(st.PaneTitle).wrap(fit(row(" ", "CREATOR", "RES", "ALIVE", "EST $", "SHARE", ""), p.width))}
	for i := p.board.top; i < len(p.sums) && i < p.board.top+p.space(); i++ {
		t := p.sums[i]
		share := 0.0
		if total > 0 {
			share = t.CostUSD / total
		}
		est := usd(t.CostUSD)
		if t.Unpriced > 0 && t.CostUSD == 0 {
			est = "—"
		}
		line := fit(row(" ", model.Printable(t.Key), count(t.Resources), count(t.Alive), est,
			fmt.Sprintf("%5.1f%%", 100*share), bar(share, barW)), p.width)
		if i == p.board.at {
			if p.s.marked {
				line = ">" + line[1:]
			}
			line = paintOf(st.RowSelected).wrap(line)
		}
		lines = append(lines, line)
	}
	if len(p.sums) == 0 {
		lines = append(lines, styled(st.Label, fit("  no resource created yet in the events loaded", p.width)))
	}
	return lines
}

// shortTypes are the list's names for the ledger's types, so that the id
// keeps the width; a type not here shows its last part.
var shortTypes = map[string]string{
	"AWS::EC2::Instance": "instance", "AWS::EC2::Volume": "volume", "AWS::EC2::Snapshot": "snapshot",
	"AWS::EC2::Image": "image", "AWS::EC2::EIP": "eip", "AWS::EC2::NatGateway": "nat-gw",
	"AWS::EC2::SecurityGroup": "sec-grp", "AWS::ElasticLoadBalancingV2::LoadBalancer": "lb",
	"AWS::RDS::DBInstance": "rds", "AWS::S3::Bucket": "bucket", "AWS::Lambda::Function": "lambda",
	"AWS::DynamoDB::Table": "ddb-tbl", "AWS::EKS::Cluster": "eks", "AWS::IAM::User": "iam-user",
	"AWS::IAM::AccessKey": "iam-key",
}

func shortType(t string) string {
	if s, ok := shortTypes[t]; ok {
		return s
	}
	return strings.ToLower(t[strings.LastIndex(t, ":")+1:])
}

// shortID is an id as the list shows it: an ARN (a load balancer's) from
// its resource part, which is what tells two apart.
func shortID(id string) string {
	if strings.HasPrefix(id, "arn:") {
		if parts := strings.SplitN(id, ":", 6); len(parts) == 6 {
			return parts[5]
		}
	}
	return id
}

// age is how long ago the resource was created, from the range's end; —
// when its creation is before the range.
func age(created, end time.Time) string {
	if created.IsZero() {
		return "—"
	}
	d := end.Sub(created)
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	case d >= time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dm", max(int(d.Minutes()), 0))
}

func hours(h float64) string {
	if h < 10 {
		return fmt.Sprintf("%.1f", h)
	}
	return count(int(math.Round(h)))
}

// usd is an amount in dollars with cents and thousands separators.
func usd(v float64) string {
	if v > 0 && v < 0.005 {
		return "<$0.01"
	}
	cents := int(math.Round(v * 100))
	return fmt.Sprintf("$%s.%02d", count(cents/100), cents%100)
}
