package fetch

import (
	"context"
	"time"

	"lazytrail/model"
)

// A Pager delivers one partition's events (one account × region of one
// source, or one file read whole) newest first, a page at a time. The
// stream calls Next from one goroutine at a time, and only when the merge
// wants more of this partition; Close is called once, after the last Next.
// Each source's package has its own (lookup, trail, athena); one that has
// something to say between pages implements ReportingPager too.
type Pager interface {
	Next(ctx context.Context) (Page, error)
	Close()
}

// Page is one delivery of a partition.
type Page struct {
	// Events newest first. An event newer than an earlier page's Horizon
	// breaks the partition's promise; it is still delivered (never
	// dropped) and counted as late.
	Events []model.Event

	// Horizon is the newest time any later page of this partition can
	// hold. Zero means the oldest event on this page, inclusive: a later
	// page can only hold events as old as or older than what was delivered
	// (LookupEvents' promise). A source may promise more: trail files were
	// each delivered before their name time, so the horizon is the newest
	// name time (plus its minute) still unread.
	Horizon time.Time

	// Done says this was the partition's last page.
	Done bool

	// Skipped names what was left out while reading this page (a file
	// that is not a log file, a corrupt gzip, a record without eventTime)
	// and why; the rest of the partition goes on.
	Skipped []Skip

	// Status is the source's own word on where it stands, when it has one
	// beyond pages and events (an Athena query: "RUNNING · 1.2 GB scanned
	// · $0.01"). A page may carry only a status, with no events; it is
	// shown until a later page brings another.
	Status string
}

// Skip is one file or record a pager left out, with the cause. Both are
// attacker- or user-controlled text: escape before display.
type Skip struct {
	What string // "s3://bucket/key", a path, or "path record 17"
	Why  string // one line: "not valid gzip: unexpected EOF"
	// Ignored marks what is not a source's to read (a README beside the
	// log files, a key that is no log file by its name): counted and
	// shown, but not a fault, so it does not make a run partial.
	Ignored bool
}

// Partition is one pager with the labels the status area shows.
type Partition struct {
	Source  string // the source's word for it: "lookup", "files", "s3", "athena"
	Account string // account id or profile; "" when unknown (a loose file)
	Region  string // region; for a loose file, its path
	// Detail is what the partition runs, for the panel that lists the
	// partitions (an Athena query's SQL); "" for most sources.
	Detail string
	Pager  Pager
}

// SkippedPartition carries what a source left out before paging (files
// found while discovering partitions that are not log files, say) into the
// stream's progress, so the status area and headless mode report them
// like every other skip. It delivers no events.
func SkippedPartition(source, label string, skips []Skip) Partition {
	return Partition{Source: source, Region: label, Pager: &skipPager{skips: skips}}
}

type skipPager struct{ skips []Skip }

func (p *skipPager) Next(context.Context) (Page, error) {
	return Page{Done: true, Skipped: p.skips}, nil
}

func (p *skipPager) Close() {}

// FailedPartition is a partition that could not even start (a bucket that
// denies its first listing on a re-run, say): it fails at its first page
// with err, and the others go on.
func FailedPartition(source, label string, err error) Partition {
	return Partition{Source: source, Region: label, Pager: failPager{err}}
}

type failPager struct{ err error }

func (p failPager) Next(context.Context) (Page, error) { return Page{}, p.err }
func (p failPager) Close()                             {}
