package tui

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"lazytrail/fetch/memory"
	"lazytrail/model"
)

// ledgerRecord is one event as CloudTrail records it: an IAM user's call
// at, with its request and response (nil: null), failed when errCode is
// set.
func ledgerRecord(at time.Time, user, name, source, region string, req, resp map[string]any, errCode string) model.Event {
	rec := map[string]any{
		"eventVersion": "1.08", "eventID": fmt.Sprintf("ev-%s-%s-%d", user, name, at.Unix()), "eventTime": at.Format(time.RFC3339),
		"eventName": name, "eventSource": source, "awsRegion": region, "eventType": "AwsApiCall",
		"sourceIPAddress": "203.0.113.7", "userAgent": "aws-cli/2.15.0", "readOnly": strings.HasPrefix(name, "Describe"),
		"recipientAccountId": "123456789012",
		"userIdentity": map[string]any{"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/" + user,
			"accountId": "123456789012", "accessKeyId": "AKIAEXAMPLE", "userName": user},
		"requestParameters": req, "responseElements": resp,
	}
	if errCode != "" {
		rec["errorCode"], rec["errorMessage"] = errCode, "denied"
	}
	raw, _ := json.Marshal(rec)
	e, err := model.FromRecord(string(raw))
	if err != nil {
		panic(err)
	}
	return e
}

func items(key string, vals ...map[string]any) map[string]any {
	list := make([]any, len(vals))
	for i, v := range vals {
		list[i] = v
	}
	return map[string]any{key: map[string]any{"items": list}}
}

// The ledger's world: what each resource is, who made it, when, and what
// it costs, written down here so the test's expectations do not come from
// the code under test.
const (
	hostileUser = "evil\x1b[2J\x07user"
	ec2         = "ec2.amazonaws.com"
)

var ledgerPriceTable = map[model.PriceKey]model.Price{
	{Kind: model.CostEC2Instance, Region: "us-west-2", Size: "g5.2xlarge"}: {USD: 1.212, Per: model.PerHour},
	{Kind: model.CostEC2Instance, Region: "eu-west-1", Size: "t3.medium"}:  {USD: 0.0456, Per: model.PerHour},
	{Kind: model.CostEC2Instance, Region: "eu-west-1", Size: "t3.micro"}:   {USD: 0.0114, Per: model.PerHour},
	{Kind: model.CostEBSVolume, Region: "us-west-2", Size: "gp3"}:          {USD: 0.08, Per: model.PerGBMonth},
}

func ledgerWorld() []model.Event {
	day := 24 * time.Hour
	run := func(at time.Time, user, region, id, typ string) model.Event {
		return ledgerRecord(at, user, "RunInstances", ec2, region, map[string]any{"instanceType": typ},
			items("instancesSet", map[string]any{"instanceId": id, "instanceType": typ}), "")
	}
	evs := []model.Event{
		run(testNow.Add(-30*day), "dev-intern", "us-west-2", "i-0aaaaaaaaaaaaaaa1", "g5.2xlarge"),
		run(testNow.Add(-10*day), "adam", "eu-west-1", "i-0bbbbbbbbbbbbbbb2", "t3.medium"),
		run(testNow.Add(-5*day), "bob", "eu-west-1", "i-0ccccccccccccccc3", "t3.micro"),
		run(testNow.Add(-1*day), "carol", "eu-west-1", "i-0eeeeeeeeeeeeeee5", "x9.huge"), // no price in the table
		ledgerRecord(testNow.Add(-4*day), "bob", "TerminateInstances", ec2, "eu-west-1",
			items("instancesSet", map[string]any{"instanceId": "i-0ccccccccccccccc3"}), nil, ""),
		ledgerRecord(testNow.Add(-20*day), "dev-intern", "CreateVolume", ec2, "us-west-2",
			map[string]any{"size": 100, "volumeType": "gp3"}, map[string]any{"volumeId": "vol-0ddddddddddddddd4", "size": 100, "volumeType": "gp3"}, ""),
		// A failed launch creates nothing.
		ledgerRecord(testNow.Add(-2*day), "eve", "RunInstances", ec2, "us-west-2", map[string]any{"instanceType": "p5.48xlarge"}, nil, "UnauthorizedOperation"),
		// Attacker-controlled names reach the screen escaped.
		ledgerRecord(testNow.Add(-3*day), hostileUser, "CreateBucket", "s3.amazonaws.com", "us-east-1",
			map[string]any{"bucketName": "loot\x1b]52;c;Zm9v\x07bucket"}, nil, ""),
	}
	for i := range 40 { // read-only noise the pushed-down ro:false leaves out
		evs = append(evs, ledgerRecord(testNow.Add(-time.Duration(i)*time.Hour), "reader", "DescribeInstances", ec2, "eu-west-1", nil, nil, ""))
	}
	return evs
}

