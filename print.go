package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/charmbracelet/x/term"

	"lazytrail/model"
)

// printBudget is what --print lets the stream hold read ahead of the
// writer, whatever the TUI's lookahead: the printer keeps nothing, so
// read-ahead is all its memory, and a few files' worth a partition keeps
// both cores decoding (BenchmarkPrintPath; peak RSS measured flat from
// 100k to 1M events, issue 18).
const printBudget = 32 << 20

// runPrint is the headless mode: stream matching events to stdout in order,
// then exit with a code that tells complete results from partial ones.
func runPrint(ctx context.Context, o *options, src model.Source, stdout, stderr io.Writer) int {
	filter := model.ParseFilter(o.filterText())
	plan, caps := src.Plan(filter), src.Capabilities()
	if plan.Key == "" && caps.Plans && !caps.WholeFilter {
		// A source that pushes an exact term down scans the whole range
		// when there is none: a prefix term that looks whole was most
		// likely meant exact.
		if hint := filter.ExactHint(); hint != "" {
			fmt.Fprintf(stderr, "lazytrail: %s\n", hint)
		}
	}
	stream, _ := src.Open(ctx, model.Request{Plan: plan.Key, Keep: filter, Budget: printBudget})
	defer stream.Close()

	want := o.limit
	if want == 0 {
		want = math.MaxInt
	}
	stream.Want(filter.Match, want)

	sink := &byteCounter{w: stdout}
	out := bufio.NewWriterSize(sink, 64<<10)
	p := newPrinter(o.print, out)
	var ends eventEnds
	progress := newProgressLine(stderr)
	printed := 0
	var last []model.RegionProgress
	named := 0 // skips named so far
	// Rows rebuilt from columns (Athena's) are printed as their original
	// records, read back from their log files.
	originals, restore := src.(model.Originals)
	restore = restore && (o.print == "jsonl" || o.print == "json")
	var unrestored restoreMisses
	// The printer is done with a batch's events once they are written
	// (it keeps no pointer to them), so it gives them back for the
	// stream to reuse; restored events may hold what Originals read.
	recycler, recycle := stream.(eventRecycler)
	recycle = recycle && !restore
	for printed < want || want == math.MaxInt {
		batch, ok := stream.Next(ctx)
		if !ok {
			break
		}
		last = batch.Progress
		named += nameSkips(batch.Skipped, progress, stderr)
		if restore {
			originals.Prefetch(ctx, batch.Events, filter)
		}
		for i := range batch.Events {
			e := &batch.Events[i]
			if !filter.Match(e) {
				continue
			}
			if restore {
				unrestored.restore(ctx, originals, e)
			}
			p.Event(e)
			ends.add(sink.n + int64(out.Buffered()))
			printed++
			if printed == want {
				break
			}
		}
		// Flush per batch so a pipe reader sees events as they come.
		if err := out.Flush(); err != nil {
			progress.clear()
			return writeFailed(err, ends.written(sink.n), printed, stderr)
		}
		ends.flushedAll()
		progress.show(printed, "printed", batch.Progress)
		if recycle {
			recycler.Recycle(batch.Events)
		}
		if printed == want {
			break
		}
	}
	_ = p.End() // a write error sticks in out: its Flush reports it
	flushErr := out.Flush()
	progress.clear()
	if flushErr != nil {
		return writeFailed(flushErr, ends.written(sink.n), printed, stderr)
	}
	if ctx.Err() != nil {
		fmt.Fprintf(stderr, "lazytrail: interrupted after %d events; the output is incomplete\n", printed)
		unrestored.report(stderr)
		return exitPartial
	}
	code := reportRegions(last, printed, "events printed", named, stderr)
	if unrestored.report(stderr) {
		code = max(code, exitPartial)
	}
	return code
}

// nameSkips writes one line per file or record the batch skipped, as they
// come, every one (a partition's progress keeps only its first 200), and
// returns how many.
func nameSkips(skipped []string, progress *progressLine, stderr io.Writer) int {
	if len(skipped) > 0 {
		progress.clear()
	}
	for _, sk := range skipped {
		fmt.Fprintf(stderr, "lazytrail: skipped %s\n", sk) // escaped by the stream
	}
	return len(skipped)
}

