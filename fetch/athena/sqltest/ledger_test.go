package sqltest

import (
	"cmp"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"lazytrail/fetch/athena"
	"lazytrail/model"
)

// The ledger's SQL (athena.CompileLedger) run on DuckDB must answer what
// the builder (model.Ledger) answers over the same records, range and
// filter: the same rows, field by field.

// ledgerStart and ledgerEnd bound the hand-made records' range; some
// records fall outside it, to be left out, and some resources are created
// before it.
var (
	ledgerStart = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	ledgerEnd   = time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC)
)

// ledgerAccount and ledgerOther are the hand-made records' accounts.
const (
	ledgerAccount = "111122223333"
	ledgerOther   = "444455556666"
)

// recordMaker writes CloudTrail records as JSON, each with a fresh event id.
type recordMaker struct {
	n   int
	out []string
}

// caller is who makes a call.
type caller struct {
	identity map[string]any
	agent    string
}

func iamUser(name string) caller {
	return caller{identity: map[string]any{"type": "IAMUser", "principalId": "AIDA" + strings.ToUpper(name),
		"arn": "arn:aws:iam::" + ledgerAccount + ":user/" + name, "accountId": ledgerAccount, "userName": name},
		agent: "aws-cli/2.15.0 Python/3.11"}
}

func assumed(role, session, invokedBy string) caller {
	id := map[string]any{"type": "AssumedRole", "principalId": "AROAEXAMPLE:" + session,
		"arn": "arn:aws:sts::" + ledgerAccount + ":assumed-role/" + role + "/" + session, "accountId": ledgerAccount}
	if invokedBy != "" {
		id["invokedBy"] = invokedBy
	}
	return caller{identity: id, agent: "Terraform/1.7.0"}
}

var awsService = caller{identity: map[string]any{"type": "AWSService", "invokedBy": "autoscaling.amazonaws.com"}, agent: "autoscaling.amazonaws.com"}

// call is one record: source and name, when, where, by whom, its
// request and response, and an error code for a failed call.
type call struct {
	source, name, region, account string
	at                            time.Time
	who                           caller
	request, response             map[string]any
	errorCode                     string
}

func (m *recordMaker) add(c call) {
	m.n++
	account := cmp.Or(c.account, ledgerAccount)
	rec := map[string]any{
		"eventVersion": "1.09", "userIdentity": c.who.identity, "eventTime": c.at.UTC().Format(time.RFC3339),
		"eventSource": c.source, "eventName": c.name, "awsRegion": cmp.Or(c.region, "us-east-1"),
		"sourceIPAddress": "203.0.113.7", "userAgent": c.who.agent,
		"requestParameters": c.request, "responseElements": c.response,
		"requestID": fmt.Sprintf("req-%04d", m.n), "eventID": fmt.Sprintf("0000%04d-ledger-test-event", m.n),
		"readOnly": false, "eventType": "AwsApiCall", "managementEvent": true,
		"recipientAccountId": account, "eventCategory": "Management",
	}
	if c.errorCode != "" {
		rec["errorCode"], rec["errorMessage"] = c.errorCode, "denied by the test"
		rec["responseElements"] = nil
	}
	b, err := json.Marshal(rec)
	if err != nil {
		panic(err)
	}
	m.out = append(m.out, string(b))
}

// set puts value at a rule's path under the record's member, making the
// objects on the way; "[]" is an array whose i-th element gets it.
func set(doc map[string]any, path string, i int, value any) {
	keys := strings.Split(path, ".")
	cur := doc
	for k := 0; k < len(keys)-1; k++ {
		key := keys[k]
		if name, ok := strings.CutSuffix(key, "[]"); ok {
			items, _ := cur[name].([]any)
			for len(items) <= i {
				items = append(items, map[string]any{})
			}
			cur[name] = items
			cur = items[i].(map[string]any)
			continue
		}
		next, ok := cur[key].(map[string]any)
		if !ok {
			next = map[string]any{}
			cur[key] = next
		}
		cur = next
	}
	cur[keys[len(keys)-1]] = value
}

