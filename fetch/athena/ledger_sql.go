package athena

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"lazytrail/model"
)

// The resource ledger as one query: model.LedgerRules compiled to SQL that
// reads the table once (Athena bills each scan), keeps the calls the rules
// name that did not fail, makes one row per resource a call names (UNNEST
// of an index over a "[]" array: a RunInstances of three instances is three
// rows), and groups them by resource. Everything the builder (model.Ledger)
// derives is computed in the SQL, following its state machine call by
// call: who created it (the latest create), whether a delete came after
// that, the latest size given, and the running hours, from windows over
// each resource's calls in time order (which calls it existed and ran
// after, and the next call's time), clipped to the range. Go only parses
// the rows and sorts them.
//
// It keeps to the SQL subset sql.go's package comment describes, plus
// what Trino and DuckDB both read the same way: max_by, min_by, window
// lead, first_value and sum with a ROWS frame, date_diff('millisecond',
// …), try, try_cast, json_extract and json_array_length. Two Trino
// functions DuckDB lacks, json_extract_scalar and sequence, the DuckDB
// tests define as macros (duckathena.Trino), as json_format.

// ledgerMarker starts the ledger's SQL: Athena's query history says what
// the query is, and the test engines know its columns by it.
const ledgerMarker = "/* lazytrail resource ledger */"

// ledgerColumns are the ledger query's columns, in the order rows carry
// them.
var ledgerColumns = []string{
	"account", "region", "resource_type", "resource_id",
	"created_time", "created_by", "created_by_arn", "created_event_id", "created_by_service", "user_agent",
	"deleted_time", "deleted_by", "alive", "size", "running_ms", "events",
}

// ResultColumns is the columns a query lazytrail compiled selects, in the
// order its rows carry them: the ledger's, or the events' (Columns).
func ResultColumns(sql string) []string {
	if strings.HasPrefix(sql, ledgerMarker) {
		return slices.Clone(ledgerColumns)
	}
	return slices.Clone(columns)
}

