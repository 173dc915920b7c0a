// Command lazytrail is a terminal UI for AWS CloudTrail event history: it
// pages LookupEvents lazily across every region into one newest-first list
// and filters it live, by user-name prefix first of all.
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

	b, err := openBackend(ctx, o)
	if err != nil {
		fmt.Fprintf(stderr, "lazytrail: %v\n", err)
		return exitFailed
	}
	defer b.close()
	if b.note != "" && o.print != "" {
		fmt.Fprintf(stderr, "lazytrail: %s\n", model.Printable(b.note))
	}

	if o.print != "" {
		code := runPrint(ctx, o, b, stdout, stderr)
		b.reportUnstopped(stderr)
		return code
	}
	// The TUI keeps everything it loads: with the default GOGC the heap
	// may reach twice what is live before a collection, so a million
	// events (1 GB of JSON, 1.9 GB live) would peak near 3.8 GB. A tighter
	// target trades a little CPU while loading for memory near what is
	// live (BenchmarkRecordsTimelineMemory, .ci/bench-records).
	debug.SetGCPercent(tuiGCPercent)
	err = tui.Run(ctx, tuiConfig(ctx, o, b))
	b.reportUnstopped(stderr) // the TUI has closed its streams, and so stopped its queries
	if err != nil {
		fmt.Fprintf(stderr, "lazytrail: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// tuiConfig is how the app reaches the backend: one Source it opens every
// query through, plans with and reads originals back from.
func tuiConfig(_ context.Context, o *options, b *backend) tui.Config {
	return tui.Config{Source: newLegacySource(o, b), Filter: o.filterText()}
}
