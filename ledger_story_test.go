package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"lazytrail/fetch/localtrail"
)

// Issue 19's story, told to the real binary on --demo in tmux at 80×24:
// "what is still running, by whom, and what does it cost" is c (the
// ledger, alive first and costliest first, scanned to the end), and "who
// runs up the bill" is tab in the same view (the totals by creator). Every
// number the story reads on the screen is compared with the test's own
// pairing of the demo's raw records (encoding/json and a table written
// here from CloudTrail's record shapes, not model.LedgerRules).
func TestLedgerStory(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is not installed; .ci/run installs it")
		}
		t.Skip("tmux is not installed")
	}
	bin := buildBinary(t)
	s := &storySession{tmuxSession: startTmux(t, 80, 24, []string{"TERM=xterm-256color"}, bin, "--demo")}
	first := s.waitFor("the first events", func(sc string) bool {
		return strings.Contains(sc, "lazytrail demo") && len(listRow.FindAllString(sc, -1)) > 10
	})
	// The demo's range is the one its status bar shows: the account is
	// built for that end (a minute), and so is the test's copy of it.
	m := storyRange.FindStringSubmatch(first)
	if m == nil {
		t.Fatalf("no range on the status bar:\n%s", first)
	}
	end, err := time.Parse("2006-01-02 15:04", m[2])
	if err != nil {
		t.Fatal(err)
	}
	start := end.Add(-90 * 24 * time.Hour)
	want := storyPairing(t, localtrail.Demo(end), start, end)

	k := &keystrokes{s: s}
	k.keys("c")
	screen := s.waitLong("the ledger to be complete", func(sc string) bool { return storyComplete.MatchString(storyOneLine(sc)) })
	s.fits(screen, "the ledger")
	title := storyComplete.FindStringSubmatch(storyOneLine(screen))
	if n := atoiCommas(t, title[1]); n != len(want.rows) {
		t.Errorf("the ledger counts %d resources; the demo's write events touch %d", n, len(want.rows))
	}
	if n := atoiCommas(t, title[2]); n != want.alive {
		t.Errorf("the ledger counts %d alive; the demo leaves %d with no delete", n, want.alive)
	}
	priced := !strings.Contains(storyOneLine(screen), "no estimates")
	storyCheckRows(t, screen, want, end, priced)

	k.keys("Tab")
	screen = s.waitFor("the totals by creator", contains("WHO RUNS UP THE BILL"))
	s.fits(screen, "the totals")
	storyCheckTotals(t, screen, want, priced)
	t.Logf("the story: %d keystrokes from start (c tab)", k.n)
	storyTinyTerminal(s)
	if k.n > 6 {
		t.Errorf("the story took %d keystrokes, more than 6", k.n)
	}
	if !priced {
		t.Log("this build hands the TUI no price list on --demo: the estimates are not checked, only that the view says so")
	}
	t.Logf("%d resources, %d alive\n%s", len(want.rows), want.alive, screen)
}

// storyTinyTerminal shrinks the terminal under the totals: at the smallest
// size the app draws (60×12) the view still fits, saying complete; below
// it, the app says it is too small; grown back, the totals return.
func storyTinyTerminal(s *storySession) {
	t := s.t
	s.tmux("resize-window", "-t", s.name, "-x", "60", "-y", "12")
	screen := s.waitFor("the totals at 60×12", func(sc string) bool {
		return strings.Contains(sc, "WHO RUNS UP THE BILL") && len(strings.Split(strings.TrimSuffix(sc, "\n"), "\n")) == 12
	})
	for i, l := range strings.Split(strings.TrimSuffix(screen, "\n"), "\n") {
		if n := len([]rune(l)); n > 60 {
			t.Errorf("at 60×12 line %d is %d cells: %q", i, n, l)
		}
	}
	if !strings.Contains(storyOneLine(screen), "complete") {
		t.Errorf("at 60×12 the title lost \"complete\":\n%s", screen)
	}
	s.tmux("resize-window", "-t", s.name, "-x", "40", "-y", "10")
	s.waitFor("the too-small message", func(sc string) bool { return strings.Contains(storyOneLine(sc), "needs at least 60×12") })
	s.tmux("resize-window", "-t", s.name, "-x", "80", "-y", "24")
	s.waitFor("the totals again", contains("WHO RUNS UP THE BILL"))
}