// CompileLedger returns the ledger's SQL over q's range and filter: the
// calls of every rule among the events q's filter selects. A filter with
// a term SQL cannot decide exactly (res:, raw:, restype:, session:) is
// refused with model.ErrNoLedger: the ledger must be the builder's over
// exactly the filtered events, and those terms are decided on the stream.
func CompileLedger(q Query) (string, error) {
	if err := q.check(); err != nil {
		return "", err
	}
	c := compiler{t: q.Table}
	for _, t := range q.Filter.Terms() {
		if t.Key == "res" || t.Key == "raw" || c.term(t) == "" {
			return "", fmt.Errorf("%w: SQL cannot decide %s: exactly", model.ErrNoLedger, t.Key)
		}
	}
	calls, err := ledgerCalls(model.LedgerRules)
	if err != nil {
		return "", err
	}
	where := c.where(q)
	where = append(where, "coalesce(errorcode, '') = ''", callsNamed(calls))
	since, until := sqlTimestamp(q.Since), sqlTimestamp(q.Until)
	who := usernameSQL(c.t.OnBehalfOf)

	// r: the records of the calls, each with its call's number in calls
	// and what the builder keeps of it.
	var callNo strings.Builder
	callNo.WriteString("CASE")
	for n, lc := range calls {
		callNo.WriteString(" WHEN eventsource = " + quote(lc.source) + " AND eventname = " + quote(lc.event) + " THEN " + strconv.Itoa(n))
	}
	callNo.WriteString(" END")
	r := "SELECT " + c.expr("account") + " AS account, coalesce(awsregion, '') AS region" +
		",\n        eventtime, coalesce(eventid, '') AS eventid" +
		",\n        " + who + " AS who" +
		",\n        coalesce(useridentity.arn, '') AS arn" +
		// The service that acted for the caller: invokedBy, or an
		// AWSService identity's name.
		",\n        coalesce(nullif(useridentity.invokedby, ''), CASE WHEN useridentity.type = 'AWSService' THEN " + who + " END, '') AS service" +
		",\n        coalesce(useragent, '') AS agent, " + strings.Join(jsonColumns(calls), ", ") +
		",\n        " + callNo.String() + " AS call_no" +
		"\n      FROM " + q.Table.Name +
		"\n      WHERE " + strings.Join(where, "\n        AND ")

	// x: one row per resource a call names. ord orders a resource's
	// calls: by time, then event id.
	x := "SELECT account, region, eventtime, eventid, who, arn, service, agent" +
		",\n      concat(eventtime, eventid) AS ord" +
		",\n      try_cast(replace(replace(eventtime, 'T', ' '), 'Z', '') AS TIMESTAMP) AS ts"
	for _, f := range []struct{ name, of string }{
		{"resource_type", "type"}, {"role", "role"}, {"accrues_stopped", "accruesStopped"}, {"global_name", "global"},
		{"rid", "id"}, {"size", "size"},
	} {
		x += ",\n      " + callCase(calls, f.of) + " AS " + f.name
	}
	x += "\n    FROM (" + r + ") r" +
		"\n    CROSS JOIN UNNEST(sequence(0, greatest(" + callCase(calls, "count") + " - 1, 0))) AS u(i)"

	// b: a resource's calls in order, each with the next one's time, the
	// first call's role, and how many calls so far set whether it exists
	// (create, delete) and whether it runs (create, start, stop).
	key := "account, kregion, resource_type, rid"
	upTo := "OVER (PARTITION BY " + key + " ORDER BY ord ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
	b := "SELECT y.*" +
		",\n    lead(ts) OVER (PARTITION BY " + key + " ORDER BY ord) AS next_ts" +
		",\n    first_value(role) " + upTo + " AS first_role" +
		",\n    sum(CASE WHEN role IN ('create', 'delete') THEN 1 ELSE 0 END) " + upTo + " AS exist_calls" +
		",\n    sum(CASE WHEN role IN ('create', 'start', 'stop') THEN 1 ELSE 0 END) " + upTo + " AS run_calls" +
		"\n  FROM (SELECT x.*, CASE WHEN global_name = 1 THEN '' ELSE region END AS kregion FROM (" + x + ") x" +
		"\n    WHERE rid IS NOT NULL AND rid <> '') y"
	// s: each call with the latest call that set each state: the first of
	// its group.
	st := "SELECT b.*" +
		",\n    first_value(role) OVER (PARTITION BY " + key + ", exist_calls ORDER BY ord ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS exist_role" +
		",\n    first_value(role) OVER (PARTITION BY " + key + ", run_calls ORDER BY ord ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run_role" +
		"\n  FROM (" + b + ") b"

	// Before its first call the resource existed, and ran, unless that
	// call created or started it (model.Ledger's rule). After a call, it
	// exists when the latest create or delete was a create, and runs when
	// the latest create, start or stop was not a stop.
	exists := "(CASE WHEN exist_calls = 0 THEN (CASE WHEN first_role <> 'create' THEN 1 ELSE 0 END) WHEN exist_role = 'create' THEN 1 ELSE 0 END)"
	runs := "(CASE WHEN run_calls = 0 THEN (CASE WHEN first_role NOT IN ('create', 'start') THEN 1 ELSE 0 END) WHEN run_role <> 'stop' THEN 1 ELSE 0 END)"
	span := func(from, to string) string {
		return "greatest(coalesce(date_diff('millisecond', greatest(" + from + ", " + since + "), least(" + to + ", " + until + ")), 0), 0)"
	}
	after := "CASE WHEN " + exists + " = 1 AND (" + runs + " = 1 OR accrues_stopped = 1) THEN " + span("ts", "coalesce(next_ts, "+until+")") + " ELSE 0 END"
	firstRole := "max(first_role)"
	before := "CASE WHEN " + firstRole + " <> 'create' AND (" + firstRole + " <> 'start' OR max(accrues_stopped) = 1) THEN " + span(since, "min(ts)") + " ELSE 0 END"

	// Alive: no delete, or a create after the latest delete.
	lastCreate := "max(CASE WHEN role = 'create' THEN ord END)"
	lastDelete := "max(CASE WHEN role = 'delete' THEN ord END)"
	alive := "(CASE WHEN " + lastDelete + " IS NULL OR " + lastCreate + " > " + lastDelete + " THEN 1 ELSE 0 END)"
	created := func(col string) string {
		return "coalesce(max_by(" + col + ", CASE WHEN role = 'create' THEN ord END), '')"
	}
	deleted := func(col string) string {
		return "CASE WHEN " + alive + " = 0 THEN max_by(" + col + ", CASE WHEN role = 'delete' THEN ord END) ELSE '' END"
	}

	var out strings.Builder
	out.WriteString(ledgerMarker + "\n")
	out.WriteString("SELECT account")
	// The create's region, else the first call's (a global name's calls
	// may be recorded in several).
	out.WriteString(",\n  coalesce(max_by(region, CASE WHEN role = 'create' THEN ord END), min_by(region, ord)) AS region")
	out.WriteString(",\n  resource_type, rid AS resource_id")
	for _, f := range [][2]string{{"eventtime", "created_time"}, {"who", "created_by"}, {"arn", "created_by_arn"},
		{"eventid", "created_event_id"}, {"service", "created_by_service"}, {"agent", "user_agent"}} {
		out.WriteString(",\n  " + created(f[0]) + " AS " + f[1])
	}
	out.WriteString(",\n  " + deleted("eventtime") + " AS deleted_time")
	out.WriteString(",\n  " + deleted("who") + " AS deleted_by")
	out.WriteString(",\n  " + alive + " AS alive")
	// The size: the latest a create or modify gave.
	out.WriteString(",\n  coalesce(max_by(size, CASE WHEN role IN ('create', 'modify') AND size <> '' THEN ord END), '') AS size")
	out.WriteString(",\n  CAST(sum(" + after + ") + " + before + " AS BIGINT) AS running_ms")
	out.WriteString(",\n  count(*) AS events")
	out.WriteString("\nFROM (" + st + ") s")
	out.WriteString("\nGROUP BY " + key)
	out.WriteString("\nORDER BY account, kregion, resource_type, rid")
	return out.String(), nil
}