// ledgerWant is the world's answer, worked out by hand: hours from the
// creation (or start of the range) to the delete (or the range's end,
// testNow), times the table's price.
var ledgerWant = []struct {
	id, creator string
	alive       bool
	cost        float64 // -1: no price
}{
	{"i-0aaaaaaaaaaaaaaa1", "dev-intern", true, 1.212 * 30 * 24},              // $872.64
	{"i-0bbbbbbbbbbbbbbb2", "adam", true, 0.0456 * 10 * 24},                   // $10.94
	{"vol-0ddddddddddddddd4", "dev-intern", true, 0.08 * 100 * 20 * 24 / 730}, // $5.26
	{"i-0eeeeeeeeeeeeeee5", "carol", true, -1},                                // the price list lacks its type
	{"loot", "evil", true, -1},                                                // a bucket: billed by use
	{"i-0ccccccccccccccc3", "bob", false, 0.0114 * 24},
}

// tablePricer prices from a table and records what it was asked.
type tablePricer struct{ asked [][]model.PriceKey }

func (p *tablePricer) Prices(_ context.Context, keys []model.PriceKey) (map[model.PriceKey]model.Price, []model.PriceMiss) {
	p.asked = append(p.asked, keys)
	out := map[model.PriceKey]model.Price{}
	var misses []model.PriceMiss
	for _, k := range keys {
		if v, ok := ledgerPriceTable[k]; ok {
			out[k] = v
		} else {
			misses = append(misses, model.PriceMiss{Key: k, Reason: "not in the table"})
		}
	}
	return out, misses
}

// ledgerApp is an app over a LookupEvents-like memory source holding the
// world, with the first screen of events loaded and the stream open.
func ledgerApp(t *testing.T, w, h int, pricer model.Pricer) (*App, *memory.Source) {
	t.Helper()
	src := lookupSource(ledgerWorld())
	app := New(Config{Source: src, Location: time.UTC, Pricer: pricer})
	runCmds(app, app.Init())
	app.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return app, src
}

// open presses keys and runs what they start (the queries, the scan, the
// prices) to the end, as the program would.
func open(app *App, keys ...string) {
	for _, k := range keys {
		_, cmd := app.Update(keyPress(k))
		runCmds(app, cmd)
	}
}

var usdRE = regexp.MustCompile(`\$[\d,]+\.\d\d`)

