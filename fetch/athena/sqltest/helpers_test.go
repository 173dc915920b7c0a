package sqltest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"lazytrail/fetch/localtrail"
	"lazytrail/fetch/trail"
	"lazytrail/model"
)

// column is one column (or struct field) of AWS's CloudTrail table, as
// https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html
// declares it. The one tree gives both the DuckDB DDL and how a record's
// JSON becomes a row, so the two cannot drift apart.
type column struct {
	name   string
	kind   kind
	fields []column // a struct's fields, or the element struct of an array
}

type kind int8

const (
	str    kind = iota // STRING
	strct              // STRUCT<…>
	array              // ARRAY<STRUCT<…>>
	strmap             // MAP<STRING,STRING>
)

func s(name string) column                    { return column{name: name, kind: str} }
func st(name string, fields ...column) column { return column{name: name, kind: strct, fields: fields} }
func arr(name string, fields ...column) column {
	return column{name: name, kind: array, fields: fields}
}

var tableColumns = []column{
	s("eventversion"),
	st("useridentity",
		s("type"), s("principalid"), s("arn"), s("accountid"), s("invokedby"), s("accesskeyid"), s("username"),
		st("onbehalfof", s("userid"), s("identitystorearn")),
		st("sessioncontext",
			st("attributes", s("mfaauthenticated"), s("creationdate")),
			st("sessionissuer", s("type"), s("principalid"), s("arn"), s("accountid"), s("username")),
			s("ec2roledelivery"),
			st("webidfederationdata", s("federatedprovider"), column{name: "attributes", kind: strmap}))),
	s("eventtime"), s("eventsource"), s("eventname"), s("awsregion"), s("sourceipaddress"), s("useragent"),
	s("errorcode"), s("errormessage"), s("requestparameters"), s("responseelements"), s("additionaleventdata"),
	s("requestid"), s("eventid"), s("readonly"),
	arr("resources", s("arn"), s("accountid"), s("type")),
	s("eventtype"), s("apiversion"), s("recipientaccountid"), s("serviceeventdetails"), s("sharedeventid"),
	s("vpcendpointid"), s("vpcendpointaccountid"), s("eventcategory"),
	st("addendum", s("reason"), s("updatedfields"), s("originalrequestid"), s("originaleventid")),
	s("sessioncredentialfromconsole"), s("edgedevicedetails"),
	st("tlsdetails", s("tlsversion"), s("ciphersuite"), s("clientprovidedhostheader")),
}

// partitionColumns follow the columns, as Athena lists a table's
// partition keys and then its "$path" pseudo-column.
var partitionColumns = []string{`"timestamp"`, "region", "account", `"$path"`}

func (c column) sqlType() string {
	switch c.kind {
	case strct, array:
		var fs []string
		for _, f := range c.fields {
			fs = append(fs, f.name+" "+f.sqlType())
		}
		t := "STRUCT(" + strings.Join(fs, ", ") + ")"
		if c.kind == array {
			t += "[]"
		}
		return t
	case strmap:
		return "MAP(VARCHAR, VARCHAR)"
	}
	return "VARCHAR"
}

// value converts one JSON value to the column's DuckDB value with the
// CloudTrail serde's semantics: keys match case-insensitively, a missing
// or null value is NULL, and a STRING column holds a string as its text
// and anything else (an object, a boolean, a number) as its JSON text.
func (c column) value(raw json.RawMessage) (any, error) {
	raw = json.RawMessage(strings.TrimSpace(string(raw)))
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	switch c.kind {
	case str:
		if raw[0] == '"' {
			var v string
			err := json.Unmarshal(raw, &v)
			return v, err
		}
		return string(raw), nil
	case strct:
		if raw[0] != '{' {
			return nil, nil
		}
		obj, err := lowerKeys(raw)
		if err != nil {
			return nil, err
		}
		row := make(map[string]any, len(c.fields))
		for _, f := range c.fields {
			if row[f.name], err = f.value(obj[f.name]); err != nil {
				return nil, fmt.Errorf("%s.%w", c.name, err)
			}
		}
		return row, nil
	case array:
		var items []json.RawMessage
		if raw[0] != '[' {
			return nil, nil
		}
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, err
		}
		elem := column{name: c.name, kind: strct, fields: c.fields}
		out := make([]any, 0, len(items))
		for _, it := range items {
			v, err := elem.value(it)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case strmap:
		var obj map[string]json.RawMessage
		if raw[0] != '{' || json.Unmarshal(raw, &obj) != nil {
			return nil, nil
		}
		m := duckdb.Map{}
		for k, v := range obj {
			text, err := s(k).value(v)
			if err != nil {
				return nil, err
			}
			m[k] = text
		}
		return m, nil
	}
	return nil, fmt.Errorf("%s: unknown kind %d", c.name, c.kind)
}

