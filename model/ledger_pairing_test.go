package model

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// The builder checked against the tests' own pairing: the records read
// with encoding/json into maps, the rules' paths walked by ledgerWalk, the
// calls of each resource put in time order and its hours summed from the
// intervals they leave. None of the builder's code is used.

type ledgerTruthMark struct {
	at       time.Time
	role     string // create, delete, start, stop, modify
	size     string
	rec      ledgerTestRecord
	sequence int // the record's place in the input, to keep equal times in order
}

// ledgerTruthKey is how the tests identify a resource: IAM and S3 names
// are global (IAM's calls are all recorded in us-east-1; a bucket's
// delete may be recorded elsewhere than its create), so without a region.
func ledgerTruthKey(typ, account, region, id string) string {
	if strings.HasPrefix(typ, "AWS::IAM::") || strings.HasPrefix(typ, "AWS::S3::") {
		region = ""
	}
	return typ + "|" + account + "|" + region + "|" + id
}

// ledgerTruth pairs records into rows the tests' way, hours clipped to
// [start, end); a zero start or end is the first or last record's time.
func ledgerTruth(t *testing.T, records []ledgerTestRecord, start, end time.Time) map[string]LedgerRow {
	t.Helper()
	marks := map[string][]ledgerTruthMark{}
	rules := map[string]*LedgerRule{}
	var first, last time.Time
	for seq, rec := range records {
		at, err := time.Parse(time.RFC3339, rec.str("eventTime"))
		if err != nil {
			t.Fatalf("eventTime %q: %v", rec.str("eventTime"), err)
		}
		if first.IsZero() || at.Before(first) {
			first = at
		}
		if at.After(last) {
			last = at
		}
		if rec.str("errorCode") != "" {
			continue
		}
		for i := range LedgerRules {
			r := &LedgerRules[i]
			if r.Source != rec.str("eventSource") {
				continue
			}
			for role, calls := range ledgerCallsOf(*r) {
				for _, c := range calls {
					if c.Event != rec.str("eventName") {
						continue
					}
					ids := ledgerWalk(rec.fields, c.ID)
					for n, id := range ids {
						if id == "" {
							continue
						}
						var parts []string
						for _, p := range c.Size {
							vals := ledgerWalk(rec.fields, p)
							v := ""
							if prefix, ok := ledgerArrayPrefix(c.ID); ok && strings.HasPrefix(p, prefix) {
								if len(vals) != len(ids) {
									t.Fatalf("%s: %d sizes for %d ids", c.Event, len(vals), len(ids))
								}
								v = vals[n]
							} else if len(vals) > 0 {
								v = vals[0]
							}
							if v == "" {
								break
							}
							parts = append(parts, v)
						}
						if len(parts) > 0 && c.Unit != "" {
							parts = append(parts, c.Unit)
						}
						k := ledgerTruthKey(r.Type, rec.str("recipientAccountId"), rec.str("awsRegion"), id)
						rules[k] = r
						marks[k] = append(marks[k], ledgerTruthMark{at: at, role: role, size: strings.Join(parts, " "), rec: rec, sequence: seq})
					}
				}
			}
		}
	}
	if start.IsZero() {
		start = first
	}
	if end.IsZero() {
		end = last
	}
	out := map[string]LedgerRow{}
	for k, ms := range marks {
		sort.SliceStable(ms, func(i, j int) bool { return ms[i].at.Before(ms[j].at) })
		rule := rules[k]
		parts := strings.SplitN(k, "|", 4)
		row := LedgerRow{ResourceID: parts[3], ResourceType: rule.Type, Account: parts[1], Region: ms[0].rec.str("awsRegion"), Alive: true, Events: len(ms)}
		// The intervals it accrued: existing (and running, for a type
		// that runs) from one call to the next.
		exists := ms[0].role != "create"
		running := exists && ms[0].role != "start"
		accruing := func() bool { return exists && (running || !rule.Running) }
		from := start
		var hours float64
		add := func(a, b time.Time) {
			if a.Before(start) {
				a = start
			}
			if b.After(end) {
				b = end
			}
			if b.After(a) {
				hours += b.Sub(a).Hours()
			}
		}
		for _, m := range ms {
			before := accruing()
			if m.size != "" && (m.role == "create" || m.role == "modify") {
				row.Size = m.size
			}
			identity, _ := m.rec.fields["userIdentity"].(map[string]any)
			switch m.role {
			case "create":
				exists, running = true, true
				row.CreatedTime, row.CreatedEventID = m.at, m.rec.str("eventID")
				row.CreatedBy = expectedUsername(t, identity)
				row.CreatedByARN, _ = identity["arn"].(string)
				row.CreatedByService, _ = identity["invokedBy"].(string)
				row.UserAgent = m.rec.str("userAgent")
				row.Region = m.rec.str("awsRegion")
				row.Alive, row.DeletedTime, row.DeletedBy = true, time.Time{}, ""
			case "delete":
				exists = false
				row.Alive, row.DeletedTime, row.DeletedBy = false, m.at, expectedUsername(t, identity)
			case "start":
				running = true
			case "stop":
				running = false
			}
			switch after := accruing(); {
			case before && !after:
				add(from, m.at)
			case !before && after:
				from = m.at
			}
		}
		if accruing() {
			add(from, end)
		}
		row.RunningHours = hours
		out[k] = row
	}
	return out
}