// callFor is a record of one of a rule's calls naming ids, each with its
// size values (by the call's size paths) when sizes is set.
func callFor(r model.LedgerRule, lc model.LedgerCall, at time.Time, who caller, ids []string, sizes [][]any) call {
	members := map[string]map[string]any{"requestParameters": {}, "responseElements": {}}
	put := func(path string, i int, v any) {
		member, rest, _ := strings.Cut(path, ".")
		set(members[member], rest, i, v)
	}
	for i, id := range ids {
		put(lc.ID, i, id)
		if i < len(sizes) {
			for k, p := range lc.Size {
				if k < len(sizes[i]) && sizes[i][k] != nil {
					put(p, i, sizes[i][k])
				}
			}
		}
	}
	return call{source: r.Source, name: lc.Event, at: at, who: who, request: members["requestParameters"], response: members["responseElements"]}
}

// sizeValues makes size values for a call's size paths: numbers where a
// path names a size, text otherwise.
func sizeValues(lc model.LedgerCall, tag string) []any {
	var out []any
	for _, p := range lc.Size {
		switch {
		case strings.HasSuffix(p, "size") || strings.HasSuffix(p, "Size"):
			out = append(out, len(tag)*10)
		default:
			out = append(out, tag)
		}
	}
	return out
}

// ledgerRecords are hand-made records of every call of every rule, in the
// patterns the builder must pair: created and deleted in the range,
// created and left, deleted or stopped after a create before the range,
// changed only, re-created after a delete, created by a service, failed
// calls, calls outside the range, several resources in one call, and
// attacker-controlled text in ids, sizes and user names.
func ledgerRecords() []string {
	m := &recordMaker{}
	day := func(d float64) time.Time { return ledgerStart.Add(time.Duration(d * 24 * float64(time.Hour))) }
	users := []caller{iamUser("alice"), assumed("dev", "bob@example.com", ""), assumed("ci", "deploy", "cloudformation.amazonaws.com"), awsService}
	for ri, r := range model.LedgerRules {
		short := strings.ToLower(r.Type[strings.LastIndex(r.Type, ":")+1:])
		for ci, create := range r.Create {
			who := users[(ri+ci)%len(users)]
			id := func(n string) string { return fmt.Sprintf("%s-%d-%s", short, ci, n) }
			sizes := func(tag string) [][]any { return [][]any{sizeValues(create, tag)} }
			// Created and deleted in the range, going through every other
			// call of the rule on the way.
			m.add(callFor(r, create, day(0.5), who, []string{id("a")}, sizes("small")))
			at := 1.0
			for _, group := range [][]model.LedgerCall{r.Stop, r.Start, r.Modify, r.Stop, r.Start} {
				for _, c := range group {
					m.add(callFor(r, c, day(at), users[int(at)%len(users)], []string{id("a")}, [][]any{sizeValues(c, "large")}))
					at += 0.25
				}
			}
			for _, d := range r.Delete {
				m.add(callFor(r, d, day(at+1), users[1], []string{id("a")}, nil))
			}
			// Created and left alive.
			m.add(callFor(r, create, day(2), who, []string{id("b")}, sizes("medium")))
			// A create that failed creates nothing; nor does one outside
			// the range.
			failed := callFor(r, create, day(3), who, []string{id("failed")}, sizes("huge"))
			failed.errorCode = "UnauthorizedOperation"
			m.add(failed)
			m.add(callFor(r, create, ledgerStart.Add(-time.Hour), who, []string{id("before")}, sizes("old")))
			m.add(callFor(r, create, ledgerEnd.Add(time.Hour), who, []string{id("after")}, sizes("new")))
			// Deleted, stopped or changed, created before the range.
			for _, d := range r.Delete {
				m.add(callFor(r, d, day(4), users[0], []string{id("before")}, nil))
			}
			for _, s := range r.Stop {
				m.add(callFor(r, s, day(1.5), users[0], []string{id("old-running")}, nil))
			}
			for _, s := range r.Start {
				m.add(callFor(r, s, day(2.5), users[2], []string{id("old-stopped")}, nil))
			}
			for _, c := range r.Modify {
				m.add(callFor(r, c, day(5), users[3], []string{id("changed")}, [][]any{sizeValues(c, "resized")}))
			}
			// Deleted, then created again under the same id: alive.
			for _, d := range r.Delete {
				m.add(callFor(r, create, day(1), who, []string{id("again")}, sizes("first")))
				m.add(callFor(r, d, day(2), users[1], []string{id("again")}, nil))
				m.add(callFor(r, create, day(3), users[2], []string{id("again")}, sizes("second")))
			}
			// The same id in another account and region: another resource
			// (a global name's only in another account).
			other := callFor(r, create, day(6), who, []string{id("b")}, sizes("elsewhere"))
			other.region, other.account = "eu-west-1", ledgerOther
			m.add(other)
		}
	}

	// Several instances in one RunInstances, each of its own type, two
	// of them terminated in one call, one stopped and started.
	ec2 := model.LedgerRules[0]
	m.add(callFor(ec2, ec2.Create[0], day(1), awsService, []string{"i-0aaa", "i-0bbb", "i-0ccc"},
		[][]any{{"t3.micro"}, {"g5.2xlarge"}, {"m5.large"}}))
	m.add(callFor(ec2, ec2.Stop[0], day(1.5), users[0], []string{"i-0ccc"}, nil))
	m.add(callFor(ec2, ec2.Start[0], day(2), users[0], []string{"i-0ccc"}, nil))
	m.add(callFor(ec2, ec2.Delete[0], day(3), users[1], []string{"i-0aaa", "i-0bbb"}, nil))
	// A fleet: more resources than a results page holds, 250 a call.
	for call := range 5 {
		fleet := make([]string, 250)
		fleetTypes := make([][]any, len(fleet))
		for i := range fleet {
			fleet[i] = fmt.Sprintf("i-fleet%d-%03d", call, i)
			fleetTypes[i] = []any{[]string{"c5.large", "c5.xlarge", "r6g.medium"}[i%3]}
		}
		m.add(callFor(ec2, ec2.Create[0], day(6), awsService, fleet, fleetTypes))
		m.add(callFor(ec2, ec2.Delete[0], day(6.5), awsService, fleet[:60], nil))
	}
	// A RunInstances whose instance has no type: no size.
	m.add(callFor(ec2, ec2.Create[0], day(1), users[0], []string{"i-0notype"}, nil))
	// A failed TerminateInstances leaves the instance alive.
	failed := callFor(ec2, ec2.Delete[0], day(4), users[1], []string{"i-0ccc"}, nil)
	failed.errorCode = "Client.UnauthorizedOperation"
	m.add(failed)
	// A bucket created in one region and deleted from another: one
	// resource, as S3 names are global.
	s3 := ruleOf("AWS::S3::Bucket")
	m.add(callFor(s3, s3.Create[0], day(1), users[0], []string{"lt-global-bucket"}, nil))
	del := callFor(s3, s3.Delete[0], day(2), users[0], []string{"lt-global-bucket"}, nil)
	del.region = "eu-central-1"
	m.add(del)
	// Attacker-controlled text: ids, sizes and user names with quotes,
	// backslashes, control characters, SQL and JSON syntax, non-ASCII.
	hostile := []string{"i-'); DROP TABLE cloudtrail; --", "i-\x1b[31mred\x1b[0m", "i-\"quoted\"\\back", "i-line\nbreak",
		"i-ſ-σς-İ", "i-\u2028sep", "i-[0].instanceId", "i-$.x"}
	for k, id := range hostile {
		who := iamUser("mallory" + hostile[(k+1)%len(hostile)])
		m.add(callFor(ec2, ec2.Create[0], day(1+float64(k)/10), who, []string{id}, [][]any{{"t3.nano\x07" + id}}))
		if k%2 == 0 {
			m.add(callFor(ec2, ec2.Delete[0], day(5), who, []string{id}, nil))
		}
	}
	// A record whose requestParameters is not an object, and one whose
	// item list is an object: they name nothing.
	odd := callFor(ec2, ec2.Delete[0], day(2), users[0], nil, nil)
	odd.request = nil
	m.add(odd)
	m.out[len(m.out)-1] = strings.Replace(m.out[len(m.out)-1], `"requestParameters":null`, `"requestParameters":"i-0aaa"`, 1)
	notList := callFor(ec2, ec2.Delete[0], day(2), users[0], nil, nil)
	notList.request = map[string]any{"instancesSet": map[string]any{"items": map[string]any{"instanceId": "i-0bbb"}}}
	m.add(notList)
	return m.out
}

