package main

import (
	"bufio"
	"context"
	"encoding/csv"
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

// runPrint is the headless mode: stream matching events to stdout in order,
// then exit with a code that tells complete results from partial ones.
func runPrint(ctx context.Context, o *options, b *backend, stdout, stderr io.Writer) int {
	filter := model.ParseFilter(o.filterText())
	stream, _ := b.open(ctx, o, time.Now().UTC())
	defer stream.Close()

	want := o.limit
	if want == 0 {
		want = math.MaxInt
	}
	stream.Want(filter.Match, want)

	out := bufio.NewWriterSize(stdout, 64<<10)
	p := newPrinter(o.print, out)
	progress := newProgressLine(stderr)
	printed := 0
	var last []model.RegionProgress
	// Athena rows hold a record rebuilt from columns; the records printed
	// are the originals, read back from their log files.
	restore := b.athena != nil && (o.print == "jsonl" || o.print == "json")
	var unrestored restoreMisses
	for printed < want || want == math.MaxInt {
		batch, ok := stream.Next(ctx)
		if !ok {
			break
		}
		last = batch.Progress
		if restore {
			b.athena.prefetch(ctx, batch.Events, filter)
		}
		for i := range batch.Events {
			e := &batch.Events[i]
			if !filter.Match(e) {
				continue
			}
			if restore {
				unrestored.restore(ctx, b.athena, e)
			}
			p.event(e)
			printed++
			if printed == want {
				break
			}
		}
		// Flush per batch so a pipe reader sees events as they come.
		if err := out.Flush(); err != nil {
			progress.clear()
			return writeFailed(err, printed, stderr)
		}
		progress.show(printed, batch.Progress)
		if printed == want {
			break
		}
	}
	p.end()
	flushErr := out.Flush()
	progress.clear()
	if flushErr != nil {
		return writeFailed(flushErr, printed, stderr)
	}
	if ctx.Err() != nil {
		fmt.Fprintf(stderr, "lazytrail: interrupted after %d events; the output is incomplete\n", printed)
		unrestored.report(stderr)
		return exitPartial
	}
	code := reportRegions(last, printed, stderr)
	if unrestored.report(stderr) {
		code = max(code, exitPartial)
	}
	return code
}

// writeFailed ends a run whose output could not be written: the output
// is partial (exit 3). A reader that closed the pipe (| head) asked for
// no more, so that is quiet; anything else (a full disk) says why.
func writeFailed(err error, printed int, stderr io.Writer) int {
	if errors.Is(err, syscall.EPIPE) {
		return exitPartial
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	fmt.Fprintf(stderr, "lazytrail: cannot write the output after %d events: %s\n", printed, model.Printable(err.Error()))
	return exitPartial
}

// reportRegions says which partitions failed and what was skipped, one
// line each, and picks the exit code: complete, partial, or nothing
// fetched at all.
func reportRegions(progress []model.RegionProgress, printed int, stderr io.Writer) int {
	failed, skipped, late, real, received, ignored := 0, 0, 0, 0, 0, 0
	example := ""
	for _, p := range progress {
		late += p.Late
		received += p.Events
		ignored += p.Ignored
		if example == "" {
			example = p.IgnoredExample
		}
		for _, sk := range p.Skips {
			fmt.Fprintf(stderr, "lazytrail: skipped %s\n", sk) // escaped by the stream
		}
		for _, tw := range p.Twins {
			fmt.Fprintf(stderr, "lazytrail: %s\n", tw) // escaped by the stream
		}
		if more := p.TwinCount - len(p.Twins); more > 0 {
			fmt.Fprintf(stderr, "lazytrail: %d more records with the id and time of another but different content in %s\n", more, model.Printable(p.Name()))
		}
		if more := p.Skipped - len(p.Skips); more > 0 {
			fmt.Fprintf(stderr, "lazytrail: skipped %d more in %s\n", more, model.Printable(p.Name()))
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
	what := partitionsWord(progress)
	switch {
	case failed > 0 && failed == real:
		fmt.Fprintf(stderr, "lazytrail: every %s failed; nothing was fetched\n", strings.TrimSuffix(what, "s"))
		return exitFailed
	case failed > 0:
		fmt.Fprintf(stderr, "lazytrail: %d of %d %s failed; the %d events printed are from the others only\n", failed, real, what, printed)
		return exitPartial
	case received == 0 && skipped == 0 && ignored > 0:
		fmt.Fprintf(stderr, "lazytrail: nothing could be read: %d files there are not CloudTrail log files (%s)\n", ignored, example)
		return exitFailed
	case skipped > 0 && received == 0:
		fmt.Fprintf(stderr, "lazytrail: nothing could be read: everything was skipped (named above)\n")
		return exitFailed
	case skipped > 0:
		fmt.Fprintf(stderr, "lazytrail: %d files or records skipped (named above); the %d events printed are from the rest\n", skipped, printed)
		return exitPartial
	}
	return exitOK
}

// partitionsWord is what the partitions are called: regions when they are
// the LookupEvents regions of one account, partitions otherwise.
func partitionsWord(progress []model.RegionProgress) string {
	if slices.ContainsFunc(progress, func(p model.RegionProgress) bool { return p.Source != "" && p.Source != "lookup" || p.Account != "" }) {
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

// printer writes one output format.
type printer interface {
	event(e *model.Event)
	end()
}

func newPrinter(format string, w *bufio.Writer) printer {
	switch format {
	case "json":
		return &jsonPrinter{w: w}
	case "csv":
		c := csv.NewWriter(w)
		_ = c.Write(model.CSVHeader)
		return &csvPrinter{w: c}
	case "table":
		fmt.Fprintln(w, tableRow(tableHeader))
		return &tablePrinter{w: w}
	}
	return &jsonlPrinter{w: w}
}

type jsonlPrinter struct{ w *bufio.Writer }

func (p *jsonlPrinter) event(e *model.Event) {
	p.w.Write(recordJSON(e))
	p.w.WriteByte('\n')
}
func (p *jsonlPrinter) end() {}

// jsonPrinter streams one JSON array without holding the events.
type jsonPrinter struct {
	w *bufio.Writer
	n int
}

func (p *jsonPrinter) event(e *model.Event) {
	if p.n == 0 {
		p.w.WriteString("[\n")
	} else {
		p.w.WriteString(",\n")
	}
	p.n++
	p.w.Write(recordJSON(e))
}

func (p *jsonPrinter) end() {
	if p.n == 0 {
		p.w.WriteString("[]\n")
		return
	}
	p.w.WriteString("\n]\n")
}

type csvPrinter struct{ w *csv.Writer }

func (p *csvPrinter) event(e *model.Event) { _ = p.w.Write(model.CSVRow(e)) }
func (p *csvPrinter) end()                 { p.w.Flush() }

var tableHeader = []string{"TIME (UTC)", "ACCOUNT", "REGION", "EVENT", "USER", "SOURCE", "RESOURCE", "ERROR"}

// tableWidths are fixed so rows stream out without buffering the result.
var tableWidths = []int{20, 13, 15, 32, 28, 16, 24, 0}

type tablePrinter struct{ w *bufio.Writer }

func (p *tablePrinter) event(e *model.Event) {
	res := ""
	if len(e.Resources) > 0 {
		res = e.Resources[0].Name
	}
	fmt.Fprintln(p.w, tableRow([]string{e.Time.Format("2006-01-02 15:04:05"), e.Account, e.Region, e.Name, e.Username,
		strings.TrimSuffix(e.Source, ".amazonaws.com"), res, e.ErrorCode}))
}
func (p *tablePrinter) end() {}

func tableRow(cols []string) string {
	var b strings.Builder
	for i, c := range cols {
		c = model.Printable(c)
		w := tableWidths[i]
		if w == 0 {
			b.WriteString(c)
			continue
		}
		r := []rune(c)
		if len(r) > w-1 {
			c = string(r[:w-2]) + "…"
			r = []rune(c)
		}
		b.WriteString(c)
		b.WriteString(strings.Repeat(" ", w-len(r)))
	}
	return strings.TrimRight(b.String(), " ")
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

func (p *progressLine) show(printed int, regions []model.RegionProgress) {
	if !p.on || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	line := progressText(printed, regions)
	fmt.Fprintf(p.w, "\r\x1b[2K%s", line)
	p.shown = true
}

// progressText says how far a headless run has got. "Back to" is where
// every region still paging has been read back to: the newest of their
// oldest times, since a finished region no longer holds anything back.
func progressText(printed int, regions []model.RegionProgress) string {
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
	return model.Printable(fmt.Sprintf("%d printed, %d checked, back to %s, %d of %d %s paging", printed, checked, back, paging, len(regions), partitionsWord(regions)))
}

func (p *progressLine) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[2K")
		p.shown = false
	}
}

// restoreMisses counts Athena rows whose original record could not be read.
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
func (m *restoreMisses) restore(ctx context.Context, s *athenaSource, e *model.Event) {
	if e.Origin == "" {
		return
	}
	raw, err := s.original(ctx, e)
	if err != nil {
		m.n++
		if m.first == "" {
			m.first = model.Printable(err.Error())
		}
		return
	}
	e.Raw, e.ParseError = raw, ""
}