// lowerKeys reads a JSON object with its keys lower-cased, as Hive's JSON
// serdes match them (eventName, sourceIPAddress, resources[].ARN). A key
// already in lower case wins over another spelling of it.
func lowerKeys(raw json.RawMessage) (map[string]json.RawMessage, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, err
	}
	out := make(map[string]json.RawMessage, len(obj))
	for k, v := range obj {
		lk := strings.ToLower(k)
		if _, taken := out[lk]; !taken || k == lk {
			out[lk] = v
		}
	}
	return out, nil
}

// createTable is the DuckDB DDL of a table of AWS's CloudTrail columns.
func createTable(name string) string {
	var cols []string
	for _, c := range tableColumns {
		cols = append(cols, c.name+" "+c.sqlType())
	}
	for _, p := range partitionColumns {
		cols = append(cols, p+" VARCHAR")
	}
	return "CREATE TABLE " + name + " (\n  " + strings.Join(cols, ",\n  ") + "\n)"
}

// jsonFormat is json_format, the one Trino function the SQL uses (see
// sql.go's package comment): Trino's text of a JSON value, here DuckDB's.
const jsonFormat = "CREATE MACRO json_format(x) AS CAST(x AS VARCHAR)"

// row is one record as the table holds it, partition columns last.
func row(e *model.Event) ([]driver.Value, error) {
	obj, err := lowerKeys(json.RawMessage(e.Raw))
	if err != nil {
		return nil, err
	}
	out := make([]driver.Value, 0, len(tableColumns)+len(partitionColumns))
	for _, c := range tableColumns {
		v, err := c.value(obj[c.name])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.name, err)
		}
		out = append(out, v)
	}
	day, region, account := partitionOf(e)
	return append(out, day, region, account, pathOf(e)), nil
}

// partitionOf is where CloudTrail delivers a record: the day of its
// eventTime (UTC, the projection's yyyy/MM/dd), its region, and the
// account it was recorded in (recipientAccountId, else the caller's).
func partitionOf(e *model.Event) (day, region, account string) {
	return e.Time.UTC().Format("2006/01/02"), e.Region, e.Account
}

// pathOf is a made-up log file key in CloudTrail's layout: one file per
// account, region and five minutes, as CloudTrail delivers them.
func pathOf(e *model.Event) string {
	day, region, account := partitionOf(e)
	t := e.Time.UTC().Truncate(5 * time.Minute)
	return fmt.Sprintf("s3://lazytrail-athena-test/AWSLogs/%s/CloudTrail/%s/%s/%s_CloudTrail_%s_%s_sqltest.json.gz",
		account, region, day, account, region, t.Format("20060102T1504Z"))
}

// demoEnd fixes the demo account's 90 days, so that every run loads the
// same records.
var demoEnd = time.Date(2025, 6, 30, 18, 0, 0, 0, time.UTC)

// corpus is every record the tests load, parsed as the stream parses
// records read from log files (model.FromRecord, through trail.Decode
// for files), so that the stream's filter sees what it would in use.
type corpus struct {
	events         []model.Event
	demo           int // events[:demo] are the demo account's
	oldest, newest time.Time
}