func ruleOf(typ string) model.LedgerRule {
	for _, r := range model.LedgerRules {
		if r.Type == typ {
			return r
		}
	}
	panic("no rule for " + typ)
}

// shapesFile holds a record of every call of every rule in the shape AWS
// writes it (the ledger's own test data, each path checked against a real
// record), over 2026-11-01.
const shapesFile = "../../../model/testdata/ledger_records.jsonl"

var shapesStart, shapesEnd = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)

// ledgerEvents parses the hand-made records and the record shapes as the
// stream does.
func ledgerEvents(t testing.TB) []model.Event {
	t.Helper()
	shapes, err := os.ReadFile(shapesFile)
	if err != nil {
		t.Fatal(err)
	}
	var out []model.Event
	for _, raw := range append(ledgerRecords(), strings.Split(strings.TrimSpace(string(shapes)), "\n")...) {
		e, err := model.FromRecord(raw)
		if e.Time.IsZero() {
			t.Fatalf("%v: %s", err, raw)
		}
		out = append(out, e)
	}
	return out
}

// builderLedger is the builder's answer over the events a query over
// [since, until] with filter f selects, added in the order the SQL orders
// a resource's calls (time, then event id), since the builder keeps the
// order it was given for calls in the same second.
func builderLedger(events []model.Event, f model.Filter, since, until time.Time) []model.LedgerRow {
	var in []*model.Event
	for i := range events {
		e := &events[i]
		if !e.Time.Before(since) && !e.Time.After(until) && f.Match(e) {
			in = append(in, e)
		}
	}
	slices.SortStableFunc(in, func(a, b *model.Event) int { return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.ID, b.ID)) })
	l := model.NewLedger()
	for _, e := range in {
		l.Add(e)
	}
	return l.Rows(since, until)
}