// check is what every query needs: a filter that parses and a range.
func (q Query) check() error {
	if err := q.Filter.Err(); err != "" {
		return fmt.Errorf("filter: %s", err)
	}
	if q.Since.IsZero() || q.Until.IsZero() {
		return fmt.Errorf("an Athena query needs a time range (--since, --until)")
	}
	if q.Until.Before(q.Since) {
		return fmt.Errorf("the time range ends before it starts")
	}
	return nil
}

// sqlTimestamp is a TIMESTAMP literal, to the millisecond.
func sqlTimestamp(t time.Time) string {
	return "TIMESTAMP " + quote(t.UTC().Format("2006-01-02 15:04:05.000"))
}

// ledgerCall is one call of a rule, compiled: which records it is and,
// for each, the SQL of what it says about a resource. Each expression is
// of a record crossed with u.i, the index of one element of its id's
// array (0 when the id is in no array).
type ledgerCall struct {
	source, event  string
	typ, role      string
	accruesStopped string // "1": the rule's resource costs while it exists, "0": only while it runs
	global         string // "1": the resource's name is global (IAM, S3), paired across regions
	count          string // how many resources the record names
	id, size       string
	columns        []string // the table's columns its paths read
}

// ledgerCalls compiles every call of the rules. A record is one call of
// one rule: the query reads each record once, so two rules naming one
// call could not both see it, and that is an error here.
func ledgerCalls(rules []model.LedgerRule) ([]ledgerCall, error) {
	var out []ledgerCall
	seen := map[[2]string]string{}
	for _, r := range rules {
		accruesStopped, global := "1", "0"
		if r.Running {
			accruesStopped = "0"
		}
		if strings.HasPrefix(r.Type, "AWS::IAM::") || strings.HasPrefix(r.Type, "AWS::S3::") {
			global = "1" // as model.Ledger pairs them
		}
		roles := []struct {
			role  string
			calls []model.LedgerCall
		}{{"create", r.Create}, {"delete", r.Delete}, {"start", r.Start}, {"stop", r.Stop}, {"modify", r.Modify}}
		for _, ro := range roles {
			for _, call := range ro.calls {
				k := [2]string{r.Source, call.Event}
				if other, dup := seen[k]; dup {
					return nil, fmt.Errorf("ledger rules: %s %s is in %s and %s: one record is one call of one rule", r.Source, call.Event, other, r.Type)
				}
				seen[k] = r.Type
				lc, err := compileCall(call)
				if err != nil {
					return nil, fmt.Errorf("ledger rules: %s %s: %w", r.Type, call.Event, err)
				}
				lc.source, lc.event, lc.typ, lc.role = r.Source, call.Event, r.Type, ro.role
				lc.accruesStopped, lc.global = accruesStopped, global
				out = append(out, lc)
			}
		}
	}
	return out, nil
}

