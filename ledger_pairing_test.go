package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"lazytrail/model"
)

// The tests' own resource pairing: raw records read with encoding/json,
// paths walked and creates paired with deletes by this file's code, never
// the ledger builder's. Only the table itself (model.LedgerRules: which
// calls, which paths) is shared, since it is the contract both read.

// pairRecord is one raw record as the pairing needs it, with the user
// name the source lists (LookupEvents' Username, or the test's own
// derivation for trail files).
type pairRecord struct {
	raw      string
	username string
}

// pairKey is a resource: the same id in another account, region or type
// is another resource.
type pairKey struct{ account, region, typ, id string }

func (k pairKey) String() string { return k.account + "/" + k.region + "/" + k.typ + "/" + k.id }

// pairRow is what the pairing expects of one ledger row.
type pairRow struct {
	key                                     pairKey
	region                                  string // the create's, else the first call's
	createdTime                             time.Time
	createdBy, createdByARN, createdEventID string
	createdByService, userAgent             string
	deletedTime                             time.Time
	deletedBy                               string
	alive                                   bool
	size                                    string
	hours                                   float64
	events                                  int
	rule                                    *model.LedgerRule
	calls                                   []pairCall
}

// pairCall is one call about one resource.
type pairCall struct {
	what string // create, delete, start, stop, modify
	size string
	rec  *pairedRecord
}

// pairedRecord is a record decoded for the pairing.
type pairedRecord struct {
	at       time.Time
	id       string
	body     map[string]any
	username string
}

// pairLedger pairs records (any order) over [start, end), as the README
// defines the ledger: one row per resource a rule names, failed calls left
// out, hours clipped to the range.
func pairLedger(records []pairRecord, start, end time.Time) (map[pairKey]*pairRow, error) {
	var recs []pairedRecord
	for _, r := range records {
		dec := json.NewDecoder(strings.NewReader(r.raw))
		dec.UseNumber() // sizes keep their text: 100, not 1e+02
		var body map[string]any
		if err := dec.Decode(&body); err != nil {
			return nil, fmt.Errorf("record %.80s: %v", r.raw, err)
		}
		at, err := time.Parse(time.RFC3339, text(body["eventTime"]))
		if err != nil {
			return nil, fmt.Errorf("record %s: eventTime: %v", text(body["eventID"]), err)
		}
		if at.Before(start) || !at.Before(end) {
			continue
		}
		recs = append(recs, pairedRecord{at: at, id: text(body["eventID"]), body: body, username: r.username})
	}
	rows := map[pairKey]*pairRow{}
	for i := range recs {
		pairOne(rows, &recs[i])
	}
	for _, row := range rows {
		row.settle(start, end)
	}
	return rows, nil
}

// pairOne notes one record's call on every resource a rule names in it.
func pairOne(rows map[pairKey]*pairRow, r *pairedRecord) {
	if text(r.body["errorCode"]) != "" {
		return
	}
	source, name := text(r.body["eventSource"]), text(r.body["eventName"])
	identity, _ := r.body["userIdentity"].(map[string]any)
	account := text(r.body["recipientAccountId"])
	if account == "" {
		account = text(identity["accountId"])
	}
	for ri := range model.LedgerRules {
		rule := &model.LedgerRules[ri]
		if rule.Source != source {
			continue
		}
		for _, kind := range []struct {
			calls []model.LedgerCall
			what  string
		}{{rule.Create, "create"}, {rule.Delete, "delete"}, {rule.Start, "start"}, {rule.Stop, "stop"}, {rule.Modify, "modify"}} {
			for _, call := range kind.calls {
				if call.Event != name {
					continue
				}
				for _, hit := range callHits(r.body, call) {
					region := text(r.body["awsRegion"])
					// IAM names are global (their calls are recorded in
					// us-east-1) and so are bucket names.
					if strings.HasPrefix(rule.Type, "AWS::IAM::") || rule.Type == "AWS::S3::Bucket" {
						region = ""
					}
					key := pairKey{account, region, rule.Type, hit.id}
					row := rows[key]
					if row == nil {
						row = &pairRow{key: key, rule: rule}
						rows[key] = row
					}
					row.calls = append(row.calls, pairCall{what: kind.what, size: hit.size, rec: r})
				}
			}
		}
	}
}

