package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"lazytrail/fetch"
	"lazytrail/fetch/athena"
	"lazytrail/fetch/trail"
	"lazytrail/model"
)

// runAthenaDDL prints a CREATE TABLE with partition projection for a trail
// bucket, for someone who has no Athena table yet: it lists the bucket's
// layout (accounts, regions, first day) with a few delimiter listings.
func runAthenaDDL(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lazytrail athena-ddl", flag.ContinueOnError)
	table := fs.String("table", "default.cloudtrail", "the table to create, TABLE or DATABASE.TABLE")
	profile := fs.String("profile", "", "AWS profile to read the bucket with (default: the default credential chain)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: lazytrail athena-ddl [flags] s3://bucket[/prefix]\n\nPrint a CREATE TABLE for the trail's log files in that bucket, with partition\nprojection (account, region, day), to run once in Athena; then browse it with\n  lazytrail --athena DATABASE.TABLE\n\nFlags:\n")
		printFlags(fs)
	}
	roots, code, ok := parseSubcommand(fs, args, stderr)
	if !ok {
		return code
	}
	if len(roots) != 1 || !strings.HasPrefix(roots[0], "s3://") {
		fmt.Fprintf(stderr, "lazytrail athena-ddl: give one trail bucket, such as s3://my-trail-bucket or s3://bucket/prefix\n")
		return exitUsage
	}
	if bucket, _, _ := strings.Cut(strings.TrimPrefix(roots[0], "s3://"), "/"); !isBucketName(bucket) {
		fmt.Fprintf(stderr, "lazytrail athena-ddl: \"%s\" is not an S3 bucket name: give s3://bucket or s3://bucket/prefix\n", model.Printable(bucket))
		return exitUsage
	}
	if strings.Contains(*profile, ",") {
		fmt.Fprintf(stderr, "lazytrail athena-ddl: --profile takes one profile\n")
		return exitUsage
	}
	cctx, cancel := context.WithTimeout(ctx, fetch.CredentialCheckTimeout)
	cfg, err := fetch.LoadConfig(cctx, *profile)
	if err == nil {
		// Without credentials every listing would fail with the SDK's
		// chain of causes; say it once, as the other sources do.
		if _, cerr := cfg.Credentials.Retrieve(cctx); cerr != nil {
			err = fmt.Errorf("%s", fetch.ExplainFor(cerr, *profile))
		}
	}
	cancel()
	if err != nil {
		fmt.Fprintf(stderr, "lazytrail athena-ddl: %s\n", model.Printable(err.Error()))
		return exitFailed
	}
	layout, err := trail.Layout(ctx, cfg, roots[0])
	if err != nil {
		fmt.Fprintf(stderr, "lazytrail athena-ddl: %s\n", model.Printable(err.Error()))
		return exitFailed
	}
	ddl, err := athena.DDL(layout, *table)
	if err != nil {
		fmt.Fprintf(stderr, "lazytrail athena-ddl: %s\n", model.Printable(err.Error()))
		return exitUsage
	}
	for _, sk := range layout.Skips {
		fmt.Fprintf(stderr, "lazytrail athena-ddl: skipped %s: %s\n", model.Printable(sk.What), model.Printable(sk.Why))
	}
	if !layout.EarliestExact && !layout.Earliest.IsZero() {
		fmt.Fprintf(stderr, "lazytrail athena-ddl: the first day (%s) comes from a sample of the folders; an earlier day elsewhere would not be queried until projection.timestamp.range is widened\n", layout.Earliest.Format("2006/01/02"))
	}
	first := "no day folder found, days from 2013-11-01"
	if !layout.Earliest.IsZero() {
		first = "from " + layout.Earliest.Format("2006-01-02")
	}
	fmt.Fprintf(stderr, "lazytrail athena-ddl: %d accounts, %d regions, %s (%d listings)\n", len(layout.Accounts), len(layout.Regions), first, layout.Lists)
	fmt.Fprintln(stdout, ddl)
	return exitOK
}
