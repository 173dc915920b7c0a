package duckathena

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/duckdb/duckdb-go/v2"

	"lazytrail/fetch/athena"
	"lazytrail/model"
)

// Open is an empty in-memory DuckDB with json_format and Trino defined. Close the
// database, then the connector.
func Open() (*sql.DB, *duckdb.Connector, error) {
	conn, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, nil, err
	}
	db := sql.OpenDB(conn)
	for _, macro := range append([]string{JSONFormat}, Trino...) {
		if _, err := db.Exec(macro); err != nil {
			db.Close()
			conn.Close()
			return nil, nil, err
		}
	}
	return db, conn, nil
}

// Load creates a CloudTrail table called name and appends the events'
// records to it, each with the "$path" that path gives it.
func Load(db *sql.DB, conn *duckdb.Connector, name string, events []model.Event, path func(*model.Event) string) error {
	if _, err := db.Exec(CreateTable(name)); err != nil {
		return err
	}
	raw, err := conn.Connect(context.Background())
	if err != nil {
		return err
	}
	defer raw.Close()
	app, err := duckdb.NewAppenderFromConn(raw, "", name)
	if err != nil {
		return err
	}
	for i := range events {
		r, err := Row(&events[i], path(&events[i]))
		if err == nil {
			err = app.AppendRow(r...)
		}
		if err != nil {
			app.Close()
			return fmt.Errorf("record %s: %w", events[i].ID, err)
		}
	}
	return app.Close()
}

// Results runs one of lazytrail's queries and returns each row's columns
// as text, NULL as nil, as Athena's GetQueryResults returns them.
func Results(db *sql.DB, query string) ([][]*string, error) {
	rows, err := db.Query(query)
	if err != nil {
		return nil, fmt.Errorf("DuckDB: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	if want := athena.ResultColumns(query); len(cols) != len(want) {
		return nil, fmt.Errorf("DuckDB returned %d columns, the query selects %d", len(cols), len(want))
	}
	var out [][]*string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]*string, len(cols))
		for i, v := range vals {
			if v.Valid {
				s := strings.Clone(v.String)
				row[i] = &s
			}
		}
		out = append(out, row)
	}
	return out, rows.Err()
}
