package model

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// ledgerJSONNames are LedgerRow's json names, read from its tags.
func ledgerJSONNames(t *testing.T) []string {
	t.Helper()
	var names []string
	rt := reflect.TypeOf(LedgerRow{})
	for i := 0; i < rt.NumField(); i++ {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		if name == "" || name == "-" {
			t.Fatalf("LedgerRow.%s has no json name", rt.Field(i).Name)
		}
		names = append(names, name)
	}
	return names
}

// ledgerWriterRows are rows with everything a writer must survive:
// attacker text in every kind of field, a missing estimate, zero times.
func ledgerWriterRows() []LedgerRow {
	cost := 123.456789
	zero := 0.0
	created := time.Date(2026, 10, 1, 8, 30, 0, 0, time.UTC)
	return []LedgerRow{
		{ResourceID: "i-0b2b2b2b2b2b2b2b2", ResourceType: "AWS::EC2::Instance", Account: "111122223333", Region: "us-west-2",
			CreatedTime: created, CreatedBy: "dev-intern", CreatedByARN: "arn:aws:iam::111122223333:user/dev-intern", CreatedEventID: "e-1",
			UserAgent: "APN/1.0 HashiCorp/1.0 Terraform/1.9.5 <tf>", Alive: true, Size: "g5.2xlarge", RunningHours: 101.875,
			EstimatedCostUSD: &cost, Events: 1},
		{ResourceID: "evil\x1b]0;pwned\x07\u202e\u0085", ResourceType: "AWS::S3::Bucket", Account: "111122223333", Region: "us-east-1",
			CreatedTime: created.Add(time.Hour), CreatedBy: "eve\x1b[2J", UserAgent: "curl/8\u0085\u2028", Alive: false,
			DeletedTime: created.Add(2 * time.Hour), DeletedBy: "bob\x9b31m", CostNote: "no hourly price: billed by use", Events: 2},
		{ResourceID: "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/b0caa740d5791781", ResourceType: "AWS::ElasticLoadBalancingV2::LoadBalancer",
			Account: "111122223333", Region: "us-east-1", Alive: true, Size: "application", RunningHours: 0, EstimatedCostUSD: &zero, Events: 1},
		{ResourceID: "bad-utf8-\xff", ResourceType: "AWS::IAM::User", CreatedBy: "x\xfe", Alive: true, CostNote: "no hourly price: billed by use"},
	}
}

// ledgerUnsafe reports a byte or rune of out a terminal could act on.
func ledgerUnsafe(t *testing.T, format, out string) {
	t.Helper()
	for i, r := range out {
		switch {
		case r == '\n':
		case r == utf8.RuneError:
			t.Errorf("%s: invalid UTF-8 at %d", format, i)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u202e' || r == '\u2028' || r == '\u2029':
			t.Errorf("%s: unsafe rune %U at %d in %q", format, r, i, out)
		}
	}
}

func writeLedger(t *testing.T, format string, rows []LedgerRow) string {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewLedgerWriter(format, &buf)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		w.Row(&rows[i])
	}
	if err := w.End(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// ledgerRowsEqual compares rows as the JSON formats carry them (invalid
// UTF-8 becomes U+FFFD on the way, as encoding/json writes it).
func ledgerRowsEqual(t *testing.T, format string, got, want []LedgerRow) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows back, want %d", format, len(got), len(want))
	}
	for i := range want {
		w := want[i]
		v := reflect.ValueOf(&w).Elem()
		for f := 0; f < v.NumField(); f++ {
			if v.Field(f).Kind() == reflect.String {
				v.Field(f).SetString(strings.ToValidUTF8(v.Field(f).String(), "\uFFFD"))
			}
		}
		if !reflect.DeepEqual(got[i], w) {
			t.Errorf("%s row %d:\n got %+v\nwant %+v", format, i, got[i], w)
		}
	}
}

func TestLedgerWriterJSONL(t *testing.T) {
	rows := ledgerWriterRows()
	out := writeLedger(t, "jsonl", rows)
	ledgerUnsafe(t, "jsonl", out)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(rows) {
		t.Fatalf("%d lines for %d rows", len(lines), len(rows))
	}
	names := ledgerJSONNames(t)
	var back []LedgerRow
	for i, line := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		// Exactly LedgerRow's keys; costNote only when there is one.
		for _, n := range names {
			if _, ok := m[n]; !ok && !(n == "costNote" && rows[i].CostNote == "") {
				t.Errorf("line %d lacks %q", i, n)
			}
		}
		if len(m) > len(names) {
			t.Errorf("line %d has keys beyond LedgerRow's: %v", i, m)
		}
		if rows[i].EstimatedCostUSD == nil && m["estimatedCostUSD"] != nil {
			t.Errorf("line %d: a missing estimate is %v, not null", i, m["estimatedCostUSD"])
		}
		var r LedgerRow
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		back = append(back, r)
	}
	ledgerRowsEqual(t, "jsonl", back, rows)
	if !strings.Contains(out, `"userAgent":"APN/1.0 HashiCorp/1.0 Terraform/1.9.5 <tf>"`) {
		t.Errorf("a user agent's < is escaped for HTML: %s", lines[0])
	}
}

