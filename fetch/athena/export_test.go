package athena

import "lazytrail/model"

// EventFromRow is eventFromRow for the external tests' benchmarks.
func EventFromRow(r []*string) (model.Event, error) { return eventFromRow(row(r)) }
