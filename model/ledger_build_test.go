package model

import (
	"fmt"
	"testing"
	"time"
)

// recordOf makes a raw record of a call, for the builder's tests.
func recordOf(t *testing.T, at time.Time, region, source, name, user, req, resp, errCode string) Event {
	t.Helper()
	raw := fmt.Sprintf(`{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/%s","accountId":"111122223333","userName":"%s"},"eventTime":"%s","eventSource":"%s","eventName":"%s","awsRegion":"%s","sourceIPAddress":"192.0.2.1","userAgent":"agent-of-%s","requestParameters":%s,"responseElements":%s,"eventID":"%s","recipientAccountId":"111122223333"`,
		user, user, at.UTC().Format(time.RFC3339), source, name, region, user, req, resp, fmt.Sprintf("ev-%s-%d", name, at.Unix()))
	if errCode != "" {
		raw += `,"errorCode":"` + errCode + `"`
	}
	raw += "}"
	e, err := FromRecord(raw)
	if err != nil {
		t.Fatalf("FromRecord: %v", err)
	}
	return e
}

func TestLedgerPairsInstances(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
	const ec2 = "ec2.amazonaws.com"
	run := `{"requestId":"r","instancesSet":{"items":[{"instanceId":"i-a","instanceType":"t3.micro"},{"instanceId":"i-b","instanceType":"m5.large"}]}}`
	events := []Event{
		recordOf(t, h(1), "eu-west-1", ec2, "RunInstances", "adam", `{"instanceType":"t3.micro"}`, run, ""),
		recordOf(t, h(2), "eu-west-1", ec2, "RunInstances", "eve", `{"instanceType":"g5.2xlarge"}`, `null`, "Client.UnauthorizedOperation"),
		recordOf(t, h(3), "eu-west-1", ec2, "StopInstances", "bob", `{"instancesSet":{"items":[{"instanceId":"i-a"}]}}`, `{}`, ""),
		recordOf(t, h(5), "eu-west-1", ec2, "StartInstances", "bob", `{"instancesSet":{"items":[{"instanceId":"i-a"}]}}`, `{}`, ""),
		recordOf(t, h(6), "eu-west-1", ec2, "TerminateInstances", "carol", `{"instancesSet":{"items":[{"instanceId":"i-b"}]}}`, `{}`, ""),
		recordOf(t, h(7), "eu-west-1", ec2, "ModifyInstanceAttribute", "bob", `{"instanceId":"i-a","instanceType":{"value":"t3.large"}}`, `{}`, ""),
		// Only stopped in the range: it ran from the start until then.
		recordOf(t, h(4), "us-east-1", ec2, "StopInstances", "bob", `{"instancesSet":{"items":[{"instanceId":"i-old"}]}}`, `{}`, ""),
		recordOf(t, h(2), "us-east-1", ec2, "CreateVolume", "adam", `{"size":100}`, `{"volumeId":"vol-1","size":"100","volumeType":"gp3"}`, ""),
		// A bucket's delete recorded in another region still pairs.
		recordOf(t, h(2), "eu-west-1", "s3.amazonaws.com", "CreateBucket", "adam", `{"bucketName":"logs-bucket"}`, `null`, ""),
		recordOf(t, h(8), "us-east-1", "s3.amazonaws.com", "DeleteBucket", "carol", `{"bucketName":"logs-bucket"}`, `null`, ""),
		// Noise no rule names.
		recordOf(t, h(9), "us-east-1", ec2, "DescribeInstances", "adam", `{}`, `null`, ""),
	}
	// Newest first, as the timeline holds them: Add takes any order.
	l := NewLedger()
	for i := len(events) - 1; i >= 0; i-- {
		l.Add(&events[i])
	}
	rows := l.Rows(h(0), h(10))
	byID := map[string]LedgerRow{}
	for _, r := range rows {
		byID[r.ResourceID] = r
	}
	if len(rows) != 5 {
		t.Fatalf("rows %d, want 5 (i-a, i-b, i-old, vol-1, logs-bucket): %+v", len(rows), rows)
	}
	a := byID["i-a"]
	if !a.Alive || a.CreatedBy != "adam" || a.Size != "t3.large" || a.RunningHours != 2+5 || a.Events != 4 || a.UserAgent != "agent-of-adam" || a.CreatedTime != h(1) {
		t.Errorf("i-a: %+v", a)
	}
	b := byID["i-b"]
	if b.Alive || b.DeletedBy != "carol" || b.DeletedTime != h(6) || b.Size != "m5.large" || b.RunningHours != 5 {
		t.Errorf("i-b: %+v", b)
	}
	if old := byID["i-old"]; !old.Alive || !old.CreatedTime.IsZero() || old.RunningHours != 4 || old.Region != "us-east-1" {
		t.Errorf("i-old: %+v", old)
	}
	if v := byID["vol-1"]; v.Size != "gp3 100 GiB" || v.RunningHours != 8 || !v.Alive {
		t.Errorf("vol-1: %+v", v)
	}
	if bk := byID["logs-bucket"]; bk.Alive || bk.DeletedBy != "carol" || bk.RunningHours != 6 || bk.Region != "eu-west-1" {
		t.Errorf("bucket: %+v", bk)
	}
	if rows[0].Alive != true || rows[len(rows)-1].Alive {
		t.Errorf("alive rows do not come first: %+v", rows)
	}
	// Through the timeline: the same rows from the filtered view.
	tl := NewTimeline()
	sorted := append([]Event(nil), events...)
	sortNewestFirst(sorted)
	tl.Add(sorted)
	if got := tl.Ledger().Rows(h(0), h(10)); fmt.Sprint(got) != fmt.Sprint(rows) {
		t.Errorf("timeline ledger differs:\n%+v\n%+v", got, rows)
	}
	// The ledger is built from what the filter selects: carol's terminate
	// of i-b is not among adam's events, so i-b shows alive (no delete
	// seen), which is all "alive" claims.
	tl.SetFilter(ParseFilter("user:adam"))
	got := tl.Ledger().Rows(h(0), h(10))
	if len(got) != 4 {
		t.Fatalf("adam's events name 4 resources, got %d: %+v", len(got), got)
	}
	for _, r := range got {
		if !r.Alive {
			t.Errorf("%s: a delete by someone else was seen through user:adam", r.ResourceID)
		}
	}
}

