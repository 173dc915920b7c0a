package tui

import (
	"time"

	"lazytrail/keymap"
	"lazytrail/model"
)

// state is what the panes and overlays read when they render, kept once:
// the App embeds it and every component holds a pointer to the same
// value, so a change (the time zone, the focus, a new timeline after r)
// is seen by all at the next frame instead of being copied into each.
type state struct {
	st   Styles
	keys keymap.KeyMap

	account string         // the status bar's source label
	local   *time.Location // the zone t switches to
	utc     bool           // times in UTC (the default) or local
	marked  bool           // the terminal shows no attributes (TERM=dumb): > marks the selected row
	focus   pane           // which of list, detail and JSON has the keys

	// The stream in force: what it covers, the events it delivered and
	// how far every partition got.
	tl        *model.Timeline
	query     model.Query
	timeRange model.Range // T's range in force; the zero Range is the command line's
	progress  []model.RegionProgress
	ended     bool      // the stream delivered everything it will
	halted    bool      // the user stopped the query (esc over a running query billed for what it scans): ended, but not complete
	stopped   bool      // esc stopped a scan; moving down or a new filter resumes demand
	toEnd     scanToEnd // L: page to the end of history for the filter

	// why says why the loaded matches may not be every match ("" when
	// they are), for the summary; the App derives it (App.incompleteWhy).
	why func() string
}

// zone is the zone times are shown in.
func (s *state) zone() *time.Location {
	if s.utc {
		return time.UTC
	}
	return s.local
}

// filter is the filter in force: the timeline's, the one place it is kept
// (the filter bar's text is an edit of it, and the demand a record of what
// was asked for it).
func (s *state) filter() model.Filter { return s.tl.Filter() }

// summary condenses the partitions' progress for the status bar, the info
// line and the completeness words; derived when asked, never stored.
func (s *state) summary() regionSummary { return summarize(s.progress) }

// rangeDone reports whether the query read its whole range: the header's
// "back to" would then only name the oldest event found, as if the search
// had stopped there.
func (s *state) rangeDone() bool {
	return s.ended && !s.halted && s.summary().failed == 0
}
