// Command bench-duckdb is DuckDB's side of .ci/bench-speed: the exports
// lazytrail's --print is measured against, over the same trail files.
//
//	bench-duckdb export DIR OUT             every record, newest first, as JSON lines
//	bench-duckdb user DIR OUT USER [EVENT]  one user's records (of one event name), newest first
//	bench-duckdb ids FILE                   count and fingerprint of a JSONL file's eventIDs
//
// export is the issue's ordered export: read_json over every log file with
// the schema DuckDB detects, each file's Records unnested into rows, ORDER
// BY eventTime DESC, COPY to a file. user reads a typed struct (read_json's
// columns=) holding only the fields lazytrail's list shows, keeps the
// records whose userIdentity.userName starts with USER (ignoring case, as
// lazytrail's user:USER does for a lower-case USER) and, given EVENT, whose
// eventName starts with it too (event:EVENT), and writes those fields
// newest first. ids reads any JSON-lines file (lazytrail's output or
// DuckDB's) and prints its row count, distinct eventIDs and an md5 of the
// sorted eventIDs, so two outputs can be checked to hold the same records.
// Each prints the rows it wrote on stdout.
//
//	cd fetch/athena/sqltest && CGO_ENABLED=1 go build -o /tmp/bench-duckdb ./cmd/bench-duckdb
package main

import (
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2"
)

// listRecord is the typed struct of the user query: the fields of a record
// lazytrail's list shows or filters on, nothing else.
const listRecord = `STRUCT(
	eventID VARCHAR, eventTime VARCHAR, eventName VARCHAR, eventSource VARCHAR,
	awsRegion VARCHAR, recipientAccountId VARCHAR, sourceIPAddress VARCHAR,
	userAgent VARCHAR, errorCode VARCHAR, readOnly BOOLEAN,
	userIdentity STRUCT("type" VARCHAR, principalId VARCHAR, arn VARCHAR,
		accountId VARCHAR, accessKeyId VARCHAR, userName VARCHAR))[]`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	query, err := queryFor(args)
	if err != nil {
		fmt.Fprintln(stderr, "bench-duckdb:", err)
		return 2
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		fmt.Fprintln(stderr, "bench-duckdb:", err)
		return 1
	}
	defer db.Close()
	out, err := answer(db, query)
	if err != nil {
		fmt.Fprintln(stderr, "bench-duckdb:", err)
		return 1
	}
	fmt.Fprintln(stdout, out)
	return 0
}

// queryFor is the SQL for the command line.
func queryFor(args []string) (string, error) {
	switch {
	case len(args) == 3 && args[0] == "export":
		return fmt.Sprintf(`COPY (
			SELECT unnest(r) FROM (SELECT unnest(Records) AS r FROM read_json(%s))
			ORDER BY r.eventTime DESC
		) TO %s (FORMAT json)`, logFiles(args[1]), quote(args[2])), nil
	case (len(args) == 4 || len(args) == 5) && args[0] == "user":
		where := "starts_with(lower(r.userIdentity.userName), " + quote(strings.ToLower(args[3])) + ")"
		if len(args) == 5 {
			where += " AND starts_with(lower(r.eventName), " + quote(strings.ToLower(args[4])) + ")"
		}
		return fmt.Sprintf(`COPY (
			SELECT unnest(r) FROM (SELECT unnest(Records) AS r FROM read_json(%s, columns={Records: '%s'}))
			WHERE %s
			ORDER BY r.eventTime DESC
		) TO %s (FORMAT json)`, logFiles(args[1]), listRecord, where, quote(args[2])), nil
	case len(args) == 2 && args[0] == "ids":
		return fmt.Sprintf(`SELECT count(*) || ' rows, ' || count(DISTINCT eventID) || ' distinct eventIDs, md5 ' ||
			md5(string_agg(eventID, ',' ORDER BY eventID))
			FROM read_json(%s, format='newline_delimited', columns={eventID: 'VARCHAR'})`, quote(args[1])), nil
	}
	return "", fmt.Errorf("usage: bench-duckdb export DIR OUT | user DIR OUT USER [EVENT] | ids FILE")
}

// answer runs the query and returns its one value: COPY's is the rows it
// wrote.
func answer(db *sql.DB, query string) (string, error) {
	var out string
	if err := db.QueryRow(query).Scan(&out); err != nil {
		return "", err
	}
	return out, nil
}

// logFiles is the glob of every CloudTrail log file under dir.
func logFiles(dir string) string {
	return quote(filepath.Join(dir, "**", "*.json.gz"))
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
