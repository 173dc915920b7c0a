package athena

import (
	"errors"
	"strings"
	"testing"
	"time"

	"lazytrail/model"
)

var ledgerTable = Table{Name: "trails.cloudtrail", TimeColumn: "timestamp", TimeLayout: "2006/01/02",
	RegionColumn: "region", AccountColumn: "account", OnBehalfOf: true}

func ledgerQuery(filter string) Query {
	until := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	return Query{Table: ledgerTable, Filter: model.ParseFilter(filter), Since: until.Add(-7 * 24 * time.Hour), Until: until}
}

// The ledger must be the builder's over exactly the filtered events: a
// term SQL decides only approximately (res:, raw:) or not at all
// (restype:, session:) is refused, for the caller to build it from the
// events; the terms SQL decides exactly compile into the one scan.
func TestCompileLedgerTakesOnlyExactFilters(t *testing.T) {
	for _, f := range []string{"res:i-0abc", "raw:Terraform", "-res:sg-", "restype:AWS::EC2", "session:arn:aws:sts", "user:adam res:vol-"} {
		if _, err := CompileLedger(ledgerQuery(f)); !errors.Is(err, model.ErrNoLedger) {
			t.Errorf("%q: %v, want model.ErrNoLedger", f, err)
		}
	}
	for _, f := range []string{"", "user:adam", "-ro:true region:eu-west-1,us-east-1", "account:111122223333 agent:terraform", "type:AssumedRole role:ci -user=root", "event:RunInstances err"} {
		sql, err := CompileLedger(ledgerQuery(f))
		if err != nil {
			t.Errorf("%q: %v", f, err)
			continue
		}
		if strings.Count(sql, "FROM "+ledgerTable.Name) != 1 {
			t.Errorf("%q: the query does not read the table exactly once (Athena bills each scan):\n%s", f, sql)
		}
		// Athena takes at most 262144 bytes of query text.
		if len(sql) > 100_000 {
			t.Errorf("%q: the query is %d bytes", f, len(sql))
		}
	}
	if _, err := CompileLedger(ledgerQuery("user:")); err != nil {
		t.Errorf("a term still being typed: %v", err)
	}
	if _, err := CompileLedger(ledgerQuery("nokey:x")); err == nil || errors.Is(err, model.ErrNoLedger) {
		t.Errorf("a filter that does not parse: %v, want its error", err)
	}
	q := ledgerQuery("")
	q.Since = time.Time{}
	if _, err := CompileLedger(q); err == nil {
		t.Error("a query with no range compiled")
	}
	sql, _ := CompileLedger(ledgerQuery(""))
	t.Logf("the ledger's SQL: %d bytes", len(sql))
}

// A rule the SQL cannot read as the builder does is an error, not a
// query that answers differently.
func TestLedgerCallsRefuseWhatTheyCannotRead(t *testing.T) {
	if _, err := ledgerCalls(model.LedgerRules); err != nil {
		t.Fatalf("the rules do not compile: %v", err)
	}
	rule := func(calls ...model.LedgerCall) []model.LedgerRule {
		return []model.LedgerRule{{Type: "AWS::X::Y", Source: "x.amazonaws.com", Create: calls}}
	}
	for name, rules := range map[string][]model.LedgerRule{
		"a call in two rules": append(rule(model.LedgerCall{Event: "CreateY", ID: "requestParameters.id"}),
			model.LedgerRule{Type: "AWS::X::Z", Source: "x.amazonaws.com", Delete: []model.LedgerCall{{Event: "CreateY", ID: "requestParameters.id"}}}),
		"a path outside the JSON fields":  rule(model.LedgerCall{Event: "CreateY", ID: "userIdentity.arn"}),
		"a path through two arrays":       rule(model.LedgerCall{Event: "CreateY", ID: "responseElements.a[].b[].id"}),
		"a key JSON paths cannot name":    rule(model.LedgerCall{Event: "CreateY", ID: "requestParameters.bucket-name"}),
		"a size in another array":         rule(model.LedgerCall{Event: "CreateY", ID: "responseElements.a[].id", Size: []string{"responseElements.b[].type"}}),
		"an array with no value after it": rule(model.LedgerCall{Event: "CreateY", ID: "responseElements.ids[]"}),
	} {
		if _, err := ledgerCalls(rules); err == nil {
			t.Errorf("%s: compiled", name)
		}
	}
}

// A ledger row's columns read into a LedgerRow; a number column that is
// none is an error, with the text escaped.
func TestLedgerRowFrom(t *testing.T) {
	s := func(v string) *string { return &v }
	r := row{s("111122223333"), s("us-east-1"), s("AWS::EC2::Instance"), s("i-0abc\x1b[2J"),
		s("2026-11-20T10:00:00Z"), s("adam"), s("arn:aws:iam::111122223333:user/adam"), s("ev-1"), nil, s("Terraform/1.7"),
		s(""), nil, s("1"), s("g5.2xlarge"), s("5400000"), s("3")}
	got, err := ledgerRowFrom(r)
	if err != nil {
		t.Fatal(err)
	}
	want := model.LedgerRow{ResourceID: "i-0abc\x1b[2J", ResourceType: "AWS::EC2::Instance", Account: "111122223333", Region: "us-east-1",
		CreatedTime: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC), CreatedBy: "adam", CreatedByARN: "arn:aws:iam::111122223333:user/adam",
		CreatedEventID: "ev-1", UserAgent: "Terraform/1.7", Alive: true, Size: "g5.2xlarge", RunningHours: 1.5, Events: 3}
	if got != want {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	r[14] = s("1.5e\x07")
	if _, err := ledgerRowFrom(r); err == nil || strings.Contains(err.Error(), "\x07") {
		t.Errorf("a running_ms that is no number: %q", err)
	}
}