var (
	storyRange     = regexp.MustCompile(`(\d{4}-\d\d-\d\d \d\d:\d\d) → (\d{4}-\d\d-\d\d \d\d:\d\d)`)
	storyComplete  = regexp.MustCompile(`RESOURCES · ([\d,]+) resources · [\d,]+ events · ● ([\d,]+) alive · .*· complete`)
	storyRow       = regexp.MustCompile(`^([● ]) (\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s`)
	storyTotalsRow = regexp.MustCompile(`^  (.+?)\s+([\d,]+)\s+([\d,]+)\s+(\S+)\s+(\d+\.\d)%`)
	storyUnitPrice = regexp.MustCompile(`× \$([\d.]+)/h = \$([\d,]+\.\d\d)`)
)

// storyOneLine is the screen with its lines joined, so that a title wrapped at
// the width reads as one.
func storyOneLine(screen string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(screen, "\n", " ")), " ")
}

// storyCheckRows reads the rows on screen: alive ones first, each the
// pairing's resource with its creator; with prices, the costliest first,
// and the selected one's estimate its unit price times the hours the
// pairing counts.
func storyCheckRows(t *testing.T, screen string, want *storyLedger, end time.Time, priced bool) {
	t.Helper()
	rows, seenDeleted := 0, false
	lastCost := math.Inf(1)
	for _, line := range storyTable(screen, "TYPE") {
		m := storyRow.FindStringSubmatch(line)
		if m == nil {
			break // the selected row's description
		}
		rows++
		alive := m[1] == "●"
		r := want.byShownID(m[3])
		if r == nil {
			t.Errorf("the row %q is no resource of the demo's", line)
			continue
		}
		if alive != r.alive {
			t.Errorf("%s is shown alive=%v; its delete seen: %v", r.id, alive, !r.alive)
		}
		if seenDeleted && alive {
			t.Errorf("an alive row after a deleted one: %q", line)
		}
		seenDeleted = seenDeleted || !alive
		if creator := strings.TrimSuffix(m[4], "…"); !strings.HasPrefix(r.creator, creator) {
			t.Errorf("%s is shown created by %q; the record says %q", r.id, m[4], r.creator)
		}
		if cost := storyDollars(line); priced && alive && cost >= 0 {
			if cost > lastCost+0.005 {
				t.Errorf("%s costs %.2f, more than the row above (%.2f): not costliest first", r.id, cost, lastCost)
			}
			lastCost = cost
		}
	}
	if rows < 5 {
		t.Errorf("only %d ledger rows on screen:\n%s", rows, screen)
	}
	if !priced {
		return
	}
	// The selected row (the costliest alive) says how its estimate was
	// reached: check the hours against the pairing's.
	m := storyUnitPrice.FindStringSubmatch(storyOneLine(screen))
	if m == nil {
		t.Errorf("the selected row does not say its unit price:\n%s", screen)
		return
	}
	first := storyFirstRow(screen)
	r := want.byShownID(first)
	price, _ := strconv.ParseFloat(m[1], 64)
	cost, _ := strconv.ParseFloat(strings.ReplaceAll(m[2], ",", ""), 64)
	if r == nil || !r.createdOnly {
		t.Logf("the costliest row %q was started or stopped: its hours are not checked", first)
		return
	}
	hours := end.Sub(r.created).Hours()
	// The query ends when it was opened, seconds after the minute the
	// status bar shows: a few cents at most.
	if math.Abs(price*hours-cost) > price*0.1+0.01 {
		t.Errorf("%s: $%.4f/h × %.1f h is $%.2f; the view says $%.2f", r.id, price, hours, price*hours, cost)
	}
}