// recordColumns are the record fields a path may start with: the table's
// columns that hold JSON text.
var recordColumns = map[string]string{
	"requestParameters":   "requestparameters",
	"responseElements":    "responseelements",
	"additionalEventData": "additionaleventdata",
	"serviceEventDetails": "serviceeventdetails",
}

// jsonKey is a key JSON paths in both engines take after a dot.
var jsonKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// ledgerPath is a rule's path split for SQL: the column, the JSON path to
// the array ("" when there is none) and the path in each element (or in
// the record).
type ledgerPath struct {
	column, array, rest string
}

func parseLedgerPath(p string) (ledgerPath, error) {
	field, keys, ok := strings.Cut(p, ".")
	col, known := recordColumns[field]
	if !ok || !known {
		return ledgerPath{}, fmt.Errorf("path %q does not start with a JSON field of the record", p)
	}
	array, rest, isArray := strings.Cut(keys, "[]")
	if !isArray {
		array, rest = "", keys
	} else {
		rest = strings.TrimPrefix(rest, ".")
		if strings.Contains(rest, "[]") {
			return ledgerPath{}, fmt.Errorf("path %q walks through two arrays", p)
		}
	}
	for _, part := range []string{array, rest} {
		if part == "" {
			continue
		}
		for _, k := range strings.Split(part, ".") {
			if !jsonKey.MatchString(k) {
				return ledgerPath{}, fmt.Errorf("path %q: key %q is not one both engines' JSON paths read", p, k)
			}
		}
	}
	if isArray && array == "" || rest == "" {
		return ledgerPath{}, fmt.Errorf("path %q names no value", p)
	}
	return ledgerPath{column: col, array: array, rest: rest}, nil
}

// at is the SQL of the path's text in the record, at element index of
// its array. json_extract_scalar is NULL for a missing value, an object,
// an array or text that is not JSON. Where the array is an object
// instead, the builder reads the object as the one element: so does
// element 0 here.
func (p ledgerPath) at(index string) string {
	if p.array == "" {
		return "json_extract_scalar(" + p.column + ", " + quote("$."+p.rest) + ")"
	}
	return "coalesce(json_extract_scalar(" + p.column + ", concat(" + quote("$."+p.array+"[") + ", CAST(" + index + " AS VARCHAR), " + quote("]."+p.rest) + "))" +
		", CASE WHEN " + index + " = 0 THEN json_extract_scalar(" + p.column + ", " + quote("$."+p.array+"."+p.rest) + ") END)"
}