// settle walks a resource's calls in time order into its row. Before its
// first call a resource existed, and ran, unless that call created it or
// started it (a stopped instance started in the range).
func (row *pairRow) settle(start, end time.Time) {
	slices.SortStableFunc(row.calls, func(a, b pairCall) int {
		if c := a.rec.at.Compare(b.rec.at); c != 0 {
			return c
		}
		return strings.Compare(a.rec.id, b.rec.id)
	})
	row.events, row.alive = len(row.calls), true
	row.region = text(row.calls[0].rec.body["awsRegion"])
	exists := row.calls[0].what != "create"
	running := exists && row.calls[0].what != "start"
	paying := func() bool { return exists && (running || !row.rule.Running) }
	since := start
	for _, c := range row.calls {
		before := paying()
		if c.size != "" && (c.what == "create" || c.what == "modify") {
			row.size = c.size
		}
		switch c.what {
		case "create":
			identity, _ := c.rec.body["userIdentity"].(map[string]any)
			row.createdTime, row.createdBy, row.createdEventID = c.rec.at, c.rec.username, c.rec.id
			row.createdByARN, row.createdByService = text(identity["arn"]), text(identity["invokedBy"])
			if row.createdByService == "" && text(identity["type"]) == "AWSService" {
				row.createdByService = c.rec.username // an AWS service's own call
			}
			row.userAgent, row.region = text(c.rec.body["userAgent"]), text(c.rec.body["awsRegion"])
			row.alive, row.deletedTime, row.deletedBy = true, time.Time{}, ""
			exists, running = true, true
		case "delete":
			row.alive, row.deletedTime, row.deletedBy = false, c.rec.at, c.rec.username
			exists = false
		case "start":
			running = true
		case "stop":
			running = false
		}
		switch after := paying(); {
		case before && !after:
			row.hours += c.rec.at.Sub(since).Hours()
		case !before && after:
			since = c.rec.at
		}
	}
	if paying() {
		row.hours += end.Sub(since).Hours()
	}
}

// callHit is one resource a call names, with its size.
type callHit struct{ id, size string }

// callHits reads a call's ids and sizes from a record: a size path under
// the id's array is read from the id's own element.
func callHits(body map[string]any, call model.LedgerCall) []callHit {
	prefix, rest, inArray := strings.Cut(call.ID, "[].")
	var hits []callHit
	if !inArray {
		if id := text(walk(body, call.ID)); id != "" {
			hits = append(hits, callHit{id: id, size: sizeOf(body, nil, "", call)})
		}
		return hits
	}
	list, _ := walk(body, prefix).([]any)
	for _, elem := range list {
		if id := text(walk(elem, rest)); id != "" {
			hits = append(hits, callHit{id: id, size: sizeOf(body, elem, prefix+"[].", call)})
		}
	}
	return hits
}

// sizeOf joins a call's size values with spaces, leaving out a missing
// one, and adds the unit.
func sizeOf(body map[string]any, elem any, elemPrefix string, call model.LedgerCall) string {
	var parts []string
	for _, p := range call.Size {
		var v any
		if rest, ok := strings.CutPrefix(p, elemPrefix); ok && elemPrefix != "" {
			v = walk(elem, rest)
		} else {
			v = walk(body, strings.Replace(p, "[].", ".0.", 1))
		}
		s := text(v)
		if s == "" {
			break // a missing value leaves out the ones after it too
		}
		parts = append(parts, s)
	}
	if len(parts) > 0 && call.Unit != "" {
		parts = append(parts, call.Unit)
	}
	return strings.Join(parts, " ")
}

