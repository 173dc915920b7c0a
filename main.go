// Command lazytrail is a terminal UI for AWS CloudTrail events: it reads
// one source (LookupEvents across every region, a trail's log files, its
// Athena table) lazily into one newest-first list and filters it live.
// This package is the command line: flags pick the source, and main hands
// it to the TUI or to the headless printer.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"lazytrail/model"
	"lazytrail/tui"
)

// tuiGCPercent is the GC target of the TUI, which holds what it loads.
const tuiGCPercent = 20

// The GC of --print, which holds nothing but its read-ahead (printBudget,
// about 60 MB live): a collection only every 5× the live heap, capped by
// a memory limit, spends less CPU on GC than the default while the heap
// is small and keeps the peak flat whatever the number of events.
// Measured over 100k and 1M events (issue 18, paired runs on 2 busy
// cores): GOGC 100 peaked at 85–280 MB RSS, varying with how the decoders
// and the writer share the cores; 400 under a 160 MiB limit at 170 MB
// flat, under 128 MiB at 137–140 MB with the same user CPU, 5–15 % less
// than GOGC 100 (the issue measured 400 alone, without a limit, at
// 1.5 GB). GOGC or GOMEMLIMIT in the environment is left to rule.
const (
	printGCPercent   = 400
	printMemoryLimit = 128 << 20
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	// A closed pipe (| head) is then a write error that --print turns into
	// its documented exit code, rather than death by SIGPIPE (exit 141).
	signal.Ignore(syscall.SIGPIPE)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the whole program behind main, so tests can run it in-process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "demo-server" {
		return runDemoServer(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "athena-ddl" {
		return runAthenaDDL(ctx, args[1:], stdout, stderr)
	}

	o, err := parseArgs(args, stderr, time.Now().UTC())
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		fmt.Fprintf(stderr, "lazytrail: %v\n", err)
		return exitUsage
	}
	if o.version {
		fmt.Fprintf(stdout, "lazytrail %s\n", version)
		return exitOK
	}

	src, err := openSource(ctx, o)
	if err != nil {
		fmt.Fprintf(stderr, "lazytrail: %v\n", err)
		return exitFailed
	}
	defer src.Close()
	if _, notice := src.Label(); notice != "" && o.print != "" {
		fmt.Fprintf(stderr, "lazytrail: %s\n", model.Printable(notice))
	}

	if o.print != "" {
		// Restored after: tests run many commands in one process.
		if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
			defer debug.SetGCPercent(debug.SetGCPercent(printGCPercent))
			defer debug.SetMemoryLimit(debug.SetMemoryLimit(printMemoryLimit))
		}
		var code int
		if o.view == viewResources {
			code = runLedger(ctx, o, src, openPricer(ctx, o, src), stdout, stderr)
		} else {
			code = runPrint(ctx, o, src, stdout, stderr)
		}
		reportLeftovers(src, stderr)
		return code
	}
	// The TUI keeps everything it loads: with the default GOGC the heap
	// may reach twice what is live before a collection, so a million
	// events (1 GB of JSON, 1.9 GB live) would peak near 3.8 GB. A tighter
	// target trades a little CPU while loading for memory near what is
	// live (BenchmarkRecordsTimelineMemory, .ci/bench-records).
	debug.SetGCPercent(tuiGCPercent)
	err = tui.Run(ctx, tui.Config{Source: src, Filter: o.filterText(), Pricer: openPricer(ctx, o, src)})
	reportLeftovers(src, stderr) // the TUI has closed its streams, and so stopped its queries
	if err != nil {
		fmt.Fprintf(stderr, "lazytrail: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// reportLeftovers says, one line each, what the source may have left
// behind (an Athena query whose stop was not confirmed) and how to deal
// with it.
func reportLeftovers(src model.Source, stderr io.Writer) {
	if l, ok := src.(model.Leftovers); ok {
		for _, line := range l.Leftovers() {
			fmt.Fprintf(stderr, "lazytrail: %s\n", line) // printable already
		}
	}
}