// ledgerEventsOf turns records into events the way every source does.
func ledgerEventsOf(t *testing.T, records []ledgerTestRecord) []Event {
	t.Helper()
	evs := make([]Event, 0, len(records))
	for _, r := range records {
		e, err := FromRecord(r.raw)
		if err != nil {
			t.Fatalf("FromRecord: %v", err)
		}
		evs = append(evs, e)
	}
	return evs
}

// checkLedgerRows compares the builder's rows with the truth, and their
// order: alive first, then the newest created first.
func checkLedgerRows(t *testing.T, what string, got []LedgerRow, want map[string]LedgerRow) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d rows, want %d", what, len(got), len(want))
	}
	for i, g := range got {
		k := ledgerTruthKey(g.ResourceType, g.Account, g.Region, g.ResourceID)
		w, ok := want[k]
		if !ok {
			t.Errorf("%s: row %s %s in %s is no resource of the records", what, g.ResourceType, g.ResourceID, g.Region)
			continue
		}
		hours := g.RunningHours
		g.RunningHours, w.RunningHours = 0, 0
		if g != w {
			t.Errorf("%s: %s %s\n got %+v\nwant %+v", what, g.ResourceType, g.ResourceID, g, w)
		}
		if math.Abs(hours-want[k].RunningHours) > 1e-9 {
			t.Errorf("%s: %s %s runs %v hours, want %v", what, g.ResourceType, g.ResourceID, hours, want[k].RunningHours)
		}
		if i > 0 {
			p := got[i-1]
			if !p.Alive && g.Alive || p.Alive == g.Alive && p.CreatedTime.Before(g.CreatedTime) {
				t.Errorf("%s: %s before %s: not alive first, newest first", what, p.ResourceID, g.ResourceID)
			}
		}
	}
}