func storyFirstRow(screen string) string {
	for _, line := range storyTable(screen, "TYPE") {
		if m := storyRow.FindStringSubmatch(line); m != nil {
			return m[3]
		}
	}
	return ""
}

// storyTable are the lines under the header that names column, up to the
// first blank one.
func storyTable(screen, column string) []string {
	var out []string
	in := false
	for _, line := range strings.Split(screen, "\n") {
		switch {
		case !in:
			in = strings.HasPrefix(strings.TrimSpace(line), column+" ")
		case strings.TrimSpace(line) == "":
			return out
		default:
			out = append(out, line)
		}
	}
	return out
}

var storyDollarRE = regexp.MustCompile(`\$([\d,]+\.\d\d)\s*$`)

// storyDollars is a row's estimate, -1 when it has none.
func storyDollars(line string) float64 {
	m := storyDollarRE.FindStringSubmatch(line)
	if m == nil {
		return -1
	}
	v, _ := strconv.ParseFloat(strings.ReplaceAll(m[1], ",", ""), 64)
	return v
}

// storyCheckTotals reads the totals by creator: each creator's resources and
// alive ones are the pairing's.
func storyCheckTotals(t *testing.T, screen string, want *storyLedger, priced bool) {
	t.Helper()
	byCreator := map[string][2]int{}
	for _, r := range want.rows {
		c := byCreator[r.creator]
		c[0]++
		if r.alive {
			c[1]++
		}
		byCreator[r.creator] = c
	}
	n := 0
	for _, line := range storyTable(screen, "CREATOR") {
		m := storyTotalsRow.FindStringSubmatch(line)
		if m == nil {
			break // the info line: the body is full
		}
		n++
		shown, _, _ := strings.Cut(strings.TrimSuffix(m[1], "…"), " via ")
		var match []string
		for c := range byCreator {
			if strings.HasPrefix(c, shown) {
				match = append(match, c)
			}
		}
		if len(match) != 1 {
			t.Errorf("the creator %q is %d of the demo's (%v)", m[1], len(match), match)
			continue
		}
		c := byCreator[match[0]]
		if res, alive := atoiCommas(t, m[2]), atoiCommas(t, m[3]); res != c[0] || alive != c[1] {
			t.Errorf("%s: %d resources, %d alive on screen; the pairing counts %d and %d", match[0], res, alive, c[0], c[1])
		}
	}
	if n < 3 && n < len(byCreator) {
		t.Errorf("only %d creators on screen, of %d:\n%s", n, len(byCreator), screen)
	}
	if priced && !strings.Contains(screen, "█") {
		t.Errorf("no creator has a bar of the bill:\n%s", screen)
	}
}

// storyLedger is the test's own pairing of the demo's write events.
type storyLedger struct {
	rows  map[string]*storyResource
	alive int
}

type storyResource struct {
	id, typ, creator string
	created          time.Time
	alive            bool
	createdOnly      bool // no start, stop or modify seen: its hours run from its creation to the end
}

// byShownID finds a resource by the id as the list shows it: an ARN from
// its resource part, cut with … at the column's width.
func (d *storyLedger) byShownID(shown string) *storyResource {
	shown = strings.TrimSuffix(shown, "…")
	var found *storyResource
	for _, r := range d.rows {
		id := r.id
		if strings.HasPrefix(id, "arn:") {
			if parts := strings.SplitN(id, ":", 6); len(parts) == 6 {
				id = parts[5]
			}
		}
		if strings.HasPrefix(id, shown) {
			if found != nil {
				return nil // ambiguous
			}
			found = r
		}
	}
	return found
}

// storyCall is where a call's record names the resources it acts on.
type storyCall struct {
	role string // create, delete, touch (start, stop, modify)
	typ  string
	path string // dotted; [] walks an array
}