func compileCall(call model.LedgerCall) (ledgerCall, error) {
	id, err := parseLedgerPath(call.ID)
	if err != nil {
		return ledgerCall{}, err
	}
	lc := ledgerCall{count: "1", id: id.at("u.i"), size: "''", columns: []string{id.column}}
	if id.array != "" {
		lc.count = "CAST(coalesce(try(json_array_length(json_extract(" + id.column + ", " + quote("$."+id.array) + "))), 0) AS BIGINT)"
	}
	var parts []string // each NULL when missing or empty
	for _, sp := range call.Size {
		p, err := parseLedgerPath(sp)
		if err != nil {
			return ledgerCall{}, err
		}
		index := "0"
		if p.array != "" {
			if p.column != id.column || p.array != id.array {
				return ledgerCall{}, fmt.Errorf("size path %q is in an array the id is not", sp)
			}
			index = "u.i" // the same element as the id
		}
		parts = append(parts, "nullif("+p.at(index)+", '')")
		lc.columns = append(lc.columns, p.column)
	}
	if len(parts) == 0 {
		return lc, nil
	}
	// The values up to the first missing one, joined by spaces, and the
	// unit after them when there is any (model.Ledger's size).
	var b strings.Builder
	b.WriteString("CASE")
	for n := range parts {
		b.WriteString(" WHEN " + parts[n] + " IS NULL THEN ")
		if n == 0 {
			b.WriteString("''")
		} else {
			b.WriteString(joinWithUnit(parts[:n], call.Unit))
		}
	}
	b.WriteString(" ELSE " + joinWithUnit(parts, call.Unit) + " END")
	lc.size = b.String()
	return lc, nil
}

// joinWithUnit is the SQL of the values joined by spaces, the unit last.
func joinWithUnit(values []string, unit string) string {
	var args []string
	for i, v := range values {
		if i > 0 {
			args = append(args, "' '")
		}
		args = append(args, v)
	}
	if unit != "" {
		args = append(args, quote(" "+unit))
	}
	if len(args) == 1 {
		return args[0]
	}
	return "concat(" + strings.Join(args, ", ") + ")"
}

// jsonColumns are the columns the calls' paths read, each once.
func jsonColumns(calls []ledgerCall) []string {
	var out []string
	for _, c := range calls {
		for _, col := range c.columns {
			if !slices.Contains(out, col) {
				out = append(out, col)
			}
		}
	}
	slices.Sort(out)
	return out
}

// callsNamed is the condition that a record is a call of some rule.
func callsNamed(calls []ledgerCall) string {
	bySource := map[string][]string{}
	var sources []string
	for _, c := range calls {
		if _, ok := bySource[c.source]; !ok {
			sources = append(sources, c.source)
		}
		bySource[c.source] = append(bySource[c.source], quote(c.event))
	}
	var alts []string
	for _, s := range sources {
		alts = append(alts, "(eventsource = "+quote(s)+" AND eventname IN ("+strings.Join(bySource[s], ", ")+"))")
	}
	return "(" + strings.Join(alts, "\n        OR ") + ")"
}

// callCase is one of the calls' expressions chosen by the record's call
// number, calls with the same expression named together, the commonest
// one the ELSE.
func callCase(calls []ledgerCall, of string) string {
	var values []string
	numbers := map[string][]string{}
	for n, c := range calls {
		var v string
		switch of {
		case "type":
			v = quote(c.typ)
		case "role":
			v = quote(c.role)
		case "accruesStopped":
			v = c.accruesStopped
		case "global":
			v = c.global
		case "count":
			v = c.count
		case "id":
			v = c.id
		case "size":
			v = c.size
		}
		if _, ok := numbers[v]; !ok {
			values = append(values, v)
		}
		numbers[v] = append(numbers[v], strconv.Itoa(n))
	}
	commonest := values[0]
	for _, v := range values {
		if len(numbers[v]) > len(numbers[commonest]) {
			commonest = v
		}
	}
	if len(values) == 1 {
		return commonest
	}
	var b strings.Builder
	b.WriteString("CASE")
	for _, v := range values {
		if v == commonest {
			continue
		}
		if len(numbers[v]) == 1 {
			b.WriteString(" WHEN call_no = " + numbers[v][0] + " THEN " + v)
		} else {
			b.WriteString(" WHEN call_no IN (" + strings.Join(numbers[v], ", ") + ") THEN " + v)
		}
	}
	b.WriteString(" ELSE " + commonest + " END")
	return b.String()
}
