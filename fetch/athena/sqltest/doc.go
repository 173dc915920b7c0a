// Package sqltest runs the Athena source's SQL (lazytrail/fetch/athena) on
// a real engine, DuckDB, over AWS's documented CloudTrail table loaded with
// the demo account and public attack-simulation records, and checks that
// it selects what the stream's filter selects from the same records. The
// table on DuckDB is package duckathena; cmd/athena-local (package
// athenalocal) serves it behind moto_server as a local Athena, for trying
// --athena end to end. cmd/bench-duckdb and cmd/bench-floor are the
// contenders .ci/bench-speed times lazytrail --print against: DuckDB's
// exports of the trail files and the decode floor.
//
// It is a module of its own because DuckDB needs cgo: lazytrail never
// imports it and still builds with CGO_ENABLED=0. Run it with
//
//	cd fetch/athena/sqltest && CGO_ENABLED=1 go test ./...
//	cd fetch/athena/sqltest && CGO_ENABLED=1 go run ./cmd/athena-local
package sqltest