// storyCalls is written from CloudTrail's record shapes of each call (AWS's
// documented examples and ../shared/datasets), independently of
// model.LedgerRules.
var storyCalls = map[string][]storyCall{
	"RunInstances":                          {{"create", "instance", "responseElements.instancesSet.items[].instanceId"}},
	"TerminateInstances":                    {{"delete", "instance", "requestParameters.instancesSet.items[].instanceId"}},
	"StartInstances":                        {{"touch", "instance", "requestParameters.instancesSet.items[].instanceId"}},
	"StopInstances":                         {{"touch", "instance", "requestParameters.instancesSet.items[].instanceId"}},
	"ModifyInstanceAttribute":               {{"touch", "instance", "requestParameters.instanceId"}},
	"CreateVolume":                          {{"create", "volume", "responseElements.volumeId"}},
	"DeleteVolume":                          {{"delete", "volume", "requestParameters.volumeId"}},
	"CreateSnapshot":                        {{"create", "snapshot", "responseElements.snapshotId"}},
	"CopySnapshot":                          {{"create", "snapshot", "responseElements.snapshotId"}},
	"DeleteSnapshot":                        {{"delete", "snapshot", "requestParameters.snapshotId"}},
	"CreateImage":                           {{"create", "image", "responseElements.imageId"}},
	"RegisterImage":                         {{"create", "image", "responseElements.imageId"}},
	"CopyImage":                             {{"create", "image", "responseElements.imageId"}},
	"DeregisterImage":                       {{"delete", "image", "requestParameters.imageId"}},
	"AllocateAddress":                       {{"create", "eip", "responseElements.allocationId"}},
	"ReleaseAddress":                        {{"delete", "eip", "requestParameters.allocationId"}},
	"CreateNatGateway":                      {{"create", "nat", "responseElements.CreateNatGatewayResponse.natGateway.natGatewayId"}},
	"DeleteNatGateway":                      {{"delete", "nat", "requestParameters.DeleteNatGatewayRequest.NatGatewayId"}},
	"CreateSecurityGroup":                   {{"create", "sg", "responseElements.groupId"}},
	"DeleteSecurityGroup":                   {{"delete", "sg", "requestParameters.groupId"}},
	"AuthorizeSecurityGroupIngress":         {{"touch", "sg", "requestParameters.groupId"}},
	"RevokeSecurityGroupIngress":            {{"touch", "sg", "requestParameters.groupId"}},
	"AuthorizeSecurityGroupEgress":          {{"touch", "sg", "requestParameters.groupId"}},
	"RevokeSecurityGroupEgress":             {{"touch", "sg", "requestParameters.groupId"}},
	"CreateLoadBalancer":                    {{"create", "lb", "responseElements.loadBalancers[].loadBalancerArn"}},
	"DeleteLoadBalancer":                    {{"delete", "lb", "requestParameters.loadBalancerArn"}},
	"CreateDBInstance":                      {{"create", "rds", "requestParameters.dBInstanceIdentifier"}},
	"DeleteDBInstance":                      {{"delete", "rds", "requestParameters.dBInstanceIdentifier"}},
	"StartDBInstance":                       {{"touch", "rds", "requestParameters.dBInstanceIdentifier"}},
	"StopDBInstance":                        {{"touch", "rds", "requestParameters.dBInstanceIdentifier"}},
	"ModifyDBInstance":                      {{"touch", "rds", "requestParameters.dBInstanceIdentifier"}},
	"CreateBucket":                          {{"create", "bucket", "requestParameters.bucketName"}},
	"DeleteBucket":                          {{"delete", "bucket", "requestParameters.bucketName"}},
	"CreateFunction20150331":                {{"create", "lambda", "responseElements.functionName"}},
	"DeleteFunction20150331":                {{"delete", "lambda", "requestParameters.functionName"}},
	"UpdateFunctionConfiguration20150331v2": {{"touch", "lambda", "responseElements.functionName"}},
	"CreateTable":                           {{"create", "table", "responseElements.tableDescription.tableName"}},
	"DeleteTable":                           {{"delete", "table", "requestParameters.tableName"}},
	"CreateCluster":                         {{"create", "eks", "requestParameters.name"}},
	"DeleteCluster":                         {{"delete", "eks", "requestParameters.name"}},
	"CreateUser":                            {{"create", "iam-user", "requestParameters.userName"}},
	"DeleteUser":                            {{"delete", "iam-user", "requestParameters.userName"}},
	"CreateAccessKey":                       {{"create", "iam-key", "responseElements.accessKey.accessKeyId"}},
	"DeleteAccessKey":                       {{"delete", "iam-key", "requestParameters.accessKeyId"}},
	"UpdateAccessKey":                       {{"touch", "iam-key", "requestParameters.accessKeyId"}},
}