func TestLedgerMatchesOwnPairing(t *testing.T) {
	records := readLedgerTestRecords(t, ledgerRecordsFile)
	events := ledgerEventsOf(t, records)
	at := func(h, m int) time.Time { return time.Date(2026, 11, 1, h, m, 0, 0, time.UTC) }
	ranges := []struct{ start, end time.Time }{
		{}, // the events' own range
		{at(1, 30), at(4, 30)},
		{at(0, 0).Add(-48 * time.Hour), at(0, 0).Add(48 * time.Hour)},
	}
	// Newest first, as the timeline holds them, and oldest first: Add takes any order.
	newest := append([]Event(nil), events...)
	sort.SliceStable(newest, func(i, j int) bool { return newest[i].Time.After(newest[j].Time) })
	for _, r := range ranges {
		want := ledgerTruth(t, records, r.start, r.end)
		for name, order := range map[string][]Event{"oldest first": events, "newest first": newest} {
			l := NewLedger()
			for i := range order {
				l.Add(&order[i])
			}
			if l.Len() != len(want) {
				t.Errorf("%s: Len %d, want %d", name, l.Len(), len(want))
			}
			checkLedgerRows(t, name+" "+r.start.Format(time.Kitchen), l.Rows(r.start, r.end), want)
		}
		tl := NewTimeline()
		tl.Add(newest)
		checkLedgerRows(t, "timeline", tl.Ledger().Rows(r.start, r.end), want)
		// A record the decoder did not vouch for is walked the checking
		// way: the same rows.
		unchecked := NewLedger()
		for _, e := range events {
			e.ParseError = "as if the decoder had failed"
			unchecked.Add(&e)
		}
		checkLedgerRows(t, "unchecked", unchecked.Rows(r.start, r.end), want)
	}

	// What the story says, by hand, over the events' own range (00:00 to 08:50).
	rows := NewLedger()
	for i := range events {
		rows.Add(&events[i])
	}
	byKey := map[string]LedgerRow{}
	types := map[string]int{}
	for _, r := range rows.Rows(time.Time{}, time.Time{}) {
		byKey[r.Region+" "+r.ResourceID] = r
		types[r.ResourceType]++
	}
	for _, rule := range LedgerRules {
		if types[rule.Type] == 0 {
			t.Errorf("no row of %s", rule.Type)
		}
	}
	check := func(key string, ok func(r LedgerRow) bool) {
		t.Helper()
		if r, found := byKey[key]; !found || !ok(r) {
			t.Errorf("%s: %+v", key, r)
		}
	}
	// Run at 00:00, stopped 02:00, resized, started 03:00, terminated 05:00 by bob.
	check("us-east-1 i-0a1a1a1a1a1a1a1a1", func(r LedgerRow) bool {
		return !r.Alive && r.RunningHours == 4 && r.Size == "t3.large" && r.DeletedBy == "bob" && r.Events == 5 && r.CreatedBy == "alice" &&
			strings.Contains(r.UserAgent, "Terraform")
	})
	// Its sibling from the same RunInstances: never stopped.
	check("us-east-1 i-0b2b2b2b2b2b2b2b2", func(r LedgerRow) bool {
		return r.Alive && r.Size == "g5.2xlarge" && math.Abs(r.RunningHours-(8+50.0/60)) < 1e-9
	})
	// The same id in us-west-2 is another resource.
	check("us-west-2 i-0a1a1a1a1a1a1a1a1", func(r LedgerRow) bool { return r.Alive && r.Size == "c5.xlarge" && r.CreatedBy == "bob" })
	check("us-east-1 i-0c3c3c3c3c3c3c3c3", func(r LedgerRow) bool {
		return !r.Alive && r.CreatedBy == "AutoScaling" && r.CreatedByService == "autoscaling.amazonaws.com" && r.RunningHours == 3 &&
			LedgerByCreator(&r) == "AutoScaling"
	})
	// Seen only stopping at 06:00 and starting at 07:00: ran from the range's start.
	check("us-east-1 i-0d4d4d4d4d4d4d4d4", func(r LedgerRow) bool {
		return r.Alive && r.CreatedTime.IsZero() && math.Abs(r.RunningHours-(6+1+50.0/60)) < 1e-9
	})
	// Started first (it was stopped), stopped an hour later.
	check("us-east-1 i-0e5e5e5e5e5e5e5e5", func(r LedgerRow) bool { return r.Alive && r.RunningHours == 1 })
	check("us-east-1 vol-0a1a1a1a1a1a1a1a1", func(r LedgerRow) bool { return r.Alive && r.Size == "gp3 100 GiB" && r.Events == 1 })
	check("us-east-1 vol-0b2b2b2b2b2b2b2b2", func(r LedgerRow) bool { return !r.Alive && r.RunningHours == 1 && r.Size == "io2 8 GiB" })
	check("us-east-1 eipalloc-0a1a1a1a1a1a1a1a1", func(r LedgerRow) bool { return r.Alive && r.Size == "vpc" && r.CreatedBy == "carol" })
	check("us-east-1 nat-0a1a1a1a1a1a1a1a1", func(r LedgerRow) bool { return !r.Alive && r.RunningHours == 4 && r.Size == "public" })
	check("us-east-1 sg-0a1a1a1a1a1a1a1a1", func(r LedgerRow) bool { return !r.Alive && r.Events == 6 })
	// RDS: created 00:45, stopped 02:45, resized, started 03:45, deleted 07:45.
	check("us-east-1 orders-db", func(r LedgerRow) bool {
		return !r.Alive && r.RunningHours == 6 && r.Size == "db.m5.large mysql" && r.DeletedBy == "bob"
	})
	// Updated by its ARN, deleted by its name: one function.
	check("us-east-1 thumbnailer", func(r LedgerRow) bool {
		return !r.Alive && r.Events == 3 && r.Size == "512 MB" && r.CreatedByService == "cloudformation.amazonaws.com"
	})
	// Deleted by its ARN: one table.
	check("us-east-1 sessions", func(r LedgerRow) bool { return !r.Alive && r.Events == 2 && r.Size == "PAY_PER_REQUEST" })
	check("us-east-1 platform", func(r LedgerRow) bool { return !r.Alive && r.Size == "1.30" && r.RunningHours == 4 })
	check("us-east-1 AKIAXAFZN8JEPF6L682H", func(r LedgerRow) bool { return !r.Alive && r.Events == 3 && r.Size == "Inactive" })
	check("us-east-1 build-bot", func(r LedgerRow) bool { return !r.Alive && r.CreatedBy == "bob" })
	check("us-east-1 snap-0b2b2b2b2b2b2b2b2", func(r LedgerRow) bool { return r.Alive && r.Size == "" })
	check("us-east-1 ami-0a1a1a1a1a1a1a1a1", func(r LedgerRow) bool { return !r.Alive })
	// The failed p2.xlarge launch made nothing.
	for k, r := range byKey {
		if r.Size == "p2.xlarge" {
			t.Errorf("%s: a failed launch made a row", k)
		}
	}
}