func TestLedgerWriterJSON(t *testing.T) {
	rows := ledgerWriterRows()
	out := writeLedger(t, "json", rows)
	ledgerUnsafe(t, "json", out)
	var back []LedgerRow
	if err := json.Unmarshal([]byte(out), &back); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	ledgerRowsEqual(t, "json", back, rows)
	if empty := writeLedger(t, "json", nil); empty != "[]\n" {
		t.Errorf("no rows: %q", empty)
	}
}

func TestLedgerWriterCSV(t *testing.T) {
	rows := ledgerWriterRows()
	out := writeLedger(t, "csv", rows)
	ledgerUnsafe(t, "csv", out)
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(recs[0], ledgerJSONNames(t)) {
		t.Errorf("header %v, want the json names %v", recs[0], ledgerJSONNames(t))
	}
	if len(recs) != len(rows)+1 {
		t.Fatalf("%d records for %d rows", len(recs), len(rows))
	}
	col := map[string]int{}
	for i, n := range recs[0] {
		col[n] = i
	}
	first := recs[1]
	for key, want := range map[string]string{"resourceId": "i-0b2b2b2b2b2b2b2b2", "createdTime": "2026-10-01T08:30:00Z", "deletedTime": "",
		"alive": "true", "runningHours": "101.875", "estimatedCostUSD": "123.456789", "events": "1", "size": "g5.2xlarge"} {
		if got := first[col[key]]; got != want {
			t.Errorf("csv %s = %q, want %q", key, got, want)
		}
	}
	second := recs[2]
	if second[col["estimatedCostUSD"]] != "" || second[col["costNote"]] != "no hourly price: billed by use" || second[col["alive"]] != "false" {
		t.Errorf("csv unpriced row: %v", second)
	}
	if got := second[col["resourceId"]]; got != Printable(rows[1].ResourceID) {
		t.Errorf("csv id %q, want it printable: %q", got, Printable(rows[1].ResourceID))
	}
}

func TestLedgerWriterTable(t *testing.T) {
	rows := ledgerWriterRows()
	out := writeLedger(t, "table", rows)
	ledgerUnsafe(t, "table", out)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(rows)+2 {
		t.Fatalf("%d lines for %d rows:\n%s", len(lines), len(rows), out)
	}
	if !strings.HasPrefix(lines[0], "RESOURCE") || !strings.Contains(lines[0], "EST. $") {
		t.Errorf("header %q", lines[0])
	}
	// Columns line up: every row's type starts where the header's does.
	at := strings.Index(lines[0], "TYPE")
	for _, l := range lines[1 : len(rows)+1] {
		if r := []rune(l); len(r) <= at || r[at-1] != ' ' || r[at] == ' ' {
			t.Errorf("type column not at %d: %q", at, l)
		}
	}
	if !strings.Contains(lines[1], "123.46") || !strings.Contains(lines[1], "alive") || !strings.Contains(lines[1], "dev-intern") {
		t.Errorf("first row %q", lines[1])
	}
	if !strings.Contains(lines[2], "deleted 2026-10-01") {
		t.Errorf("deleted row %q", lines[2])
	}
	// An ARN keeps its end, which tells balancers apart.
	if !strings.HasPrefix(lines[3], "…") || !strings.Contains(lines[3], "b0caa740d5791781") {
		t.Errorf("long id %q", lines[3])
	}
	want := "4 resources, 3 alive (no delete seen in the range); estimated $123.46 on demand for 2, 2 without an estimate"
	if lines[len(lines)-1] != want {
		t.Errorf("totals %q, want %q", lines[len(lines)-1], want)
	}
}

// TestLedgerTableWithoutPrices: a ledger with no estimate at all says so,
// not "$0.00 for 0".
func TestLedgerTableWithoutPrices(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewLedgerWriter("table", &buf)
	if err != nil {
		t.Fatal(err)
	}
	w.Row(&LedgerRow{ResourceID: "logs", ResourceType: "AWS::S3::Bucket", Alive: true, CostNote: "no hourly price: billed by use"})
	if err := w.End(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	want := "1 resources, 1 alive (no delete seen in the range); no estimate for any (costNote in jsonl, json or csv says why)"
	if got := lines[len(lines)-1]; got != want {
		t.Errorf("totals %q, want %q", got, want)
	}
}

func TestLedgerWriterFormats(t *testing.T) {
	// Every --print format prints the ledger too.
	for _, name := range FormatNames() {
		if _, err := NewLedgerWriter(name, &bytes.Buffer{}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	_, err := NewLedgerWriter("yaml\x1b", &bytes.Buffer{})
	if err == nil || strings.ContainsRune(err.Error(), '\x1b') || !strings.Contains(err.Error(), "jsonl, json, csv or table") {
		t.Errorf("unknown format: %v", err)
	}
}