var loadCorpus = sync.OnceValues(func() (*corpus, error) {
	c := &corpus{}
	d := localtrail.Demo(demoEnd)
	for _, r := range d.Regions() {
		for _, de := range d.Events(r) {
			e, err := model.FromRecord(de.Raw)
			if err != nil {
				return nil, fmt.Errorf("demo record %s: %w", de.ID, err)
			}
			c.events = append(c.events, e)
		}
	}
	c.demo = len(c.events)
	files, _ := filepath.Glob("/work/shared/datasets/stratus-red-team/*.json")
	edge, _ := filepath.Glob("testdata/*.json")
	for _, name := range append(files, edge...) {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		events, skips := trail.Decode(name, data)
		if len(skips) > 0 {
			return nil, fmt.Errorf("%s: %v", name, skips)
		}
		c.events = append(c.events, events...)
	}
	for i := range c.events {
		t := c.events[i].Time
		if c.oldest.IsZero() || t.Before(c.oldest) {
			c.oldest = t
		}
		if t.After(c.newest) {
			c.newest = t
		}
	}
	return c, nil
})

// openDB is an in-memory DuckDB with the corpus loaded into cloudtrail.
func openDB(t testing.TB) (*sql.DB, *corpus) {
	t.Helper()
	c, err := loadCorpus()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.events) == c.demo {
		t.Log("no stratus-red-team records found: testing on the demo account alone")
	}
	db, conn := newDB(t)
	load(t, db, conn, "cloudtrail", c.events)
	return db, c
}

// newDB is an empty in-memory DuckDB with json_format defined.
func newDB(t testing.TB) (*sql.DB, *duckdb.Connector) {
	t.Helper()
	conn, err := duckdb.NewConnector("", nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(conn)
	t.Cleanup(func() { db.Close(); conn.Close() })
	if _, err := db.Exec(jsonFormat); err != nil {
		t.Fatal(err)
	}
	return db, conn
}

// load creates a CloudTrail table and appends the events' records to it.
func load(t testing.TB, db *sql.DB, conn *duckdb.Connector, name string, events []model.Event) {
	t.Helper()
	if _, err := db.Exec(createTable(name)); err != nil {
		t.Fatal(err)
	}
	raw, err := conn.Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	app, err := duckdb.NewAppenderFromConn(raw, "", name)
	if err != nil {
		t.Fatal(err)
	}
	for i := range events {
		r, err := row(&events[i])
		if err == nil {
			err = app.AppendRow(r...)
		}
		if err != nil {
			t.Fatalf("record %s: %v", events[i].ID, err)
		}
	}
	if err := app.Close(); err != nil {
		t.Fatal(err)
	}
}

// queryIDs runs a compiled query and returns its rows' eventid and
// eventtime (the second and third columns Compile selects), in order.
func queryIDs(db *sql.DB, query string) (ids, times []string, err error) {
	rows, err := db.Query(query)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, nil, err
	}
	if len(cols) < 3 || cols[1] != "eventid" || cols[2] != "eventtime" {
		return nil, nil, fmt.Errorf("columns %v: want eventid and eventtime second and third", cols)
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, err
		}
		id, _ := vals[1].(string)
		at, _ := vals[2].(string)
		ids, times = append(ids, id), append(times, at)
	}
	return ids, times, rows.Err()
}

// queryColumn runs a query and returns its first column.
func queryColumn(db *sql.DB, query string) ([]string, error) {
	rows, err := db.Query(query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v sql.NullString
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v.String)
	}
	return out, rows.Err()
}

// newestFirst orders events as the SQL's ORDER BY eventtime DESC,
// eventid DESC does (eventTime is RFC 3339 in UTC, to the second, so its
// text orders as its time).
func newestFirst(a, b *model.Event) int {
	if c := b.Time.Compare(a.Time); c != 0 {
		return c
	}
	return strings.Compare(b.ID, a.ID)
}

// diff returns the ids in a but not in b, counting repeats.
func diff(a, b []string) []string {
	left := map[string]int{}
	for _, id := range b {
		left[id]++
	}
	var out []string
	for _, id := range a {
		if left[id] > 0 {
			left[id]--
			continue
		}
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}
