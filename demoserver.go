package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"lazytrail/fetch"
	"lazytrail/fetch/localtrail"
	"lazytrail/fetch/trail"
	"lazytrail/model"
)

// runDemoServer serves the demo account (or record files) as a local
// CloudTrail endpoint for any client, until interrupted.
func runDemoServer(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lazytrail demo-server", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:4599", "address to listen on (port 0 picks a free one)")
	var records stringList
	fs.Var(&records, "records", "serve CloudTrail records from `PATH`, a file or folder, instead of the demo account (repeatable)")
	latency := fs.Duration("latency", 0, "delay added to every answer, e.g. 150ms")
	quota := fs.Float64("quota", 2, "LookupEvents requests per second per region before ThrottlingException (negative: unlimited)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: lazytrail demo-server [flags]\n\nServe LookupEvents for the demo account, for any CloudTrail client:\n  aws cloudtrail lookup-events --endpoint-url http://127.0.0.1:4599 --region eu-west-1\n\nFlags:\n")
		printFlags(fs)
	}
	extra, code, ok := parseSubcommand(fs, args, stderr)
	if !ok {
		return code
	}
	if len(extra) > 0 {
		fmt.Fprintf(stderr, "lazytrail demo-server: unexpected argument %q: pass files with --records PATH\n", extra[0])
		return exitUsage
	}
	if *latency < 0 {
		fmt.Fprintf(stderr, "lazytrail demo-server: --latency %v must not be negative\n", *latency)
		return exitUsage
	}
	if *quota == 0 {
		fmt.Fprintf(stderr, "lazytrail demo-server: --quota 0 would refuse every request: give a rate such as 2, or -1 for unlimited\n")
		return exitUsage
	}

	var ds *localtrail.Dataset
	if len(records) > 0 {
		var err error
		if ds, err = loadRecordsDataset(ctx, records, stderr); err != nil {
			fmt.Fprintf(stderr, "lazytrail demo-server: %s\n", model.Printable(err.Error()))
			return exitUsage
		}
		fmt.Fprintln(stderr, model.Printable(holdsLine(ds, "records")))
	} else {
		ds = localtrail.Demo(time.Now().UTC().Truncate(time.Minute))
		fmt.Fprintln(stderr, model.Printable(holdsLine(ds, "demo account")))
	}
	srv := localtrail.New(ds, localtrail.Options{Quota: *quota, Latency: *latency})
	url, err := srv.Listen(*addr)
	if err != nil {
		fmt.Fprintf(stderr, "lazytrail demo-server: cannot listen on %s: %v: pick another --addr (port 0 picks a free one)\n", *addr, err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "lazytrail demo-server: serving %d events in %d regions at %s\n", ds.Len(), len(ds.Regions()), url)
	fmt.Fprintf(stdout, "try: AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x aws cloudtrail lookup-events --endpoint-url %s --region eu-west-1 --max-items 5\n", url)
	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		fmt.Fprintf(stderr, "lazytrail demo-server: shutdown: %v\n", err)
		return exitFailed
	}
	fmt.Fprintln(stdout, "lazytrail demo-server: stopped")
	return exitOK
}

// holdsLine says what time range a dataset holds: for records, what a
// query without StartTime and EndTime is served; the demo account is the
// 90 days before now, as Event history is.
func holdsLine(ds *localtrail.Dataset, what string) string {
	if ds.Len() == 0 {
		return "lazytrail demo-server: " + what + ": no events"
	}
	oldest, newest := ds.Span()
	return fmt.Sprintf("lazytrail demo-server: %s: %d events from %s to %s; a query without a time range gets all of them",
		what, ds.Len(), oldest.UTC().Format(time.RFC3339), newest.UTC().Format(time.RFC3339))
}

// loadRecordsDataset reads trail files with the same reader --records
// uses (package trail: every shape, every bad file skipped and named on
// stderr) into a dataset for the endpoint, each event once per region.
func loadRecordsDataset(ctx context.Context, roots []string, stderr io.Writer) (*localtrail.Dataset, error) {
	parts, skips, err := trail.Open(ctx, roots, trail.Options{})
	if err != nil {
		return nil, err
	}
	var events []model.Event
	seen := map[[2]string]bool{}
	for _, p := range parts {
		for {
			page, err := p.Pager.Next(ctx)
			if err != nil {
				skips = append(skips, fetch.Skip{What: p.Region, Why: err.Error()})
				break
			}
			skips = append(skips, page.Skipped...)
			for _, e := range page.Events {
				if key := [2]string{e.Region, e.ID}; !seen[key] {
					seen[key] = true
					events = append(events, e)
				}
			}
			if page.Done {
				break
			}
		}
		p.Pager.Close()
	}
	for _, sk := range skips {
		if !sk.Ignored {
			fmt.Fprintf(stderr, "lazytrail demo-server: skipped %s: %s\n", model.Printable(sk.What), model.Printable(sk.Why))
		}
	}
	if len(events) == 0 {
		return nil, fmt.Errorf("records %s: no CloudTrail records could be read there: give log files (.json, .json.gz), JSON lines or lookup-events output", strings.Join(roots, ", "))
	}
	return localtrail.NewRecordsDataset(events), nil
}