// c opens the ledger: the filter narrowed to write events as a pivot
// (LookupEvents pushes ReadOnly=false down), scanned to the end; the rows
// are the world's resources, alive first and costliest first, each with
// its creator and the estimate the table's prices give; complete in the
// title once the scan ended.
func TestResourcesLedgerView(t *testing.T) {
	pricer := &tablePricer{}
	app, src := ledgerApp(t, 80, 24, pricer)
	open(app, "c")
	s := look(t, app)
	if !strings.HasPrefix(s.title(), "RESOURCES") || !strings.Contains(s.footer(), "c/esc close") {
		t.Fatalf("c did not open the ledger:\n%s", s.text())
	}
	if plans := plansOf(src); plans[len(plans)-1] != "ReadOnly=false" {
		t.Errorf("opening the ledger asked for %q, not the write events", plans)
	}
	if got := app.filter().String(); got != "ro:false" {
		t.Errorf("the filter is %q, want ro:false", got)
	}
	title := ledgerTitle(s)
	if !strings.Contains(title, "complete") || strings.Contains(title, "partial") {
		t.Errorf("the scan ended, and the title does not say complete:\n%s", s.text())
	}
	if !strings.Contains(title, fmt.Sprintf("%d resources", len(ledgerWant))) || !strings.Contains(title, "● 5 alive") {
		t.Errorf("the title does not count %d resources, 5 alive:\n%s", len(ledgerWant), s.text())
	}
	var total float64
	for _, w := range ledgerWant {
		total += max(w.cost, 0)
	}
	if !strings.Contains(title, "est. "+usd(total)+" (1 without a price)") {
		t.Errorf("the title's estimate is not %s:\n%s", usd(total), s.text())
	}
	rows := ledgerRows(s)
	if len(rows) != len(ledgerWant) {
		t.Fatalf("%d rows on screen, want %d:\n%s", len(rows), len(ledgerWant), s.text())
	}
	for i, w := range ledgerWant {
		r := rows[i]
		if !strings.Contains(r, w.id) || !strings.Contains(r, w.creator) || strings.HasPrefix(r, "●") != w.alive {
			t.Errorf("row %d is %q, want %s by %s (alive %v)", i, r, w.id, w.creator, w.alive)
		}
		if got := usdRE.FindString(r); w.cost >= 0 && got != usd(w.cost) || w.cost < 0 && got != "" {
			t.Errorf("row %d (%s) costs %q, want %s", i, w.id, got, usd(w.cost))
		}
	}
	if n := len(pricer.asked); n != 1 || len(pricer.asked[0]) != len(ledgerPriceTable)+1 {
		t.Errorf("the pricer was asked %v, want the table's %d keys and x9.huge's once", pricer.asked, len(ledgerPriceTable))
	}
	// The selected row in full: how the estimate was reached.
	if d := strings.Join(strings.Fields(strings.Join(s.bodyLines(), " ")), " "); !strings.Contains(d, "created 2026-10-24 12:00 by dev-intern") ||
		!strings.Contains(d, "no delete seen in the range") || !strings.Contains(d, "720 h × $1.212/h = "+usd(1.212*720)) {
		t.Errorf("the selected row's description is not the g5.2xlarge's:\n%s", d)
	}
	for _, line := range s.plain {
		if strings.ContainsAny(line, "\x1b\x07") {
			t.Errorf("a control character reached the screen: %q", line)
		}
	}

	// s orders by age: the oldest alive first, the deleted last.
	open(app, "s")
	if rows := ledgerRows(look(t, app)); !strings.Contains(rows[0], "i-0aaaaaaaaaaaaaaa1") || !strings.Contains(rows[1], "vol-0ddddddddddddddd4") ||
		!strings.Contains(rows[5], "i-0ccccccccccccccc3") {
		t.Errorf("s did not order by age:\n%s", strings.Join(rows, "\n"))
	}
	open(app, "s")

	// tab: who runs up the bill, with the summary's bars.
	open(app, "tab")
	s = look(t, app)
	if !strings.HasPrefix(s.title(), "WHO RUNS UP THE BILL") {
		t.Fatalf("tab did not show the totals:\n%s", s.text())
	}
	want := []struct {
		creator          string
		resources, alive int
		cost             float64
	}{
		{"dev-intern", 2, 2, ledgerWant[0].cost + ledgerWant[2].cost},
		{"adam", 1, 1, ledgerWant[1].cost},
		{"bob", 1, 0, ledgerWant[5].cost},
		{"carol", 1, 1, -1},
		{"evil", 1, 1, -1},
	}
	totals := ledgerRows(s)
	if len(totals) != len(want) {
		t.Fatalf("%d creators on screen, want %d:\n%s", len(totals), len(want), s.text())
	}
	for i, w := range want {
		f := strings.Fields(totals[i])
		if !strings.HasPrefix(totals[i], w.creator) || len(f) < 4 || f[1] != fmt.Sprint(w.resources) || f[2] != fmt.Sprint(w.alive) {
			t.Errorf("total %d is %q, want %s with %d resources, %d alive", i, totals[i], w.creator, w.resources, w.alive)
		}
		if got := usdRE.FindString(totals[i]); w.cost >= 0 && got != usd(w.cost) {
			t.Errorf("%s's total is %q, want %s", w.creator, got, usd(w.cost))
		}
	}
	if !strings.Contains(totals[0], "█") {
		t.Errorf("the costliest creator has no bar: %q", totals[0])
	}

	// enter on a creator: their resources; esc: everyone's again.
	open(app, "enter")
	s = look(t, app)
	if rows := ledgerRows(s); len(rows) != 2 || !strings.Contains(s.title(), "created by dev-intern") {
		t.Errorf("enter on dev-intern did not list their 2 resources:\n%s", s.text())
	}
	open(app, "esc")
	if s = look(t, app); len(ledgerRows(s)) != len(ledgerWant) || s.footer() == "" || !strings.HasPrefix(s.title(), "RESOURCES ·") {
		t.Errorf("esc did not return to every resource:\n%s", s.text())
	}

	// enter on a resource: its events, a pivot backspace undoes.
	open(app, "j", "enter")
	s = look(t, app)
	if app.front() != nil || app.filter().String() != "res=i-0bbbbbbbbbbbbbbb2" {
		t.Fatalf("enter on adam's instance: filter %q, overlay %T:\n%s", app.filter().String(), app.front(), s.text())
	}
	if plans := plansOf(src); plans[len(plans)-1] != "ResourceName=i-0bbbbbbbbbbbbbbb2" {
		t.Errorf("the resource's events were asked for as %q", plans)
	}
	open(app, "backspace")
	if got := app.filter().String(); got != "ro:false" {
		t.Errorf("backspace returned to %q, want ro:false", got)
	}
	open(app, "backspace")
	if got := app.filter().String(); got != "" {
		t.Errorf("a second backspace returned to %q, want the filter before the ledger", got)
	}
}