// TestLedgerOverStratusRecords builds the ledger over every real record of
// ../shared/datasets/stratus-red-team (skipped where absent) and compares
// it with the tests' own pairing: no wrong pairing, no row missing.
func TestLedgerOverStratusRecords(t *testing.T) {
	dir := datasetDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no records in %s: %v", dir, err)
	}
	var records []ledgerTestRecord
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		records = append(records, ledgerRecordsOfArray(t, b)...)
	}
	events := ledgerEventsOf(t, records)
	want := ledgerTruth(t, records, time.Time{}, time.Time{})
	l := NewLedger()
	for i := range events {
		l.Add(&events[i])
	}
	rows := l.Rows(time.Time{}, time.Time{})
	checkLedgerRows(t, "stratus", rows, want)
	// What the records hold: the ec2-user-data instance (stopped, then
	// started), the backdoor users' keys, the user, the function updated
	// by its ARN, the opened security group.
	if len(rows) < 6 {
		t.Errorf("only %d rows from the stratus records: %+v", len(rows), rows)
	}
	for _, r := range rows {
		if r.ResourceType == "AWS::Lambda::Function" && strings.HasPrefix(r.ResourceID, "arn:") {
			t.Errorf("a function keyed by its ARN: %s", r.ResourceID)
		}
	}
}

// ledgerRecordsOfArray reads a file's JSON array of records: each one's
// compact text (what a source hands FromRecord) and its fields.
func ledgerRecordsOfArray(t *testing.T, array []byte) []ledgerTestRecord {
	t.Helper()
	var raws []json.RawMessage
	if err := json.Unmarshal(array, &raws); err != nil {
		t.Fatal(err)
	}
	out := make([]ledgerTestRecord, 0, len(raws))
	for _, r := range raws {
		var compact bytes.Buffer
		if err := json.Compact(&compact, r); err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(r, &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, ledgerTestRecord{raw: compact.String(), fields: m})
	}
	return out
}