// eventRecycler is a stream that can reuse the array of a batch's events
// once the consumer is done with them (fetch.Stream).
type eventRecycler interface {
	Recycle(events []model.Event)
}

// writeFailed ends a run whose output could not be written: the output
// is partial (exit 3). A reader that closed the pipe (| head) asked for
// no more, so that is quiet; anything else (a full disk) says why and how
// many events reached the output whole, of those formatted.
func writeFailed(err error, written, printed int, stderr io.Writer) int {
	if errors.Is(err, syscall.EPIPE) {
		return exitPartial
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	fmt.Fprintf(stderr, "lazytrail: cannot write the output: %s; %d of the %d events so far were written whole\n",
		model.Printable(err.Error()), written, printed)
	return exitPartial
}

// byteCounter counts the bytes its writer accepted, a failed write's
// share included.
type byteCounter struct {
	w io.Writer
	n int64
}

func (c *byteCounter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// eventEnds holds the output offset at which each event not yet flushed
// ends, so a failed write can say how many events reached the output
// whole: a batch's worth at most, emptied at each successful flush.
type eventEnds struct {
	ends    []int64
	flushed int // events written whole by the flushes that succeeded
}

func (e *eventEnds) add(end int64) { e.ends = append(e.ends, end) }

func (e *eventEnds) flushedAll() {
	e.flushed += len(e.ends)
	e.ends = e.ends[:0]
}

// written is how many events end within the first n bytes written.
func (e *eventEnds) written(n int64) int {
	whole := 0
	for _, end := range e.ends {
		if end <= n {
			whole++
		}
	}
	return e.flushed + whole
}

// reportRegions says which partitions failed and what was skipped, one
// line each, and picks the exit code: complete, partial, or nothing
// fetched at all. named is how many skips were named already, as they
// came; the partitions' own lists (their first 200) are named only when
// none was. what names the count: "events printed".
func reportRegions(progress []model.RegionProgress, printed int, what string, named int, stderr io.Writer) int {
	failed, skipped, late, real, received, ignored := 0, 0, 0, 0, 0, 0
	example := ""
	for _, p := range progress {
		late += p.Late
		received += p.Events
		ignored += p.Ignored
		if example == "" {
			example = p.IgnoredExample
		}
		if named == 0 {
			for _, sk := range p.Skips {
				fmt.Fprintf(stderr, "lazytrail: skipped %s\n", sk) // escaped by the stream
			}
			if more := p.Skipped - len(p.Skips); more > 0 {
				fmt.Fprintf(stderr, "lazytrail: skipped %d more in %s\n", more, model.Printable(p.Name()))
			}
		}
		for _, tw := range p.Twins {
			fmt.Fprintf(stderr, "lazytrail: %s\n", tw) // escaped by the stream
		}
		if more := p.TwinCount - len(p.Twins); more > 0 {
			fmt.Fprintf(stderr, "lazytrail: %d more records with the id and time of another but different content in %s\n", more, model.Printable(p.Name()))
		}
		skipped += p.Skipped
		if p.Pages == 0 && p.Events == 0 && p.State == model.RegionDone && p.Skipped+p.Ignored > 0 {
			continue // only carries skips
		}
		real++
		if p.State == model.RegionFailed {
			failed++
			fmt.Fprintf(stderr, "lazytrail: %s failed: %s\n", partitionName(p), model.Printable(p.Err))
		}
	}
	if late > 0 {
		fmt.Fprintf(stderr, "lazytrail: %d events were newer than the delivery time of their log file and are printed where they came, out of order\n", late)
	}
	parts := partitionsWord(progress)
	switch {
	case failed > 0 && failed == real:
		fmt.Fprintf(stderr, "lazytrail: every %s failed; nothing was fetched\n", strings.TrimSuffix(parts, "s"))
		return exitFailed
	case failed > 0:
		fmt.Fprintf(stderr, "lazytrail: %d of %d %s failed; the %d %s are from the others only\n", failed, real, parts, printed, what)
		return exitPartial
	case received == 0 && skipped == 0 && ignored > 0:
		fmt.Fprintf(stderr, "lazytrail: nothing could be read: %d files there are not CloudTrail log files (%s)\n", ignored, example)
		return exitFailed
	case skipped > 0 && received == 0:
		fmt.Fprintf(stderr, "lazytrail: nothing could be read: everything was skipped (named above)\n")
		return exitFailed
	case skipped > 0:
		fmt.Fprintf(stderr, "lazytrail: %d files or records skipped (named above); the %d %s are from the rest\n", skipped, printed, what)
		return exitPartial
	}
	return exitOK
}

// partitionsWord is what the partitions are called: regions when they are
// the LookupEvents regions of one account, partitions otherwise.
func partitionsWord(progress []model.RegionProgress) string {
	if slices.ContainsFunc(progress, func(p model.RegionProgress) bool { return !p.IsRegion() }) {
		return "partitions"
	}
	return "regions"
}

// partitionName names a partition in a message: "region eu-west-1" for a
// LookupEvents region of the one account, else account/region or the file.
func partitionName(p model.RegionProgress) string {
	if p.Source == "lookup" && p.Account == "" {
		return "region " + model.Printable(p.Region)
	}
	return model.Printable(p.Name())
}

// newPrinter is the writer of the --print format (model's registry);
// jsonl when none is named.
func newPrinter(format string, w *bufio.Writer) model.EventWriter {
	f, ok := model.FormatNamed(format)
	if !ok {
		f = model.Formats()[0]
	}
	return f.New(w)
}

// progressLine keeps one refreshed line of progress on stderr, only when
// stderr is a terminal, so pipes and logs get nothing but results.
type progressLine struct {
	w     io.Writer
	on    bool
	shown bool
	last  time.Time
}

func newProgressLine(w io.Writer) *progressLine {
	f, ok := w.(*os.File)
	return &progressLine{w: w, on: ok && term.IsTerminal(f.Fd())}
}

// show refreshes the line: done is how many, doneWhat what ("printed").
func (p *progressLine) show(done int, doneWhat string, regions []model.RegionProgress) {
	if !p.on || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	line := progressText(done, regions, doneWhat)
	fmt.Fprintf(p.w, "\r\x1b[2K%s", line)
	p.shown = true
}

// progressText says how far a headless run has got. "Back to" is where
// every region still paging has been read back to: the newest of their
// oldest times, since a finished region no longer holds anything back.
// done counts what doneWhat names, events "printed" unless given ("events
// read" for the resource ledger).
func progressText(done int, regions []model.RegionProgress, doneWhat ...string) string {
	what := "printed"
	if len(doneWhat) > 0 {
		what = doneWhat[0]
	}
	var checked, paging int
	var reached time.Time
	for _, r := range regions {
		checked += r.Events
		if r.Finished() {
			continue
		}
		paging++
		if !r.Oldest.IsZero() && r.Oldest.After(reached) {
			reached = r.Oldest
		}
	}
	back := "not yet known"
	if !reached.IsZero() {
		back = reached.Format("2006-01-02 15:04")
	}
	return model.Printable(fmt.Sprintf("%d %s, %d checked, back to %s, %d of %d %s paging", done, what, checked, back, paging, len(regions), partitionsWord(regions)))
}

func (p *progressLine) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[2K")
		p.shown = false
	}
}

// restoreMisses counts rebuilt rows whose original record could not be read.
type restoreMisses struct {
	n     int
	first string // escaped
}

// report says how many records were printed rebuilt, if any.
func (m *restoreMisses) report(stderr io.Writer) bool {
	if m.n == 0 {
		return false
	}
	fmt.Fprintf(stderr, "lazytrail: %d records printed as rebuilt from the query's columns: their log files could not be read (first: %s)\n", m.n, m.first)
	return true
}

// restore puts the original record in place of e's rebuilt one, or counts
// why not: the rebuilt record is printed then, so nothing is lost.
func (m *restoreMisses) restore(ctx context.Context, s model.Originals, e *model.Event) {
	if e.Origin == "" {
		return
	}
	raw, err := s.Original(ctx, e)
	if err != nil {
		m.n++
		if m.first == "" {
			m.first = model.Printable(err.Error())
		}
		return
	}
	e.Raw, e.ParseError = raw, ""
}