func sortNewestFirst(evs []Event) {
	for i := 1; i < len(evs); i++ {
		for j := i; j > 0 && evs[j].Time.After(evs[j-1].Time); j-- {
			evs[j], evs[j-1] = evs[j-1], evs[j]
		}
	}
}

func TestPathValues(t *testing.T) {
	doc := `{"a":{"items":[{"id":"x","n":3},{"id":"","n":null},{"id":"y","b":true}]},"s":"str","o":{"k":1}}`
	var got []string
	pathValues(doc, []string{"a", "items"}, func(v string) { got = append(got, v) })
	if len(got) != 3 || got[0] != `{"id":"x","n":3}` {
		t.Errorf("items: %q", got)
	}
	got = nil
	pathValues(doc, []string{"a", "items", "n"}, func(v string) { got = append(got, v) })
	if fmt.Sprint(got) != "[3]" {
		t.Errorf("n: %q", got)
	}
	if first(doc, []string{"o"}) != `{"k":1}` || first(doc, []string{"s"}) != "str" || first(doc, []string{"missing"}) != "" {
		t.Error("first")
	}
}

// TestExtendLedgerEqualsARebuild: a ledger extended as each page of
// events loads holds what one built over them all at the end holds.
func TestExtendLedgerEqualsARebuild(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var evs []Event
	for i := range 60 {
		at := t0.Add(time.Duration(60-i) * time.Hour) // newest first
		id := fmt.Sprintf("i-%03d", i%7)
		switch i % 4 {
		case 0:
			evs = append(evs, recordOf(t, at, "us-east-1", "ec2.amazonaws.com", "TerminateInstances", "bob", `{"instancesSet":{"items":[{"instanceId":"`+id+`"}]}}`, `{}`, ""))
		case 1:
			evs = append(evs, recordOf(t, at, "us-east-1", "ec2.amazonaws.com", "StopInstances", "bob", `{"instancesSet":{"items":[{"instanceId":"`+id+`"}]}}`, `{}`, ""))
		case 2:
			evs = append(evs, recordOf(t, at, "us-east-1", "ec2.amazonaws.com", "DescribeInstances", "eve", `{}`, `null`, ""))
		default:
			evs = append(evs, recordOf(t, at, "us-east-1", "ec2.amazonaws.com", "RunInstances", "adam", `{}`, `{"instancesSet":{"items":[{"instanceId":"`+id+`","instanceType":"t3.micro"}]}}`, ""))
		}
	}
	tl := NewTimeline()
	tl.SetFilter(ParseFilter("user:adam,bob"))
	l, done := NewLedger(), 0
	for page := 0; page < len(evs); page += 9 {
		tl.Add(evs[page:min(page+9, len(evs))])
		done = tl.ExtendLedger(l, done)
		want := tl.Ledger().Rows(time.Time{}, time.Time{})
		if got := l.Rows(time.Time{}, time.Time{}); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("after %d events, extended:\n%+v\nrebuilt:\n%+v", tl.Len(), got, want)
		}
	}
	if done != tl.Matches() || done != 45 {
		t.Errorf("done %d, matches %d, want 45", done, tl.Matches())
	}
}
