package tui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"lazytrail/model"
)

// regionSummary condenses the per-region progress for the status bar and
// the scan line.
type regionSummary struct {
	total, done, paging, throttled, failed, idle int
	skipped, late                                int       // files or records left out; events out of place
	word                                         string    // "regions", or "partitions" for files and several accounts
	checked                                      int       // events received from every region, matching or not
	reached                                      time.Time // every region has been read back to here (zero: not yet known)
	status                                       string    // a source's own state line (a query's state and cost), escaped
	statusBy                                     string    // the partition's source, which the line starts by naming
}

func summarize(ps []model.RegionProgress) regionSummary {
	s := regionSummary{total: len(ps), word: "regions"}
	var oldestAll time.Time
	for _, p := range ps {
		s.checked += p.Events
		s.skipped += p.Skipped
		s.late += p.Late
		if p.Status != "" && s.status == "" {
			s.status, s.statusBy = p.Status, p.Source
		}
		if !p.IsRegion() {
			s.word = "partitions"
		}
		switch p.State {
		case model.RegionDone:
			s.done++
		case model.RegionFailed:
			s.failed++
		case model.RegionThrottled:
			s.throttled++
		case model.RegionPaging:
			s.paging++
		case model.RegionWaiting:
			s.idle++
		}
		if !p.Oldest.IsZero() && (oldestAll.IsZero() || p.Oldest.Before(oldestAll)) {
			oldestAll = p.Oldest
		}
		// The frontier is held back by the unfinished region that has read
		// the least far back.
		if !p.Finished() && !p.Oldest.IsZero() && p.Oldest.After(s.reached) {
			s.reached = p.Oldest
		}
	}
	if s.reached.IsZero() {
		s.reached = oldestAll
	}
	return s
}

// statusBar is the top line: where the data comes from and how far it
// goes, read from the shared state when it renders.
type statusBar struct {
	s     *state
	width int
}

// SetSize takes the width; the bar takes as many lines as it needs (up to
// maxStatusLines), which the layout then gives it.
func (b *statusBar) SetSize(w, _ int) { b.width = w }

// maxStatusLines is how many lines the status bar may take: what does not
// fit on the first (the pushed-down attribute, the time range) goes on
// the next rather than being left out.
const maxStatusLines = 3

// View is the bar's lines, as many as what it says needs.
func (s statusBar) View() []string {
	st := s.s
	account, q, loaded, zone := st.account, st.query, st.tl.Len(), st.zone()
	sum := st.summary()
	if st.rangeDone() {
		sum.reached = time.Time{} // read to the start of the range: no "back to"
	}
	bar, key := st.st.paints.bar, st.st.paints.key
	sep := " │ "
	// Parts in order of importance: at a narrow width the later ones go
	// on a second line, whole, rather than being cut mid-word.
	parts := []string{key.wrap(" lazytrail " + cut(account, 24))}
	// A source with its own state line (a query's state, data scanned,
	// price) and one partition shows that line in the
	// partitions' place: it is what the user watches, and pays for.
	ownStatus := sum.status != "" && sum.total == 1
	// Narrower than 100 columns only what needs attention is counted,
	// so that "back to", the scan's frontier, still fits at 80.
	compact := s.width < 100
	switch {
	case ownStatus:
		status := sum.status
		if compact {
			status = compactStatus(status, sum.statusBy)
		}
		// What needs attention is still said: a failed query, skipped rows.
		part := key.wrap(status)
		if r := s.counts(sum, true); r != "" {
			part += bar.wrap(" ·") + r
		}
		parts = append(parts, part)
	case sum.total > 0:
		word := sum.word
		if sum.total == 1 {
			word = strings.TrimSuffix(word, "s")
		}
		r := s.counts(sum, compact)
		label := fmt.Sprintf("%d %s", sum.total, word)
		if r != "" {
			label += ":"
		}
		parts = append(parts, bar.wrap(label)+r)
	}
	parts = append(parts, bar.wrap(count(loaded)+" loaded"))
	if sum.status != "" && !ownStatus {
		parts = append(parts, bar.wrap(sum.status))
	}
	if !sum.reached.IsZero() {
		parts = append(parts, bar.wrap("back to "+sum.reached.In(zone).Format("01-02 15:04")))
	}
	if q.Lookup != "" {
		parts = append(parts, bar.wrap(model.Printable(q.Lookup)))
	}
	if !q.Start.IsZero() {
		parts = append(parts, bar.wrap(q.Start.In(zone).Format("2006-01-02 15:04")+" → "+q.End.In(zone).Format("2006-01-02 15:04")))
	}
	rest := make([]part, len(parts)-1)
	for i, p := range parts[1:] {
		rest[i] = part{text: p}
	}
	lines := packParts(parts[0], bar.wrap(sep), bar.wrap(sep), bar.wrap(" "), rest, s.width, maxStatusLines)
	for i := range lines {
		lines[i] = bar.wrap(lines[i])
	}
	return lines
}

// count formats n with thousands separators.
func count(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return s
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// counts are the partitions by state, " 2 done · 1 FAILED (R)", or with
// attentionOnly only the states that need it (throttled, failed, skipped).
func (s statusBar) counts(sum regionSummary, attentionOnly bool) string {
	paints := s.s.st.paints
	bar := paints.bar
	r, sep := "", ""
	for _, c := range []struct {
		n      int
		label  string
		paint  paint
		always bool
	}{
		{sum.done, "done", bar, false}, {sum.paging, "paging", bar, false}, {sum.idle, "idle", bar, false},
		{sum.throttled, "throttled", paints.warn, true}, {sum.failed, "FAILED (R)", paints.bad, true},
		{sum.skipped, "skipped (R)", paints.warn, true},
	} {
		if c.n > 0 && (c.always || !attentionOnly) {
			r += bar.wrap(sep) + c.paint.wrap(fmt.Sprintf(" %d %s", c.n, c.label))
			sep = " ·"
		}
	}
	return r
}

// compactStatus shortens a source's state line for 80 columns, leaving
// out the source's name it starts with: "sql RUNNING · 1.2 GB scanned ·
// $0.01" from the source "sql" reads "RUNNING 1.2 GB $0.01".
func compactStatus(s, source string) string {
	if source != "" {
		s = strings.TrimPrefix(s, source+" ")
	}
	return strings.NewReplacer(" scanned", "", " · ", " ").Replace(s)
}
