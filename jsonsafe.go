package main

import "lazytrail/model"

// The jsonl/json record encoding lives in model (RecordJSON), shared with
// the TUI's export; these names keep the root's tests and fuzz corpora.
var (
	recordJSON   = model.RecordJSON
	escapeUnsafe = model.EscapeUnsafe
)
