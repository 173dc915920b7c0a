package duckathena

import (
	"fmt"
	"time"

	"lazytrail/fetch/localtrail"
	"lazytrail/model"
)

// DemoEvents are the demo account's records for the 90 days before end,
// parsed as the stream parses records read from log files
// (model.FromRecord), so that a filter sees what it would in use.
func DemoEvents(end time.Time) ([]model.Event, error) {
	d := localtrail.Demo(end)
	var events []model.Event
	for _, r := range d.Regions() {
		for _, de := range d.Events(r) {
			e, err := model.FromRecord(de.Raw)
			if err != nil {
				return nil, fmt.Errorf("demo record %s: %w", de.ID, err)
			}
			events = append(events, e)
		}
	}
	return events, nil
}