// storySources keeps a call to its service: CreateCluster is EKS's here,
// not ECS's or Redshift's; CreateLoadBalancer ELB v2's (v1 names no ARN).
var storySources = map[string]string{
	"instance": "ec2", "volume": "ec2", "snapshot": "ec2", "image": "ec2", "eip": "ec2", "nat": "ec2", "sg": "ec2",
	"lb": "elasticloadbalancing", "rds": "rds", "bucket": "s3", "lambda": "lambda", "table": "dynamodb", "eks": "eks",
	"iam-user": "iam", "iam-key": "iam",
}

// storyPairing pairs the demo's successful write events in [start, end]: a
// resource per account, region (none for IAM and S3, which are global)
// and id; alive when no delete was seen.
func storyPairing(t *testing.T, ds *localtrail.Dataset, start, end time.Time) *storyLedger {
	t.Helper()
	d := &storyLedger{rows: map[string]*storyResource{}}
	for _, region := range ds.Regions() {
		evs := ds.Events(region)
		for i := range evs {
			e := &evs[i]
			calls := storyCalls[e.Name]
			if len(calls) == 0 || e.Time.Before(start) || e.Time.After(end) {
				continue
			}
			var rec map[string]any
			if err := json.Unmarshal([]byte(e.Raw), &rec); err != nil {
				t.Fatalf("a demo record does not parse: %v", err)
			}
			if ro, _ := rec["readOnly"].(bool); ro || rec["readOnly"] == nil || rec["errorCode"] != nil {
				continue
			}
			src, _ := rec["eventSource"].(string)
			ident, _ := rec["userIdentity"].(map[string]any)
			account, _ := rec["recipientAccountId"].(string)
			if account == "" {
				account, _ = ident["accountId"].(string)
			}
			typ, _ := ident["type"].(string)
			arn, _ := ident["arn"].(string)
			userName, _ := ident["userName"].(string)
			for _, c := range calls {
				if src != storySources[c.typ]+".amazonaws.com" {
					continue
				}
				for _, id := range storyPath(rec, strings.Split(c.path, ".")) {
					place := region
					if c.typ == "bucket" || strings.HasPrefix(c.typ, "iam") {
						place = ""
					}
					key := fmt.Sprint(account, "|", place, "|", c.typ, "|", id)
					r := d.rows[key]
					if r == nil {
						r = &storyResource{id: id, typ: c.typ, creator: "(creation not seen)", alive: true, createdOnly: true}
						d.rows[key] = r
					}
					switch c.role {
					case "create":
						r.creator, r.created = lookupUsername(typ, arn, userName), e.Time
					case "delete":
						r.alive = false
					default:
						r.createdOnly = false
					}
				}
			}
		}
	}
	for _, r := range d.rows {
		if r.alive {
			d.alive++
		}
	}
	if len(d.rows) == 0 {
		t.Fatal("the demo creates, changes or deletes no resource")
	}
	return d
}

// storyPath is every string (or number) at path in v; "x[]" walks the
// array x.
func storyPath(v any, path []string) []string {
	if len(path) == 0 {
		switch v := v.(type) {
		case string:
			if v != "" {
				return []string{v}
			}
		case float64:
			return []string{strconv.FormatFloat(v, 'f', -1, 64)}
		}
		return nil
	}
	name, walk := strings.CutSuffix(path[0], "[]")
	obj, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	next := obj[name]
	if !walk {
		return storyPath(next, path[1:])
	}
	list, _ := next.([]any)
	var out []string
	for _, el := range list {
		out = append(out, storyPath(el, path[1:])...)
	}
	return out
}