// ledgerRows are the body's rows under the header (the resources' or the
// totals'), trimmed of the cursor's marker, up to the first blank line.
func ledgerRows(s seen) []string {
	lines := s.bodyLines()
	var out []string
	header := -1
	for i, l := range lines {
		if strings.Contains(l, "CREATOR") {
			header = i
			break
		}
	}
	if header < 0 {
		return nil
	}
	for _, l := range lines[header+1:] {
		if strings.TrimSpace(l) == "" || strings.HasPrefix(strings.TrimSpace(l), "AWS::") {
			break
		}
		out = append(out, strings.TrimSpace(l))
	}
	return out
}

// While the scan runs the title says partial, with the share of the range
// covered; once the stream ended over the whole range, complete. Before
// an answer comes from the pricer, the estimates say so.
func TestResourcesProgressIsHonest(t *testing.T) {
	pricer := &tablePricer{}
	app, _ := ledgerApp(t, 80, 24, pricer)
	press(app, "c") // the commands are not run: nothing of the new query has arrived
	if title := ledgerTitle(look(t, app)); !strings.Contains(title, "partial: scanning to the end") || strings.Contains(title, "complete") {
		t.Errorf("before the scan delivered anything the title is %q", title)
	}
	world := ledgerWorld()
	var writes []model.Event
	for _, e := range world {
		if e.ReadOnly == model.False {
			writes = append(writes, e)
		}
	}
	half := model.Batch{Events: writes[:3], Progress: []model.RegionProgress{
		{Region: "eu-west-1", State: model.RegionPaging, Events: 3, Pages: 1, Oldest: testNow.Add(-45 * 24 * time.Hour)},
		{Region: "us-east-1", State: model.RegionPaging, Events: 0, Pages: 1, Oldest: testNow.Add(-45 * 24 * time.Hour)}}}
	_, cmd := app.Update(batchMsg{gen: app.gen, batch: half, ok: true})
	s := look(t, app)
	title := ledgerTitle(s)
	if !strings.Contains(title, "partial: scanning to the end 50%") {
		t.Errorf("halfway through the range the title is %q", title)
	}
	if !strings.Contains(title, "pricing…") || !strings.Contains(s.text(), "…") {
		t.Errorf("before the pricer answered the title is %q:\n%s", title, s.text())
	}
	if cmd == nil {
		t.Fatal("rows that need prices asked for none")
	}
	runCmds(app, cmd) // the rest of the scan, and the prices
	title = ledgerTitle(look(t, app))
	if !strings.Contains(title, "complete") || strings.Contains(title, "partial") || strings.Contains(title, "pricing") {
		t.Errorf("after the end the title is %q", title)
	}
}

