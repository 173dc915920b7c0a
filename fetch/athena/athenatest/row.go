// Package athenatest holds what tests need around Athena: result rows
// made from CloudTrail records as Athena's CloudTrail table reads them,
// and a proxy in front of moto_server's Athena that answers each query
// with the rows a test computes for its SQL, pages them with NextToken,
// and can throttle, fail or hold a query.
package athenatest

import (
	"encoding/json"
	"strings"

	"lazytrail/fetch/athena"
)

// Row is one record as a result row of lazytrail's SELECT, the way the
// CloudTrail table's JSON serde reads it: a column declared STRING that
// holds an object keeps the object's JSON text, booleans read "true" or
// "false", a missing field is NULL, field names match ignoring case.
// path is the record's "$path".
func Row(raw, path string) ([]*string, error) {
	var rec map[string]any
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&rec); err != nil {
		return nil, err
	}
	var out []*string
	for _, col := range athena.Columns() {
		switch {
		case col == `"$path"`:
			out = append(out, &path)
		case col == athena.AccountPartition:
			out = append(out, accountOf(path))
		case strings.HasPrefix(col, "json_format("):
			out = append(out, resourcesJSON(rec["resources"]))
		default:
			out = append(out, text(lookup(rec, strings.Split(col, "."))))
		}
	}
	return out, nil
}

// lookup walks a dotted column path through nested objects, matching
// names ignoring case as the serde does.
func lookup(v any, path []string) any {
	for _, name := range path {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = nil
		for k, child := range obj {
			if strings.EqualFold(k, name) {
				v = child
				break
			}
		}
	}
	return v
}

// text is a value as a STRING column holds it.
func text(v any) *string {
	var s string
	switch v := v.(type) {
	case nil:
		return nil
	case string:
		s = v
	case bool:
		s = "false"
		if v {
			s = "true"
		}
	case json.Number:
		s = v.String()
	default:
		s = marshal(v)
	}
	return &s
}

// marshal is compact JSON without Go's HTML escaping (<, >, & stay).
func marshal(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return strings.TrimSuffix(b.String(), "\n")
}

// resourcesJSON is json_format(CAST(resources AS JSON)) in Trino: the
// array of rows (arn, accountid, type) as an array of objects keyed by
// the declared field names.
func resourcesJSON(v any) *string {
	items, ok := v.([]any)
	if !ok {
		return nil
	}
	type resource struct {
		ARN       *string `json:"arn"`
		AccountID *string `json:"accountid"`
		Type      *string `json:"type"`
	}
	out := make([]resource, 0, len(items))
	for _, item := range items {
		out = append(out, resource{
			ARN:       text(lookup(item, []string{"arn"})),
			AccountID: text(lookup(item, []string{"accountid"})),
			Type:      text(lookup(item, []string{"type"})),
		})
	}
	s := marshal(out)
	return &s
}

// accountOf is the account folder of a log file's path
// (…/AWSLogs/[o-…/]ACCOUNT/CloudTrail/…), as the account partition holds.
func accountOf(path string) *string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if p == "CloudTrail" && i > 0 {
			return &parts[i-1]
		}
	}
	return nil
}