// sqlLedger runs the ledger's SQL on DuckDB and reads its rows by the
// columns' names (not through the athena package's reader, which the
// moto test runs).
func sqlLedger(db *sql.DB, q athena.Query) ([]model.LedgerRow, string, error) {
	query, err := athena.CompileLedger(q)
	if err != nil {
		return nil, "", err
	}
	rows, err := db.Query(query)
	if err != nil {
		return nil, query, fmt.Errorf("DuckDB: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, query, err
	}
	if want := athena.ResultColumns(query); !slices.Equal(cols, want) {
		return nil, query, fmt.Errorf("columns %v, want %v", cols, want)
	}
	var out []model.LedgerRow
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, query, err
		}
		v := map[string]string{}
		for i, c := range cols {
			v[c] = vals[i].String
		}
		at := func(c string) time.Time {
			if v[c] == "" {
				return time.Time{}
			}
			tm, err := time.Parse(time.RFC3339, v[c])
			if err != nil {
				panic(fmt.Sprintf("%s: %v", c, err))
			}
			return tm
		}
		ms, _ := strconv.ParseInt(v["running_ms"], 10, 64)
		events, _ := strconv.Atoi(v["events"])
		out = append(out, model.LedgerRow{
			ResourceID: v["resource_id"], ResourceType: v["resource_type"], Account: v["account"], Region: v["region"],
			CreatedTime: at("created_time"), CreatedBy: v["created_by"], CreatedByARN: v["created_by_arn"],
			CreatedEventID: v["created_event_id"], CreatedByService: v["created_by_service"], UserAgent: v["user_agent"],
			DeletedTime: at("deleted_time"), DeletedBy: v["deleted_by"], Alive: v["alive"] == "1",
			Size: v["size"], RunningHours: float64(ms) / 3.6e6, Events: events,
		})
	}
	return out, query, rows.Err()
}

// byResource orders rows totally, to compare two answers.
func byResource(a, b model.LedgerRow) int {
	return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.ResourceType, b.ResourceType),
		cmp.Compare(a.ResourceID, b.ResourceID), cmp.Compare(a.Region, b.Region))
}