// walk follows dotted keys; a number key indexes an array.
func walk(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			var i int
			if _, err := fmt.Sscan(k, &i); err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// text is a scalar's text as the record writes it; "" for anything else.
func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return fmt.Sprint(x)
	}
	return ""
}

// ledgerLine is one jsonl line of --view resources, decoded strictly:
// a key the issue does not name fails the decode.
type ledgerLine struct {
	ResourceID       string   `json:"resourceId"`
	ResourceType     string   `json:"resourceType"`
	Account          string   `json:"account"`
	Region           string   `json:"region"`
	CreatedTime      string   `json:"createdTime"`
	CreatedBy        string   `json:"createdBy"`
	CreatedByARN     string   `json:"createdByArn"`
	CreatedEventID   string   `json:"createdEventId"`
	CreatedByService string   `json:"createdByService"`
	UserAgent        string   `json:"userAgent"`
	DeletedTime      string   `json:"deletedTime"`
	DeletedBy        string   `json:"deletedBy"`
	Alive            bool     `json:"alive"`
	Size             string   `json:"size"`
	RunningHours     float64  `json:"runningHours"`
	EstimatedCostUSD *float64 `json:"estimatedCostUSD"`
	CostNote         string   `json:"costNote"`
	Events           int      `json:"events"`
}

func (l *ledgerLine) key() pairKey {
	region := l.Region
	if strings.HasPrefix(l.ResourceType, "AWS::IAM::") || l.ResourceType == "AWS::S3::Bucket" {
		region = ""
	}
	return pairKey{l.Account, region, l.ResourceType, l.ResourceID}
}

// decodeLedgerLines reads jsonl strictly, one object a line.
func decodeLedgerLines(out string) ([]ledgerLine, error) {
	var lines []ledgerLine
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line == "" {
			if out == "" {
				break
			}
			return nil, fmt.Errorf("line %d is empty", i+1)
		}
		dec := json.NewDecoder(bytes.NewReader([]byte(line)))
		dec.DisallowUnknownFields()
		var l ledgerLine
		if err := dec.Decode(&l); err != nil {
			return nil, fmt.Errorf("line %d: %v: %s", i+1, err, line)
		}
		lines = append(lines, l)
	}
	return lines, nil
}

// lineTime reads a time key: absent as "" or the zero time.
func lineTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.IsZero() {
		return time.Time{}, err
	}
	return t, nil
}

// lineDiffs names every field where a printed row differs from the
// pairing's (hours within a millisecond's worth).
func lineDiffs(l *ledgerLine, want *pairRow, hours bool) []string {
	var diffs []string
	check := func(field string, got, want any) {
		if got != want {
			diffs = append(diffs, fmt.Sprintf("%s %q, want %q", field, fmt.Sprint(got), fmt.Sprint(want)))
		}
	}
	created, err := lineTime(l.CreatedTime)
	if err != nil {
		diffs = append(diffs, "createdTime: "+err.Error())
	}
	deleted, err := lineTime(l.DeletedTime)
	if err != nil {
		diffs = append(diffs, "deletedTime: "+err.Error())
	}
	check("createdTime", created.UTC(), want.createdTime.UTC())
	check("region", l.Region, want.region)
	check("createdBy", l.CreatedBy, want.createdBy)
	check("createdByArn", l.CreatedByARN, want.createdByARN)
	check("createdEventId", l.CreatedEventID, want.createdEventID)
	check("userAgent", l.UserAgent, want.userAgent)
	check("deletedTime", deleted.UTC(), want.deletedTime.UTC())
	check("deletedBy", l.DeletedBy, want.deletedBy)
	check("alive", l.Alive, want.alive)
	check("size", l.Size, want.size)
	check("events", l.Events, want.events)
	check("createdByService", l.CreatedByService, want.createdByService)
	if hours && math.Abs(l.RunningHours-want.hours) > 1e-3/3600 {
		diffs = append(diffs, fmt.Sprintf("runningHours %v, want %v", l.RunningHours, want.hours))
	}
	return diffs
}
