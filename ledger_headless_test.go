package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"lazytrail/fetch/athena"
	"lazytrail/fetch/localtrail"
	"lazytrail/fetch/memory"
	"lazytrail/model"
)

// runLedgerCommand runs the whole program in-process, as a user would.
func runLedgerCommand(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	code = run(ctx, args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// demoLedger runs --demo --view resources --print FORMAT over a range the
// test fixes, with extra flags, and returns the demo account's records as
// the endpoint served them (the dataset of the same minute) and the range.
func demoLedger(t *testing.T, format string, extra ...string) (stdout string, records []pairRecord, since, until time.Time) {
	t.Helper()
	for attempt := 0; ; attempt++ {
		if time.Now().Second() == 0 {
			time.Sleep(time.Second) // --until must come after the minute the demo ends at
		}
		end := time.Now().UTC().Truncate(time.Minute) // what --demo builds its account for
		until = time.Now().UTC().Truncate(time.Second)
		since = until.Add(-89 * 24 * time.Hour)
		args := append([]string{"--demo", "--view", "resources", "--print", format,
			"--since", since.Format(time.RFC3339), "--until", until.Format(time.RFC3339)}, extra...)
		code, out, errOut := runLedgerCommand(t, args...)
		if !time.Now().UTC().Truncate(time.Minute).Equal(end) && attempt < 3 {
			continue // the minute turned: the demo may have been built for the next
		}
		if code != exitOK {
			t.Fatalf("%q: exit %d, stderr:\n%s", args, code, errOut)
		}
		ds := localtrail.Demo(end)
		for _, r := range ds.Regions() {
			for _, e := range ds.Events(r) {
				records = append(records, pairRecord{raw: e.Raw, username: e.Username})
			}
		}
		return out, records, since, until
	}
}

// --demo --view resources --print jsonl is the test's own pairing of the
// demo account's raw records, row for row and field for field.
func TestLedgerDemoJSONLEqualsPairing(t *testing.T) {
	out, records, since, until := demoLedger(t, "jsonl", "--no-prices")
	lines, err := decodeLedgerLines(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := pairLedger(records, since, until)
	if err != nil {
		t.Fatal(err)
	}
	compareLedger(t, lines, want, true)

	// Alive first, then the newest created first.
	for i := 1; i < len(lines); i++ {
		a, b := &lines[i-1], &lines[i]
		ta, _ := lineTime(a.CreatedTime)
		tb, _ := lineTime(b.CreatedTime)
		if !a.Alive && b.Alive || a.Alive == b.Alive && ta.Before(tb) {
			t.Errorf("row %d (%s, alive %v, created %s) is before row %d (%s, alive %v, created %s)",
				i-1, a.ResourceID, a.Alive, a.CreatedTime, i, b.ResourceID, b.Alive, b.CreatedTime)
			break
		}
	}
	// The story the issue names, read off the dataset's constants rather
	// than the table: adam's Terraform t3.medium, still running.
	adam := findLine(lines, localtrail.DemoAdamInstance)
	if adam == nil || !adam.Alive || adam.CreatedBy != "adam" || adam.Size != "t3.medium" || adam.Region != "eu-west-1" ||
		adam.ResourceType != "AWS::EC2::Instance" || !strings.Contains(adam.UserAgent, "Terraform") || adam.RunningHours < 20*24 {
		t.Errorf("adam's instance: %+v", adam)
	}
	// Every type the rules know is in the demo, created (and for most,
	// deleted) by its stories.
	types := map[string]bool{}
	for i := range lines {
		types[lines[i].ResourceType] = true
	}
	for _, r := range model.LedgerRules {
		if !types[r.Type] {
			t.Errorf("no %s in the demo's ledger", r.Type)
		}
	}
	for i := range lines {
		if lines[i].EstimatedCostUSD != nil || !strings.Contains(lines[i].CostNote, "--no-prices") && !strings.Contains(lines[i].CostNote, "billed by use") &&
			!strings.Contains(lines[i].CostNote, "size was not recorded") {
			t.Errorf("with --no-prices, %s has cost %v, note %q", lines[i].ResourceID, lines[i].EstimatedCostUSD, lines[i].CostNote)
		}
	}
	t.Logf("%d rows, %d alive, from %d records", len(lines), countAlive(lines), len(records))
}

// Priced through the local endpoint's GetProducts (the real SDK client):
// the stories cost their real on-demand prices × the hours, every
// row of a type with an hourly price has one, and the rest say why not.
func TestLedgerDemoPriced(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // --demo keeps its prices in memory: nothing may be written
	out, _, _, _ := demoLedger(t, "jsonl")
	lines, err := decodeLedgerLines(out)
	if err != nil {
		t.Fatal(err)
	}
	// us-east-1's published on-demand prices, as the Price List gives them.
	for _, c := range []struct {
		id   string
		cost func(hours float64) float64
	}{
		{localtrail.DemoForgottenGPU, func(h float64) float64 { return 1.212 * h }},            // g5.2xlarge, us-west-2
		{localtrail.DemoAdamInstance, func(h float64) float64 { return 0.0456 * h }},           // t3.medium, eu-west-1
		{localtrail.DemoOrphanVolume, func(h float64) float64 { return 0.08 * 500 * h / 730 }}, // gp3 500 GiB, us-west-2
		{localtrail.DemoNATGateway, func(h float64) float64 { return 0.045 * h }},              // us-east-1
		{localtrail.DemoDeletedRDSInstance, func(h float64) float64 { return -1 }},             // resized: checked below
		{localtrail.DemoIdleEIP, func(h float64) float64 { return 0.005 * h }},                 // public IPv4, us-east-1
	} {
		l := findLine(lines, c.id)
		switch want := 0.0; {
		case l == nil:
			t.Errorf("no row for %s", c.id)
		case l.EstimatedCostUSD == nil:
			t.Errorf("%s (%s, %s): no estimate: %s", c.id, l.Size, l.Region, l.CostNote)
		case c.cost(1) < 0:
		case math.Abs(*l.EstimatedCostUSD-c.cost(l.RunningHours)) > 1e-6*(1+c.cost(l.RunningHours)):
			want = c.cost(l.RunningHours)
			t.Errorf("%s (%s, %s, %.2f h): $%v, want $%v", c.id, l.Size, l.Region, l.RunningHours, *l.EstimatedCostUSD, want)
		}
	}
	// One unit price per type, region and size: the rows' costs over their
	// hours (and GiB) agree.
	unit := map[string]float64{}
	for i := range lines {
		l := &lines[i]
		rule := ledgerRuleOf(l.ResourceType)
		switch {
		case rule.Cost == model.CostNone:
			if l.EstimatedCostUSD != nil || l.CostNote != "no hourly price: billed by use" {
				t.Errorf("%s is billed by use, yet: %v, %q", l.ResourceID, l.EstimatedCostUSD, l.CostNote)
			}
		case l.Size == "" && rule.Cost != model.CostEKSCluster:
			// Created before the range: its type was never seen.
			if l.EstimatedCostUSD != nil || !strings.Contains(l.CostNote, "size was not recorded") {
				t.Errorf("%s has no size, yet: %v, %q", l.ResourceID, l.EstimatedCostUSD, l.CostNote)
			}
		case l.EstimatedCostUSD == nil:
			t.Errorf("%s (%s %s in %s) has no estimate: %s", l.ResourceID, l.ResourceType, l.Size, l.Region, l.CostNote)
		case l.RunningHours > 0:
			per := *l.EstimatedCostUSD / l.RunningHours
			if rule.Cost == model.CostEBSVolume {
				var gib float64
				fmt.Sscanf(strings.Fields(l.Size)[1], "%g", &gib)
				per = per / gib * 730
			}
			k := l.ResourceType + " " + l.Region + " " + l.Size
			if p, ok := unit[k]; ok && math.Abs(p-per) > 1e-9 {
				t.Errorf("%s: $%v an hour, another %s $%v", l.ResourceID, per, k, p)
			}
			unit[k] = per
		}
	}
	t.Logf("unit prices: %v", unit)
}

func ledgerRuleOf(typ string) *model.LedgerRule {
	for i := range model.LedgerRules {
		if model.LedgerRules[i].Type == typ {
			return &model.LedgerRules[i]
		}
	}
	return &model.LedgerRule{}
}

// compareLedger fails on a missing, extra or different row.
func compareLedger(t *testing.T, lines []ledgerLine, want map[pairKey]*pairRow, hours bool) {
	t.Helper()
	got := map[pairKey]*ledgerLine{}
	for i := range lines {
		k := lines[i].key()
		if got[k] != nil {
			t.Errorf("two rows for %s", k)
		}
		got[k] = &lines[i]
	}
	for k, w := range want {
		l := got[k]
		if l == nil {
			t.Errorf("no row for %s (created by %q at %s, %d events)", k, w.createdBy, w.createdTime, w.events)
			continue
		}
		if diffs := lineDiffs(l, w, hours); len(diffs) > 0 {
			t.Errorf("%s: %s", k, strings.Join(diffs, "; "))
		}
	}
	for k := range got {
		if want[k] == nil {
			t.Errorf("row %s pairs nothing the records name", k)
		}
	}
}

func findLine(lines []ledgerLine, id string) *ledgerLine {
	for i := range lines {
		if lines[i].ResourceID == id {
			return &lines[i]
		}
	}
	return nil
}

func countAlive(lines []ledgerLine) int {
	n := 0
	for i := range lines {
		if lines[i].Alive {
			n++
		}
	}
	return n
}

// The real records of ../shared/datasets through --records: every row the
// ledger prints is one the test's own pairing makes, with the same
// creator, times, size and hours, and none is missing.
func TestLedgerRecordsDatasetsPairRight(t *testing.T) {
	dir := filepath.Join("..", "shared", "datasets")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("no shared datasets here")
	}
	var records []pairRecord
	names := map[string]bool{}
	for _, n := range ledgerEventNames() {
		names[n] = true
	}
	var first, last time.Time
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		body, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var raws []json.RawMessage
		if err := json.Unmarshal(body, &raws); err != nil {
			t.Logf("%s: not a JSON array of records: %v", p, err)
			return nil
		}
		for _, raw := range raws {
			var head struct {
				EventName    string
				EventTime    time.Time
				UserIdentity recordIdentity
			}
			if err := json.Unmarshal(raw, &head); err != nil {
				return err
			}
			records = append(records, pairRecord{raw: string(raw), username: head.UserIdentity.username()})
			// Without --since and --until the range is the first to the
			// last event the ledger read: those the rules name.
			if names[head.EventName] {
				if first.IsZero() || head.EventTime.Before(first) {
					first = head.EventTime
				}
				if head.EventTime.After(last) {
					last = head.EventTime
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runLedgerCommand(t, "--records", dir, "--view", "resources", "--print", "jsonl", "--no-prices")
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	lines, err := decodeLedgerLines(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := pairLedger(records, first, last.Add(time.Nanosecond))
	if err != nil {
		t.Fatal(err)
	}
	if len(want) < 5 {
		t.Fatalf("the pairing found %d resources in %d records: are the datasets still there?", len(want), len(records))
	}
	compareLedger(t, lines, want, true)
	t.Logf("%d rows from %d records", len(lines), len(records))
}

// recordIdentity is the userIdentity as the test derives the user name
// the list shows from it.
type recordIdentity struct {
	Type, UserName, ARN, PrincipalID string
}

func (id recordIdentity) username() string {
	after := func(marker string) string {
		_, rest, _ := strings.Cut(id.ARN, marker)
		return rest
	}
	switch id.Type {
	case "Root":
		return "root"
	case "AssumedRole":
		if parts := strings.Split(after(":assumed-role/"), "/"); len(parts) >= 2 {
			return parts[len(parts)-1]
		}
	case "FederatedUser":
		if name := after(":federated-user/"); name != "" {
			return name
		}
	case "IAMUser":
		if id.UserName == "" {
			parts := strings.Split(after(":user/"), "/")
			return parts[len(parts)-1]
		}
	}
	return id.UserName
}

// json and csv carry the same rows as jsonl; table one line per row.
func TestLedgerFormatsAgree(t *testing.T) {
	dir := t.TempDir()
	writeLedgerRecords(t, dir)
	args := func(format string) []string {
		return []string{"--records", dir, "--view", "resources", "--print", format, "--no-prices"}
	}
	code, jsonl, errOut := runLedgerCommand(t, args("jsonl")...)
	if code != exitOK {
		t.Fatalf("jsonl: exit %d: %s", code, errOut)
	}
	lines, err := decodeLedgerLines(jsonl)
	if err != nil || len(lines) != 3 {
		t.Fatalf("jsonl: %d rows, %v:\n%s", len(lines), err, jsonl)
	}

	_, js, _ := runLedgerCommand(t, args("json")...)
	var array []ledgerLine
	if err := json.Unmarshal([]byte(js), &array); err != nil || !slices.EqualFunc(array, lines, func(a, b ledgerLine) bool {
		return a.key() == b.key() && a.RunningHours == b.RunningHours && a.CostNote == b.CostNote
	}) {
		t.Errorf("json is not jsonl's rows as an array (%v):\n%s", err, js)
	}

	_, c, _ := runLedgerCommand(t, args("csv")...)
	recs, err := csv.NewReader(strings.NewReader(c)).ReadAll()
	if err != nil || len(recs) != 1+len(lines) || recs[0][0] != "resourceId" {
		t.Errorf("csv: a header and %d rows wanted (%v):\n%s", len(lines), err, c)
	}
	for i := 1; err == nil && i < len(recs); i++ {
		if recs[i][0] != lines[i-1].ResourceID {
			t.Errorf("csv row %d is %s, jsonl's %s", i, recs[i][0], lines[i-1].ResourceID)
		}
	}

	_, table, _ := runLedgerCommand(t, args("table")...)
	for _, l := range lines {
		if !strings.Contains(table, l.ResourceID) {
			t.Errorf("the table lacks %s:\n%s", l.ResourceID, table)
		}
	}
	// eve's name carries an escape sequence: no format lets it reach a
	// terminal, and the JSON formats keep it, escaped.
	for name, out := range map[string]string{"jsonl": jsonl, "json": js, "csv": c, "table": table} {
		if strings.ContainsFunc(out, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r == 0x7f }) {
			t.Errorf("%s carries a control character:\n%q", name, out)
		}
	}
	if eve := findLine(lines, "i-0aaa"); eve == nil || eve.CreatedBy != "eve\x1b[31m" {
		t.Errorf("jsonl must keep the name as recorded, escaped: %+v", eve)
	}

	// --limit cuts the rows, alive first.
	_, cut, _ := runLedgerCommand(t, append(args("jsonl"), "--limit", "1")...)
	if cl, err := decodeLedgerLines(cut); err != nil || len(cl) != 1 || cl[0].key() != lines[0].key() {
		t.Errorf("--limit 1: %v\n%s", err, cut)
	}
}

// writeLedgerRecords writes a small trail file: an instance launched and
// left running by a name with an escape sequence in it, a volume created
// and deleted, and a failed RunInstances that creates nothing.
func writeLedgerRecords(t *testing.T, dir string) {
	t.Helper()
	rec := func(at, name, source, user, params, response, errCode string) string {
		r := map[string]any{
			"eventVersion": "1.09", "eventTime": at, "eventName": name, "eventSource": source, "awsRegion": "eu-west-1",
			"eventID": "ev-" + name + "-" + at, "recipientAccountId": "111122223333", "readOnly": false, "eventType": "AwsApiCall",
			"userIdentity":      map[string]any{"type": "IAMUser", "userName": user, "arn": "arn:aws:iam::111122223333:user/" + user, "accountId": "111122223333"},
			"userAgent":         "aws-cli/2.15",
			"requestParameters": json.RawMessage(params), "responseElements": json.RawMessage(response),
		}
		if errCode != "" {
			r["errorCode"] = errCode
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	records := []string{
		rec("2026-11-01T10:00:00Z", "RunInstances", "ec2.amazonaws.com", "eve\x1b[31m", `{"instanceType":"m5.large"}`,
			`{"instancesSet":{"items":[{"instanceId":"i-0aaa","instanceType":"m5.large"},{"instanceId":"i-0bbb","instanceType":"m5.large"}]}}`, ""),
		rec("2026-11-01T11:00:00Z", "CreateVolume", "ec2.amazonaws.com", "adam", `{"size":100}`, `{"volumeId":"vol-0ccc","size":100,"volumeType":"gp3"}`, ""),
		rec("2026-11-01T12:00:00Z", "DeleteVolume", "ec2.amazonaws.com", "adam", `{"volumeId":"vol-0ccc"}`, `null`, ""),
		rec("2026-11-01T13:00:00Z", "RunInstances", "ec2.amazonaws.com", "adam", `{"instanceType":"p5.48xlarge"}`, `null`, "Client.UnauthorizedOperation"),
		rec("2026-11-02T10:00:00Z", "StopInstances", "ec2.amazonaws.com", "adam", `{"instancesSet":{"items":[{"instanceId":"i-0bbb"}]}}`, `null`, ""),
	}
	body := `{"Records":[` + strings.Join(records, ",") + `]}`
	if err := os.WriteFile(filepath.Join(dir, "trail.json"), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Every misuse of --view and --no-prices is one line and exit 2.
func TestLedgerBadFlagsGiveOneLine(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--demo", "--view", "resources"}, "--view resources prints the resource ledger: add --print table"},
		{[]string{"--demo", "--view", "resource", "--print", "jsonl"}, `--view "resource" is not a view: use events or resources`},
		{[]string{"--demo", "--view", "", "--print", "jsonl"}, `--view "" is not a view`},
		{[]string{"--demo", "--no-prices", "--print", "jsonl"}, "--no-prices is for the resource ledger"},
		{[]string{"--demo", "--view", "resources", "--print", "yaml"}, `--print "yaml" is not a format`},
		{[]string{"--demo", "--view", "resources", "--limit", "3"}, "--view resources prints the resource ledger"},
	} {
		code, out, errOut := runLedgerCommand(t, c.args...)
		if code != exitUsage || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2 and one line with %q", c.args, code, out, errOut, c.want)
		}
	}
	for _, args := range [][]string{
		{"--demo", "--no-prices"},      // the TUI without prices
		{"--demo", "--view", "events"}, // the default, said
		{"--demo", "--view", "resources", "--print", "csv", "--no-prices", "--limit", "5"},
	} {
		if _, err := parseArgs(args, &bytes.Buffer{}, testNow); err != nil {
			t.Errorf("%q: %v", args, err)
		}
	}
}

// The ledger narrows the stream to the calls the rules name, and nothing
// a rule names is left out.
func TestLedgerFilterNamesEveryRuleCall(t *testing.T) {
	f := ledgerFilter("user:adam")
	if f.Err() != "" {
		t.Fatal(f.Err())
	}
	for _, r := range model.LedgerRules {
		for _, calls := range [][]model.LedgerCall{r.Create, r.Delete, r.Start, r.Stop, r.Modify} {
			for _, c := range calls {
				e := model.Event{Name: c.Event, Source: r.Source, Username: "adam"}
				if !f.Match(&e) {
					t.Errorf("the ledger's filter drops %s", c.Event)
				}
				e.Name += "Permission"
				if f.Match(&e) {
					t.Errorf("the ledger's filter keeps %s, which no rule names", e.Name)
				}
			}
		}
	}
	if e := (model.Event{Name: "RunInstances", Username: "eve"}); f.Match(&e) {
		t.Error("the user's own filter was dropped")
	}
	// Athena compiles the narrowed filter into the ledger's one query
	// (the event names an IN list) rather than refusing it.
	for _, user := range []string{"", "user:adam region:eu-west-1 -err"} {
		q := athena.Query{Table: athena.Table{Name: "trails.cloudtrail"}, Filter: ledgerFilter(user), Since: testNow.Add(-time.Hour), Until: testNow}
		if sql, err := athena.CompileLedger(q); err != nil || !strings.Contains(sql, "'TerminateInstances'") {
			t.Errorf("%q: the ledger's SQL: %v\n%s", user, err, sql)
		}
	}
}

// The README's rules table is model.LedgerRules, row for row: the test
// prints the table it expects, to paste when a rule changes.
func TestReadmeLedgerRules(t *testing.T) {
	var want []string
	for _, r := range model.LedgerRules {
		want = append(want, ledgerRuleLine(&r))
	}
	section := readmeSection(t, "### The pairing rules")
	var got []string
	for _, line := range strings.Split(section, "\n") {
		if strings.HasPrefix(line, "| `AWS::") {
			got = append(got, line)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("the README's rules table is not model.LedgerRules; it should read:\n%s", strings.Join(want, "\n"))
	}
}

// ledgerRuleLine is one rule as a row of the README's table.
func ledgerRuleLine(r *model.LedgerRule) string {
	calls := func(cs []model.LedgerCall, withID bool) string {
		var out []string
		for _, c := range cs {
			s := "`" + c.Event + "`"
			if withID {
				s += " `" + c.ID + "`"
			}
			out = append(out, s)
		}
		if len(out) == 0 {
			return "—"
		}
		return strings.Join(out, ", ")
	}
	sizes := func(cs []model.LedgerCall) string {
		var out []string
		for _, c := range cs {
			if len(c.Size) == 0 {
				continue
			}
			s := "`" + strings.Join(c.Size, "` `") + "`"
			if c.Unit != "" {
				s += " " + c.Unit
			}
			out = append(out, s)
		}
		if len(out) == 0 {
			return "—"
		}
		return strings.Join(out, "; ")
	}
	startStop := "—"
	if len(r.Start)+len(r.Stop) > 0 {
		startStop = calls(r.Start, false) + " / " + calls(r.Stop, false)
	}
	cost := "billed by use: no estimate"
	if r.Cost != model.CostNone {
		cost = "`" + string(r.Cost) + "`, per hour "
		if r.Cost == model.CostEBSVolume {
			cost = "`" + string(r.Cost) + "`, per GB-month "
		}
		if r.Running {
			cost += "running"
		} else {
			cost += "it exists"
		}
	}
	return "| `" + r.Type + "` | " + calls(r.Create, true) + " | " + calls(r.Delete, true) + " | " + startStop + " | " +
		calls(r.Modify, true) + " | " + sizes(append(slices.Clone(r.Create), r.Modify...)) + " | " + cost + " |"
}

// A region that fails leaves its resources out and says so: the rows of
// the others print and the run exits 3; with every region failed, nothing
// prints and it exits 1, as --print does for events.
func TestLedgerFailedRegionsExitAsEventsDo(t *testing.T) {
	now := time.Now().UTC()
	events := privilegeLedgerEvents(t, now)
	moved := strings.ReplaceAll(events[1].Raw, `"awsRegion":"eu-west-1"`, `"awsRegion":"us-east-1"`)
	e, err := model.FromRecord(moved)
	if err != nil {
		t.Fatal(err)
	}
	events[1] = e
	srv := localtrail.New(localtrail.NewDataset(events), localtrail.Options{Quota: -1})
	url, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	args := []string{"--endpoint-url", url, "--region", "eu-west-1,us-east-1", "--view", "resources", "--print", "jsonl", "--no-prices", "--since", "2h", "--rate", "50"}

	srv.SetFault("us-east-1", localtrail.Fault{AccessDenied: true})
	code, out, errOut := runLedgerCommand(t, args...)
	lines, err := decodeLedgerLines(out)
	if code != exitPartial || err != nil || len(lines) != 1 || lines[0].ResourceID != "i-0priv0000000000001" || !strings.Contains(errOut, "us-east-1 failed") {
		t.Errorf("one region denied: exit %d, %d rows (%v), stderr %q; want exit 3, the instance of eu-west-1, us-east-1 named", code, len(lines), err, errOut)
	}

	srv.SetFault("eu-west-1", localtrail.Fault{AccessDenied: true})
	code, out, errOut = runLedgerCommand(t, args...)
	if code != exitFailed || out != "" || !strings.Contains(errOut, "nothing was fetched") {
		t.Errorf("every region denied: exit %d, stdout %q, stderr %q; want exit 1 and nothing printed", code, out, errOut)
	}
}

// Interrupted before the stream ends, the ledger would be wrong: nothing
// is printed, one line says so, exit 3.
func TestLedgerInterruptedPrintsNothing(t *testing.T) {
	srv := localtrail.New(localtrail.NewDataset(privilegeLedgerEvents(t, time.Now().UTC())), localtrail.Options{Quota: -1, Latency: time.Minute})
	url, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for srv.Stats("eu-west-1").Requests == 0 {
			time.Sleep(10 * time.Millisecond)
		}
		cancel() // as ctrl+c does, once a request is waiting
	}()
	var out, errOut bytes.Buffer
	code := run(ctx, []string{"--endpoint-url", url, "--region", "eu-west-1", "--view", "resources", "--print", "jsonl", "--no-prices", "--since", "2h"}, &out, &errOut)
	if code != exitPartial || out.Len() != 0 || !strings.Contains(errOut.String(), "interrupted") {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 3, nothing printed, one line saying so", code, out.String(), errOut.String())
	}
}

// ledgerMemory is an in-memory source that pairs the ledger itself, as
// Athena's does in SQL.
type ledgerMemory struct {
	*memory.Source
	rows  []model.LedgerRow
	err   error
	asked []model.Request
}

func (s *ledgerMemory) Ledger(_ context.Context, r model.Request) ([]model.LedgerRow, error) {
	s.asked = append(s.asked, r)
	return s.rows, s.err
}

// A source that pairs the ledger itself is asked for it, with the ledger's
// filter as its plan, and opens no stream; one that cannot decide the
// filter (model.ErrNoLedger) gets the builder over its events; any other
// error is the run's, in one line.
func TestLedgerAsksASourceThatPairsItself(t *testing.T) {
	dir := t.TempDir()
	writeLedgerRecords(t, dir)
	var events []model.Event
	body, _ := os.ReadFile(filepath.Join(dir, "trail.json"))
	var file struct{ Records []json.RawMessage }
	if err := json.Unmarshal(body, &file); err != nil {
		t.Fatal(err)
	}
	for _, raw := range file.Records {
		e, err := model.FromRecord(string(raw))
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, e)
	}
	own := []model.LedgerRow{{ResourceID: "i-fromsql", ResourceType: "AWS::EC2::Instance", Alive: true}}
	filter := ledgerFilter("user:adam")
	plan := func(f model.Filter) model.Plan { return model.Plan{Key: f.String(), Loads: f} }

	src := &ledgerMemory{Source: &memory.Source{Events: events, Planner: plan, Caps: model.Capabilities{WholeFilter: true}}, rows: own}
	rows, code := ledgerRows(context.Background(), src, filter, io.Discard)
	if code != exitOK || len(rows) != 1 || rows[0].ResourceID != "i-fromsql" || len(src.Streams()) != 0 {
		t.Errorf("the source's own ledger: exit %d, rows %+v, %d streams opened", code, rows, len(src.Streams()))
	}
	if len(src.asked) != 1 || src.asked[0].Plan != filter.String() {
		t.Errorf("asked %+v; want the ledger's filter %q as the plan", src.asked, filter.String())
	}

	src = &ledgerMemory{Source: &memory.Source{Events: events, Planner: plan}, err: fmt.Errorf("res: in SQL: %w", model.ErrNoLedger)}
	rows, code = ledgerRows(context.Background(), src, filter, io.Discard)
	if code != exitOK || len(rows) != 2 || len(src.Streams()) != 1 {
		t.Errorf("refused by the source: exit %d, %d rows (want adam's volume and instance), %d streams", code, len(rows), len(src.Streams()))
	}

	var stderr bytes.Buffer
	src = &ledgerMemory{Source: &memory.Source{Events: events, Planner: plan}, err: errors.New("the Athena query q-1 failed:\nFAILED")}
	if rows, code = ledgerRows(context.Background(), src, filter, &stderr); code != exitFailed || rows != nil || strings.Count(stderr.String(), "\n") != 1 {
		t.Errorf("a failed query: exit %d, rows %v, stderr %q; want exit 1 and one line", code, rows, stderr.String())
	}
}

// BenchmarkLedgerHeadless is --records DIR --view resources --print jsonl
// through run(), over the print benchmark's trail: every record is read,
// those of no rule's call skipped undecoded (its RunInstances and
// StopInstances carry no ids: no row is made); it reports the records
// read per second.
func BenchmarkLedgerHeadless(b *testing.B) {
	root := b.TempDir()
	if err := printBenchSet(root); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if code := run(context.Background(), []string{"--records", root, "--view", "resources", "--print", "jsonl", "--no-prices"}, io.Discard, io.Discard); code != exitOK {
			b.Fatalf("exit %d", code)
		}
	}
	b.ReportMetric(float64(printBenchEvents)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// The pricer main hands the TUI (Config.Pricer) and --view resources:
// --demo's asks its own endpoint and writes no cache; any other source
// asks the Price List with the default chain's credentials and keeps
// prices in the user's cache folder; --no-prices has none.
func TestLedgerPricerForEachSource(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache) // Linux's user cache folder
	t.Setenv("HOME", cache)           // macOS's: $HOME/Library/Caches
	userCache, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	cached := filepath.Join(userCache, "lazytrail", "prices.json")
	gpu := model.PriceKey{Kind: model.CostEC2Instance, Region: "us-west-2", Size: "g5.2xlarge"}
	price := func(args ...string) (model.Pricer, model.Price, []model.PriceMiss) {
		t.Helper()
		o, err := parseArgs(args, io.Discard, time.Now().UTC())
		if err != nil {
			t.Fatal(err)
		}
		src, err := openSource(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		defer src.Close()
		p := openPricer(context.Background(), o, src)
		if p == nil {
			return nil, model.Price{}, nil
		}
		prices, misses := p.Prices(context.Background(), []model.PriceKey{gpu})
		return p, prices[gpu], misses
	}

	if p, got, misses := price("--demo"); p == nil || got.USD != 1.212 || got.Per != model.PerHour || len(misses) > 0 {
		t.Errorf("--demo: %v, misses %v; want $1.212 an hour from the local endpoint", got, misses)
	}
	if _, err := os.Stat(cached); err == nil {
		t.Errorf("--demo wrote %s: its prices would pass for AWS's", cached)
	}
	if p, _, _ := price("--demo", "--no-prices"); p != nil {
		t.Errorf("--no-prices: a pricer %T", p)
	}

	// Another source: AWS's Price List (here the local endpoint in its
	// place), cached where the README says.
	srv := localtrail.New(nil, localtrail.Options{Quota: -1})
	url, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	t.Setenv("AWS_ENDPOINT_URL_PRICING", url)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDPRICINGTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "pricing-test-secret")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(cache, "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(cache, "none"))
	dir := t.TempDir()
	writeLedgerRecords(t, dir)
	if p, got, misses := price("--records", dir); p == nil || got.USD != 1.212 || len(misses) > 0 {
		t.Errorf("--records: %v, misses %v; want $1.212 an hour through the Price List", got, misses)
	}
	if _, err := os.Stat(cached); err != nil {
		t.Errorf("--records: no price cache in the user's cache folder: %v", err)
	}

	// No usable AWS config (AWS_PROFILE names no profile): the price
	// cached above still serves, and one never asked for is a miss that
	// says why.
	t.Setenv("AWS_PROFILE", "no-such-profile")
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	o, err := parseArgs([]string{"--records", dir}, io.Discard, time.Now().UTC())
	if err != nil {
		t.Fatal(err)
	}
	p := openPricer(context.Background(), o, nil)
	t3 := model.PriceKey{Kind: model.CostEC2Instance, Region: "eu-west-1", Size: "t3.medium"}
	prices, misses := p.Prices(context.Background(), []model.PriceKey{gpu, t3})
	if prices[gpu].USD != 1.212 || len(misses) != 1 || misses[0].Key != t3 || !strings.Contains(misses[0].Reason, "credentials") {
		t.Errorf("without a usable config: %v, misses %v; want the cached price, and t3.medium missed for want of credentials", prices, misses)
	}
}