// Without a price list every estimate is left out, and the title says so
// rather than showing $0.
func TestResourcesWithoutPricer(t *testing.T) {
	app, _ := ledgerApp(t, 80, 24, nil)
	open(app, "c")
	s := look(t, app)
	if !strings.Contains(ledgerTitle(s), "no estimates (no price list)") || usdRE.MatchString(strings.Join(ledgerRows(s), "\n")) {
		t.Errorf("without a pricer:\n%s", s.text())
	}
	if rows := ledgerRows(s); len(rows) != len(ledgerWant) || !strings.Contains(rows[0], "i-0") {
		t.Errorf("without prices the instances should still come first:\n%s", s.text())
	}
	open(app, "tab")
	if s := look(t, app); !strings.Contains(s.text(), "dev-intern") || usdRE.MatchString(strings.Join(ledgerRows(s), "\n")) {
		t.Errorf("the totals without a pricer:\n%s", s.text())
	}
}

// At every size from the smallest the app draws to a wide one, both views
// fill the terminal exactly, no line wider than it, and the selected row
// is on screen; smaller, the app says it is too small.
func TestResourcesFitEverySize(t *testing.T) {
	for _, sz := range [][2]int{{60, 12}, {61, 13}, {72, 16}, {80, 24}, {100, 30}, {200, 50}} {
		app, _ := ledgerApp(t, sz[0], sz[1], &tablePricer{})
		open(app, "c")
		for _, view := range []string{"resources", "totals"} {
			s := look(t, app)
			for i, l := range s.plain {
				if w := displayWidth(l); w > sz[0] {
					t.Errorf("%dx%d %s: line %d is %d cells: %q", sz[0], sz[1], view, i, w, l)
				}
			}
			if s.selected() == "" {
				t.Errorf("%dx%d %s: no row selected:\n%s", sz[0], sz[1], view, s.text())
			}
			if !strings.Contains(strings.Join(s.bodyLines(), " "), "complete") {
				t.Errorf("%dx%d %s: the title lost \"complete\":\n%s", sz[0], sz[1], view, s.text())
			}
			open(app, "G", "tab")
		}
	}
	app, _ := ledgerApp(t, 80, 24, &tablePricer{})
	open(app, "c")
	app.Update(tea.WindowSizeMsg{Width: 30, Height: 8})
	if got := plain(content(app)); !strings.Contains(got, "needs at least") {
		t.Errorf("at 30×8:\n%s", got)
	}
}

// ledgerTitle is the view's title, its two lines read as one.
func ledgerTitle(s seen) string {
	return strings.Join(strings.Fields(strings.Join(s.bodyLines()[:2], " ")), " ")
}

// deniedPricer is a price list the credentials may not read.
type deniedPricer struct{}

func (deniedPricer) Prices(context.Context, []model.PriceKey) (map[model.PriceKey]model.Price, []model.PriceMiss) {
	return nil, []model.PriceMiss{{Reason: "no pricing:GetProducts permission"}}
}

// When the price list cannot be read at all, the title says why rather
// than an estimate of $0.00, and each row has no estimate.
func TestResourcesPricingUnavailable(t *testing.T) {
	app, _ := ledgerApp(t, 80, 24, deniedPricer{})
	open(app, "c")
	s := look(t, app)
	if title := ledgerTitle(s); !strings.Contains(title, "no estimates: no pricing:GetProducts permission") || strings.Contains(title, "$") {
		t.Errorf("the title is %q", title)
	}
	if usdRE.MatchString(strings.Join(ledgerRows(s), "\n")) {
		t.Errorf("a row has an estimate without prices:\n%s", s.text())
	}
}