// sameLedger reports the first differences between two answers.
func sameLedger(got, want []model.LedgerRow) []string {
	got, want = slices.Clone(got), slices.Clone(want)
	slices.SortFunc(got, byResource)
	slices.SortFunc(want, byResource)
	var diffs []string
	if len(got) != len(want) {
		diffs = append(diffs, fmt.Sprintf("%d rows, want %d", len(got), len(want)))
		gotKeys := map[string]bool{}
		for _, r := range got {
			gotKeys[r.Account+" "+r.Region+" "+r.ResourceType+" "+r.ResourceID] = true
		}
		for _, r := range want {
			if k := r.Account + " " + r.Region + " " + r.ResourceType + " " + r.ResourceID; !gotKeys[k] {
				diffs = append(diffs, fmt.Sprintf("missing %q", k))
			}
		}
		return diffs
	}
	for i := range got {
		g, w := got[i], want[i]
		if math.Abs(g.RunningHours-w.RunningHours) < 1e-6 {
			g.RunningHours = w.RunningHours
		}
		if !g.CreatedTime.Equal(w.CreatedTime) || !g.DeletedTime.Equal(w.DeletedTime) {
			diffs = append(diffs, fmt.Sprintf("%s: times %v %v, want %v %v", w.ResourceID, g.CreatedTime, g.DeletedTime, w.CreatedTime, w.DeletedTime))
		}
		g.CreatedTime, g.DeletedTime = w.CreatedTime, w.DeletedTime
		if g != w {
			gj, _ := json.Marshal(g)
			wj, _ := json.Marshal(w)
			diffs = append(diffs, fmt.Sprintf("got  %s\n want %s", gj, wj))
		}
		if len(diffs) > 8 {
			break
		}
	}
	return diffs
}

// ledgerDB is DuckDB with the hand-made records and the corpus (the demo
// account, the stratus records, the edge records) in one table.
func ledgerDB(t testing.TB) (*sql.DB, []model.Event) {
	t.Helper()
	c, err := loadCorpus()
	if err != nil {
		t.Fatal(err)
	}
	events := append(slices.Clone(c.events), ledgerEvents(t)...)
	db, conn := newDB(t)
	load(t, db, conn, "cloudtrail", events)
	return db, events
}

// TestLedgerSQLIsTheBuilders is the compiler's contract: over the same
// records, range and filter, the SQL's rows are the builder's.
func TestLedgerSQLIsTheBuilders(t *testing.T) {
	db, events := ledgerDB(t)
	c, _ := loadCorpus()
	cases := []struct {
		name         string
		filter       string
		since, until time.Time
	}{
		{"hand-made records, their week", "", ledgerStart, ledgerEnd},
		{"hand-made records, part of their week", "", ledgerStart.Add(36 * time.Hour), ledgerEnd.Add(-50 * time.Hour)},
		{"hand-made records, one account and user", "account:" + ledgerAccount + " -user:alice", ledgerStart, ledgerEnd},
		{"hand-made records, one region", "region:eu-west-1,eu-central-1", ledgerStart, ledgerEnd},
		{"the record shapes of every call", "", shapesStart, shapesEnd},
		{"the record shapes, from mid-morning", "", shapesStart.Add(3 * time.Hour), shapesEnd},
		{"the demo account's 90 days", "", demoEnd.Add(-90 * 24 * time.Hour), demoEnd},
		{"the demo account's last 10 days", "", demoEnd.Add(-10 * 24 * time.Hour), demoEnd},
		{"everything", "", c.oldest, ledgerEnd.Add(2 * time.Hour)},
		{"everything by Terraform", "agent:terraform", c.oldest, ledgerEnd.Add(2 * time.Hour)},
	}
	types := map[string]int{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := model.ParseFilter(tc.filter)
			want := builderLedger(events, f, tc.since, tc.until)
			got, query, err := sqlLedger(db, athena.Query{Table: table, Filter: f, Since: tc.since, Until: tc.until})
			if err != nil {
				t.Fatalf("%.3000v\n%.300s", err, query)
			}
			if len(want) == 0 {
				t.Fatalf("the builder finds no resources: the case proves nothing")
			}
			if diffs := sameLedger(got, want); len(diffs) > 0 {
				t.Fatalf("the SQL's ledger is not the builder's:\n%s", strings.Join(diffs, "\n"))
			}
			alive, hours := 0, 0.0
			for _, r := range want {
				types[r.ResourceType]++
				if r.Alive {
					alive++
				}
				hours += r.RunningHours
			}
			t.Logf("%d resources (%d alive, %.1f hours) equal", len(want), alive, hours)
		})
	}
	for _, r := range model.LedgerRules {
		if types[r.Type] == 0 {
			t.Errorf("no %s in any case: its rule is untested", r.Type)
		}
	}
}
