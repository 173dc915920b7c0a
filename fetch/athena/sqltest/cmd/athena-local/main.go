// Command athena-local serves a local Athena over the demo account's
// trail, for trying lazytrail's --athena end to end with real SQL: it
// starts moto_server (or uses --moto), uploads the trail's log files to
// its S3 and the CloudTrail table to its Glue, serves Athena with each
// query's SQL run on DuckDB, prints the command that points lazytrail at
// it, and serves until interrupted.
//
//	cd fetch/athena/sqltest && CGO_ENABLED=1 go run ./cmd/athena-local
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"lazytrail/fetch/athena/sqltest/athenalocal"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("athena-local", flag.ContinueOnError)
	fs.SetOutput(stderr)
	moto := fs.String("moto", "", "use the moto_server at this URL instead of starting one")
	addr := fs.String("addr", "127.0.0.1:0", "serve the Athena endpoint on this address (port 0: a free one)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: athena-local [--moto URL] [--addr HOST:PORT]\n\n"+
			"Serve a local Athena over the demo account's trail (moto_server for S3, Glue and\n"+
			"Athena; each query's SQL run on DuckDB) and print how to point lazytrail at it.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "athena-local: unexpected argument %q (see --help)\n", fs.Arg(0))
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	motoURL := strings.TrimSuffix(*moto, "/")
	if motoURL != "" {
		if err := athenalocal.CheckMoto(ctx, motoURL); err != nil {
			fmt.Fprintf(stderr, "athena-local: %v\n", err)
			return 1
		}
	} else {
		fmt.Fprintln(stderr, "starting moto_server…")
		url, stopMoto, err := athenalocal.StartMoto(ctx)
		if err != nil {
			fmt.Fprintf(stderr, "athena-local: %v\n", err)
			return 1
		}
		defer stopMoto()
		motoURL = url
	}
	fmt.Fprintln(stderr, "uploading the demo account's trail and loading it into DuckDB…")
	began := time.Now()
	local, err := athenalocal.Start(ctx, athenalocal.Options{Moto: motoURL, Addr: *addr, Log: func(format string, args ...any) {
		fmt.Fprintf(stderr, "  "+format+"\n", args...)
	}})
	if err != nil {
		fmt.Fprintf(stderr, "athena-local: %v\n", err)
		return 1
	}
	defer local.Close()
	fmt.Fprintf(stderr, "ready in %v\n\n", time.Since(began).Round(100*time.Millisecond))
	printUsage(stdout, local)
	<-ctx.Done()
	fmt.Fprintln(stderr, "\nstopping")
	return 0
}

// printUsage says what is served and the command that tries it.
func printUsage(w io.Writer, l *athenalocal.Local) {
	fmt.Fprintf(w, "The demo account's %d records, %s to %s UTC:\n", len(l.Events),
		l.Oldest.UTC().Format("2006-01-02 15:04"), l.End.Format("2006-01-02 15:04"))
	fmt.Fprintf(w, "  S3      %s  s3://%s/AWSLogs/ (%d log files); results in %s\n", l.Moto, athenalocal.TrailBucket, l.Files, athenalocal.Output)
	fmt.Fprintf(w, "  Glue    %s  table %s (AWS's CloudTrail table, partition projection)\n", l.Moto, athenalocal.Table)
	fmt.Fprintf(w, "  Athena  %s  moto's, with each query's SQL run on DuckDB\n\n", l.Athena)
	run := "lazytrail"
	if root := repositoryRoot(); root != "" {
		fmt.Fprintf(w, "In another terminal, from %s:\n\n", root)
		run = "go run ."
	} else {
		fmt.Fprint(w, "In another terminal:\n\n")
	}
	fmt.Fprintf(w, "%s \\\n  %s %s\n\n", strings.Join(l.Env(), " "), run, strings.Join(l.Args(), " "))
	fmt.Fprintln(w, "Serving until ctrl+c.")
}

// repositoryRoot is lazytrail's source tree above the working directory
// (athena-local runs from fetch/athena/sqltest), or "" outside it.
func repositoryRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if mod, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.HasPrefix(string(mod), "module lazytrail\n") {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}
