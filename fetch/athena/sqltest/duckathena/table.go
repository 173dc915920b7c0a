// Package duckathena holds AWS's CloudTrail table for Athena on DuckDB: the
// table's DDL, records loaded into it as the table's JSON serde reads
// them, and lazytrail's SQL run on it with its rows returned as Athena's
// GetQueryResults returns them. The sqltest tests and the athena-local
// command (a local Athena for trying --athena) share it.
package duckathena

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"

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

// CreateTable is the DuckDB DDL of a table of AWS's CloudTrail columns.
func CreateTable(name string) string {
	var cols []string
	for _, c := range tableColumns {
		cols = append(cols, c.name+" "+c.sqlType())
	}
	for _, p := range partitionColumns {
		cols = append(cols, p+" VARCHAR")
	}
	return "CREATE TABLE " + name + " (\n  " + strings.Join(cols, ",\n  ") + "\n)"
}

// JSONFormat is json_format, the one Trino function the SQL uses (see
// sql.go's package comment): Trino's text of a JSON value, here DuckDB's.
const JSONFormat = "CREATE MACRO json_format(x) AS CAST(x AS VARCHAR)"

// Trino defines the other Trino functions the ledger's SQL uses that
// DuckDB lacks, as macros with Trino's semantics where the SQL relies on
// them: json_extract_scalar is NULL for a missing value, JSON null, an
// object or an array, and for text that is not JSON (where DuckDB's
// json_extract fails); sequence(a, b) is the integers a to b.
var Trino = []string{
	"CREATE MACRO json_extract_scalar(j, p) AS try(CASE WHEN json_type(json_extract(j, p)) IN ('OBJECT', 'ARRAY') THEN NULL ELSE json_extract_string(j, p) END)",
	"CREATE MACRO sequence(a, b) AS generate_series(CAST(a AS BIGINT), CAST(b AS BIGINT))",
}

// Row is one record as the table holds it, partition columns last; path
// is its "$path", the log file it was read from.
func Row(e *model.Event, path string) ([]driver.Value, error) {
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
	day, region, account := Partition(e)
	return append(out, day, region, account, path), nil
}

// Partition is where CloudTrail delivers a record: the day of its
// eventTime (UTC, the projection's yyyy/MM/dd), its region, and the
// account it was recorded in (recipientAccountId, else the caller's).
func Partition(e *model.Event) (day, region, account string) {
	return e.Time.UTC().Format("2006/01/02"), e.Region, e.Account
}

// LogKey is the key, in a trail's bucket, of the log file that holds e in
// CloudTrail's layout: in the folder of its partition, named by the time
// it holds nothing newer than, as CloudTrail names them. CloudTrail
// delivers a file every five minutes or so; one file per account, region
// and day holds the same records in a seventh as many files, which a
// local trail uploads in seconds.
func LogKey(e *model.Event) string {
	day, region, account := Partition(e)
	named := e.Time.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	return fmt.Sprintf("AWSLogs/%s/CloudTrail/%s/%s/%s_CloudTrail_%s_%s_lazytrail.json.gz",
		account, region, day, account, region, named.Format("20060102T1504Z"))
}
