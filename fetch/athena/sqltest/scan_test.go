package sqltest

import (
	"database/sql"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"lazytrail/fetch/athena"
	"lazytrail/model"
)

// Athena bills the bytes it reads, and a JSON table is read whole file by
// file: what a query scans is the size of the files in the partitions it
// does not prune. These tests measure that for the compiled SQL over the
// demo account's 90 days, with a table of (partition, bytes) standing in
// for the bucket: each partition's bytes are its records' raw length.

// scanCase is one query whose scan is measured.
type scanCase struct {
	name   string
	filter string
	days   int // the range: the last days of the demo
}

var scanCases = []scanCase{
	{"1 day", "", 1},
	{"7 days", "", 7},
	{"90 days", "", 90},
	{"1 day, region:eu-west-1", "region:eu-west-1", 1},
	{"7 days, account:418295730164 region:us-east-1,us-west-2", "account:418295730164 region:us-east-1,us-west-2", 7},
}

// filesDB is a DuckDB with the table files: the demo account's bytes per
// partition, under the partition columns' names.
func filesDB(t testing.TB) (*sql.DB, int64) {
	t.Helper()
	c, err := loadCorpus()
	if err != nil {
		t.Fatal(err)
	}
	db, _ := newDB(t)
	if _, err := db.Exec(`CREATE TABLE files ("timestamp" VARCHAR, region VARCHAR, account VARCHAR, bytes BIGINT)`); err != nil {
		t.Fatal(err)
	}
	type part struct{ day, region, account string }
	sizes := map[part]int64{}
	var total int64
	for i := range c.events[:c.demo] {
		day, region, account := partitionOf(&c.events[i])
		sizes[part{day, region, account}] += int64(len(c.events[i].Raw))
		total += int64(len(c.events[i].Raw))
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for p, n := range sizes {
		if _, err := tx.Exec(`INSERT INTO files VALUES (?, ?, ?, ?)`, p.day, p.region, p.account, n); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return db, total
}

// scanned is what the compiled query reads: the bytes of the partitions
// that pass every condition of its WHERE that reads partition columns
// alone (which is what Athena prunes by). A condition belongs to them
// when DuckDB can bind it against files, which has no other column.
func scanned(db *sql.DB, c scanCase) (bytes int64, parts int, query string, err error) {
	until := demoEnd
	q := athena.Query{Table: table, Filter: model.ParseFilter(c.filter),
		Since: until.Add(-time.Duration(c.days) * 24 * time.Hour), Until: until}
	query, err = athena.Compile(q)
	if err != nil {
		return 0, 0, "", err
	}
	_, where, ok := strings.Cut(query, "\nWHERE ")
	where, _, _ = strings.Cut(where, "\nORDER BY ")
	if !ok {
		return 0, 0, query, fmt.Errorf("no WHERE in\n%s", query)
	}
	var pruning []string
	for _, cond := range strings.Split(where, "\n  AND ") { // Compile's layout: one condition a line
		if _, err := db.Exec("SELECT 1 FROM files WHERE " + cond + " LIMIT 0"); err == nil {
			pruning = append(pruning, cond)
		}
	}
	if len(pruning) == 0 {
		return 0, 0, query, fmt.Errorf("no condition on partition columns in\n%s", query)
	}
	err = db.QueryRow("SELECT coalesce(sum(bytes), 0), count(*) FROM files WHERE "+strings.Join(pruning, " AND ")).Scan(&bytes, &parts)
	return bytes, parts, query, err
}

// TestScanBytes reports what each query reads against the unpruned table
// (the demo account: 16 regions, 90 days), and checks that the time range
// prunes: a day reads a few days' files, not the 90.
func TestScanBytes(t *testing.T) {
	db, total := filesDB(t)
	var all int
	if err := db.QueryRow("SELECT count(*) FROM files").Scan(&all); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-58s %10s %14s %8s\n", "query (demo account, ending "+demoEnd.Format(time.DateOnly)+")", "partitions", "bytes scanned", "of all")
	fmt.Fprintf(&b, "%-58s %10d %14d %7.1f%%\n", "unpruned: every partition", all, total, 100.0)
	for _, c := range scanCases {
		n, parts, q, err := scanned(db, c)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%-58s %10d %14d %7.1f%%\n", c.name, parts, n, 100*float64(n)/float64(total))
		// A range of d days reads at most d+2 days' partitions (the
		// first, partly, and the next, for files delivered after
		// midnight).
		if limit := float64(c.days+2) / 90 * float64(total) * 1.5; c.days < 90 && float64(n) > limit {
			t.Errorf("%s reads %d bytes, more than %d days' worth:\n%s", c.name, n, c.days+2, q)
		}
		if n == 0 {
			t.Errorf("%s reads nothing:\n%s", c.name, q)
		}
	}
	t.Logf("bytes each query scans:\n%s", b.String())
	if path := os.Getenv("SQLTEST_SCAN_REPORT"); path != "" {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkScanBytes reports each query's bytes scanned as a metric, so
// that benchstat shows a change in pruning as it shows one in time.
func BenchmarkScanBytes(b *testing.B) {
	db, total := filesDB(b)
	for _, c := range scanCases {
		b.Run(strings.NewReplacer(" ", "_", ",", "").Replace(c.name), func(b *testing.B) {
			var n int64
			for b.Loop() {
				var err error
				if n, _, _, err = scanned(db, c); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n), "bytes-scanned/query")
			b.ReportMetric(100*float64(n)/float64(total), "%-of-unpruned")
		})
	}
}
