package model

import "time"

// RegionState is where one region's pager stands.
type RegionState int8

// Region states, in the order a pager passes through them.
const (
	RegionWaiting   RegionState = iota // idle: not asked for anything yet, or demand met
	RegionPaging                       // a request is in flight
	RegionThrottled                    // the last response was a throttle; the SDK is retrying
	RegionDone                         // history ended (no NextToken)
	RegionFailed                       // stopped with Err; it no longer holds the merge back
)

func (s RegionState) String() string {
	return [...]string{"idle", "paging", "throttled", "done", "failed"}[s]
}

// RegionProgress is a snapshot of one region's pager, for the status bar,
// the per-region panel and headless progress.
type RegionProgress struct {
	Source    string // "lookup", "files", "s3"
	Account   string // account id or profile; "" when unknown
	Region    string // the region, or for a file read whole, its path
	State     RegionState
	Pages     int
	Events    int       // events received from this region (before filtering)
	Throttles int       // throttled responses seen (including retried ones)
	Retries   int       // retried attempts of any kind
	Oldest    time.Time // oldest event time delivered so far (zero before the first page)
	Err       string    // one-line cause when State is RegionFailed, or the last retried error
	Late      int       // events that came newer than events already released (shown out of place)
	Skipped   int       // files or records left out
	Skips     []string  // the first of them, "what: why", already escaped
	// TwinCount counts records delivered with the eventID and time of
	// another but different content (both kept: in a trail that means
	// tampering or a bug); Twins names the first, already escaped.
	TwinCount int
	Twins     []string
	// Ignored counts what is not the source's to read (a README beside the
	// log files): not a fault. IgnoredExample names the first, escaped.
	Ignored        int
	IgnoredExample string
	// Status is the source's own state line (an Athena query's state, data
	// scanned and price), already escaped. Detail is what it runs (the
	// SQL), several lines, not escaped: escape each line to show it.
	Status string
	Detail string
}

// Name is how the partition is named in messages: its region, with the
// account in front when there is one.
func (p RegionProgress) Name() string {
	if p.Account == "" {
		return p.Region
	}
	return p.Account + "/" + p.Region
}

// IsRegion reports whether the partition is one region of one account
// (LookupEvents' partitions, or a source's that says no other name):
// messages then call the partitions "regions".
func (p RegionProgress) IsRegion() bool {
	return (p.Source == "" || p.Source == "lookup") && p.Account == ""
}

// Finished reports whether the region will deliver nothing more.
func (p RegionProgress) Finished() bool {
	return p.State == RegionDone || p.State == RegionFailed
}

// Batch is what the merged stream hands its consumer at a time: the events
// released since the last batch and where every region stands.
type Batch struct {
	Events   []Event          // newly released, newest first, all older than or as old as the last batch's
	Progress []RegionProgress // every region, in a stable order
	// Skipped is every skip since the last batch, "what: why", escaped:
	// the progress lists keep only the first of each partition, so a
	// consumer that must name them all (the headless mode) takes them
	// here as they come.
	Skipped []string
}
