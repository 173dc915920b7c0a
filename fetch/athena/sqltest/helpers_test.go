package sqltest

import (
	"bytes"
	"database/sql"
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

	"lazytrail/fetch/athena/sqltest/duckathena"
	"lazytrail/model"
)

// partitionOf is where CloudTrail delivers a record (see duckathena.Partition).
func partitionOf(e *model.Event) (day, region, account string) { return duckathena.Partition(e) }

// pathOf is a made-up log file in CloudTrail's layout, as its "$path".
func pathOf(e *model.Event) string { return "s3://lazytrail-athena-test/" + duckathena.LogKey(e) }

// demoEnd fixes the demo account's 90 days, so that every run loads the
// same records.
var demoEnd = time.Date(2025, 6, 30, 18, 0, 0, 0, time.UTC)

// corpus is every record the tests load, parsed as the stream parses
// records read from log files (model.FromRecord of each record, compacted
// to one line when it spans several), so that the stream's filter sees
// what it would in use.
type corpus struct {
	events         []model.Event
	demo           int // events[:demo] are the demo account's
	oldest, newest time.Time
}

var loadCorpus = sync.OnceValues(func() (*corpus, error) {
	demo, err := duckathena.DemoEvents(demoEnd)
	if err != nil {
		return nil, err
	}
	c := &corpus{events: demo}
	c.demo = len(c.events)
	files, _ := filepath.Glob("/work/shared/datasets/stratus-red-team/*.json")
	edge, _ := filepath.Glob("testdata/*.json")
	for _, name := range append(files, edge...) {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		events, err := fileRecords(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
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

// fileRecords parses the records of a CloudTrail log file ({"Records":
// [...]}) or of a JSON array of records, each as the trail reader keeps
// it: as it is in the file, compacted only when it holds a raw newline,
// tab or CR.
func fileRecords(data []byte) ([]model.Event, error) {
	var raws []json.RawMessage
	var envelope struct{ Records []json.RawMessage }
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("[")) {
		if err := json.Unmarshal(data, &raws); err != nil {
			return nil, err
		}
	} else {
		if err := json.Unmarshal(data, &envelope); err != nil {
			return nil, err
		}
		raws = envelope.Records
	}
	var events []model.Event
	for i, raw := range raws {
		if bytes.ContainsAny(raw, "\n\t\r") {
			var b bytes.Buffer
			if err := json.Compact(&b, raw); err != nil {
				return nil, err
			}
			raw = b.Bytes()
		}
		e, err := model.FromRecord(string(raw))
		if e.Time.IsZero() {
			return nil, fmt.Errorf("record %d: no eventTime (%v)", i+1, err)
		}
		events = append(events, e)
	}
	return events, nil
}

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
	db, conn, err := duckathena.Open()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close(); conn.Close() })
	return db, conn
}

// load creates a CloudTrail table and appends the events' records to it.
func load(t testing.TB, db *sql.DB, conn *duckdb.Connector, name string, events []model.Event) {
	t.Helper()
	if err := duckathena.Load(db, conn, name, events, pathOf); err != nil {
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
