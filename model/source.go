package model

import (
	"context"
	"time"
)

// The source contract. Every place events come from (LookupEvents, trail
// log files, an Athena table, and the sources to come) is one package
// whose Source implements these methods; the command line picks one and
// hands it to the TUI or the headless printer, and nothing above it names
// a source. The types live here, in the domain package every layer
// imports, so that fetch's sources and the TUI's view of them share them
// without the TUI importing fetch or the SDK.

// Source opens streams of events for requests. Implementations are safe
// to call from one goroutine at a time (the TUI's Update, or main).
type Source interface {
	// Open starts a stream for req and says what it covers. It never
	// blocks on I/O: failures arrive through the stream, as a failed
	// partition, so the TUI can show them where they belong.
	Open(ctx context.Context, req Request) (Stream, Query)

	// Plan is what the source would push down for a filter. Two filters
	// with equal plans are answered by the same query; the TUI opens a
	// new query when a settled filter's plan differs from the one in
	// force (and Capabilities.Plans is set).
	Plan(f Filter) Plan

	// Capabilities says what the source can do, for the keys the TUI
	// offers and the words it uses.
	Capabilities() Capabilities

	// Label names the source for the status bar ("demo", a profile and
	// its account id, "records", "athena TABLE") and says what the user
	// should know at start ("" for nothing: why regions were guessed, a
	// table that is not partitioned), both printable.
	Label() (account, notice string)

	// Close releases the source (connections, an in-process endpoint).
	// Streams are closed by their own Close first.
	Close()
}

// Request is what a stream is opened for.
type Request struct {
	// Range is the time range; the zero Range is the command line's.
	Range Range
	// After, when set, asks for everything after this time up to now
	// (follow mode); Range is then ignored.
	After time.Time
	// Plan is the key of what to push down, as Plan returned it ("" for
	// nothing). A source that cannot push anything down ignores it.
	Plan string
	// Keep, when not the zero Filter, is the filter the consumer applies to
	// every event it takes (the headless printer's). A source may skip a
	// record that cannot match it before building its Event, and may
	// decode only the fields the filter reads for those it skips. It is
	// no pushdown: it changes no Plan key and the consumer still filters,
	// so a source that ignores it is correct. A consumer that keeps events
	// to filter again later (the TUI) leaves it zero.
	Keep Filter
	// Budget is the memory, in bytes, the stream may hold read ahead of
	// the consumer; zero means the source's default.
	Budget int64
}

// Range is a time range the user picked: the last Back up to now, or
// Since to Until (a zero Until: now). The zero Range is the command line's.
type Range struct {
	Back         time.Duration
	Since, Until time.Time
}

// IsZero reports the command line's range.
func (r Range) IsZero() bool { return r == Range{} }

// Query says what a stream covers, for the status bar and the printer.
type Query struct {
	Start, End time.Time
	Lookup     string // what the query pushes down, for people: "pushed down EventName=RunInstances", "SQL: every term (R)", or ""
}

// Plan is what a source pushes down for a filter.
type Plan struct {
	// Key identifies the query: equal keys, the same query. "" when
	// nothing is pushed down.
	Key string
	// Loads is a filter every event the query delivers matches, and that
	// matches every event in the range the query would miss none of: the
	// loaded events hold every match of a filter f when f.Narrows(Loads).
	// The zero Filter when the query loads everything in its range.
	Loads Filter
}

// Capabilities says what a source can do.
type Capabilities struct {
	// HistoryLimit is how far back the source keeps events (LookupEvents:
	// 90 days), for a range that reaches past it to say so; 0: no limit.
	HistoryLimit time.Duration
	// Beyond, with a HistoryLimit, says what reaches past it, for the same
	// message ("--records reads the trail's files"); "" for nothing.
	Beyond string
	// Ranges: the source opens a query over a range the user picks (T).
	Ranges bool
	// Follow: the source opens a query of everything after a time (F).
	Follow bool
	// Plans: the filter's planner chooses what is pushed down. False when
	// the source pushes nothing down, or the command line fixed it.
	Plans bool
	// Fixed, when the command line fixed what is pushed down, is how to
	// say so ("--lookup EventName=RunInstances"); "" otherwise.
	Fixed string
	// NarrowsInPlace: a settled filter that narrows the query in force is
	// answered by paging that query on, not by a new one (a query billed
	// for what it scans: Athena).
	NarrowsInPlace bool
	// WholeFilter: the plan is the whole filter (every term is pushed
	// down), so there is no exact term to hint at.
	WholeFilter bool
}

// Stream is the merged, newest-first stream of one query.
type Stream interface {
	// Want asks for at least n more events that match (nil matches all)
	// to be released, beyond those released so far, replacing any earlier
	// request; n <= 0 stops fetching once requests in flight return. It
	// only records the demand and never blocks, so Update may call it.
	Want(match func(*Event) bool, n int)

	// Next blocks until events are released, progress changes or the
	// stream ends, and returns what happened since the last call. ok is
	// false once the stream has ended and everything was returned.
	Next(ctx context.Context) (b Batch, ok bool)

	// Close cancels every request and releases the stream's goroutines.
	Close()
}

// Optional interfaces: what only some sources have. Callers check with a
// type assertion.

// Originals reads back the exact record of an event that holds a rebuilt
// one (Event.Origin is set: an Athena row), for the JSON pane and --print.
type Originals interface {
	Original(ctx context.Context, e *Event) (string, error)
	// Prefetch reads, several at once, the originals of the events the
	// filter matches, before they are asked for one by one.
	Prefetch(ctx context.Context, events []Event, f Filter)
}

// Leftovers says what a closed source may have left behind and how to
// deal with it, one printable line each (an Athena query whose stop was
// not confirmed).
type Leftovers interface {
	Leftovers() []string
}
