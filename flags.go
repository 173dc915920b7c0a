package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"lazytrail/fetch/lookup"
	"lazytrail/model"
)

// Exit codes, as the README documents them.
const (
	exitOK      = 0 // everything asked for was delivered
	exitFailed  = 1 // nothing could be fetched: no credentials, every region failed, …
	exitUsage   = 2 // the command line is wrong
	exitPartial = 3 // results were printed, but some regions failed
)

// usageError is a command-line mistake: one line naming it and the fix.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// usagef builds a usageError. The values it quotes come from the command
// line, which can hold escape sequences and newlines; run() prints the
// message to a terminal, so it is made one printable line here, once.
func usagef(format string, args ...any) error {
	return usageError{model.Printable(fmt.Sprintf(format, args...))}
}

// options is everything the command line says.
type options struct {
	demo        bool
	records     []string
	athena      string // --athena TABLE: query the trail's Athena table
	workgroup   string
	athenaOut   string
	profile     string
	region      string
	endpointURL string
	since       string
	until       string
	user        string
	filter      string
	lookup      string
	print       string
	view        string // --view: what --print prints, events or the resource ledger
	noPrices    bool   // --no-prices: the ledger without the Price List
	limit       int
	rate        float64
	version     bool

	// Derived by validate.
	start, end time.Time
	sinceSet   bool // --since was given; trail files otherwise cover everything they hold
	sinceFixed bool // --since named a time, not a span back: a fresh query keeps its start
	untilSet   bool
	attr       *lookup.Attribute // --lookup
	profiles   []string          // --profile a,b,c
}

var printFormats = model.FormatNames()

// stringList is a repeatable flag.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error {
	*l = append(*l, s)
	return nil
}

func newFlagSet(o *options, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("lazytrail", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.BoolVar(&o.demo, "demo", false, "browse the built-in demo account (no AWS account or network needed)")
	fs.Var((*stringList)(&o.records), "records", "read CloudTrail log files directly from `PATH`: a file, a folder, - (stdin) or s3://bucket[/prefix] (repeatable)")
	fs.StringVar(&o.athena, "athena", "", "query the trail with Athena: a table (or db.table) in the Glue catalogue over its log files; make one with lazytrail athena-ddl")
	fs.StringVar(&o.workgroup, "athena-workgroup", "", "with --athena: the workgroup to run queries in (default: primary)")
	fs.StringVar(&o.athenaOut, "athena-output", "", "with --athena: s3://bucket/prefix/ for query results, when the workgroup sets no result location")
	fs.StringVar(&o.profile, "profile", "", "AWS profile to use, or several (a,b,c) to page every account at once (default: the default credential chain)")
	fs.StringVar(&o.region, "region", "all", `regions to search: "all" (every enabled region) or a list such as eu-west-1,us-east-1`)
	fs.StringVar(&o.endpointURL, "endpoint-url", "", "send CloudTrail calls to this endpoint (LocalStack, a proxy, lazytrail demo-server)")
	fs.StringVar(&o.since, "since", "90d", "oldest time to search: a duration back from now (90d, 12h, 30m) or a time (2026-11-01, RFC3339); with --athena the default is 24h")
	fs.StringVar(&o.until, "until", "", "newest time to search, same forms as --since (default: now)")
	fs.StringVar(&o.user, "user", "", "show only events whose user name starts with this prefix (smart case); shorthand for --filter user:PREFIX")
	fs.StringVar(&o.filter, "filter", "", "the filter bar's language, e.g. 'event:Authorize,Revoke res:sg- -user:AutoScaling' (see the README)")
	fs.StringVar(&o.lookup, "lookup", "", "one exact attribute the API filters on, KEY=VALUE (EventName, Username, ResourceName, ResourceType, EventSource, EventId, AccessKeyId, ReadOnly)")
	fs.StringVar(&o.print, "print", "", "no TUI: print matching events to stdout as "+model.FormatNamesText()+", then exit")
	fs.StringVar(&o.view, "view", viewEvents, "with --print: what to print, "+viewEvents+" or "+viewResources+" (one row per resource created, changed or deleted: who, alive, running hours, estimated cost)")
	fs.BoolVar(&o.noPrices, "no-prices", false, "leave the resource ledger's cost estimates out: no pricing:GetProducts calls, no price cache")
	fs.IntVar(&o.limit, "limit", 0, "with --print: stop after this many events (with --view resources: rows) (0: no limit)")
	fs.Float64Var(&o.rate, "rate", 2, "LookupEvents requests per second per region (AWS allows 2)")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		printFlags(fs)
	}
	return fs
}

const usageText = `lazytrail: a terminal UI for AWS CloudTrail event history, across every region.

Usage:
  lazytrail [flags]                 browse the account of the default credential chain
  lazytrail --demo                  browse the built-in demo account
  lazytrail --print jsonl [flags]   no TUI: stream matching events to stdout
  lazytrail --view resources --print table [flags]
                                    no TUI: the resource ledger (who created what, alive, cost)
  lazytrail --athena TABLE [flags]  query a trail's Athena table, the filter compiled to SQL
  lazytrail athena-ddl s3://bucket[/prefix]
                                    print a CREATE TABLE with partition projection for a trail bucket
  lazytrail demo-server [flags]     serve the demo account as a local CloudTrail endpoint

Flags:
`

// parseArgs reads and checks the command line. A usageError says what is
// wrong and how to fix it; flag.ErrHelp means help was printed.
func parseArgs(args []string, stderr io.Writer, now time.Time) (*options, error) {
	o := &options{}
	fs := newFlagSet(o, io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stderr)
			fs.Usage()
			return nil, err
		}
		return nil, usageError{model.Printable(flagErrorLine(err))}
	}
	if fs.NArg() > 0 {
		return nil, usagef("unexpected argument %q: flags start with -- (see --help)", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return o, o.validate(set, now)
}

// flagErrorLine turns the flag package's messages into one line with a hint.
func flagErrorLine(err error) string {
	msg := err.Error()
	switch {
	case strings.HasPrefix(msg, "flag provided but not defined: "):
		return fmt.Sprintf("unknown flag %s: see lazytrail --help", strings.TrimPrefix(msg, "flag provided but not defined: "))
	case strings.HasPrefix(msg, "flag needs an argument: "):
		return fmt.Sprintf("flag %s needs a value: see lazytrail --help", strings.TrimPrefix(msg, "flag needs an argument: "))
	case strings.HasPrefix(msg, "invalid value "):
		// invalid value "x" for flag -limit: parse error
		if i := strings.Index(msg, ": "); i > 0 {
			msg = msg[:i]
		}
		return msg + ": see lazytrail --help"
	}
	return msg + ": see lazytrail --help"
}

func (o *options) validate(set map[string]bool, now time.Time) error {
	if o.version {
		return nil
	}
	local := o.demo || len(o.records) > 0 && !anyS3(o.records)
	switch {
	case o.demo && len(o.records) > 0:
		return usagef("--demo and --records both choose what to browse: pass only one")
	case local && set["profile"]:
		return usagef("--profile has no meaning with %s, which needs no AWS account: drop one of them", localFlag(o))
	case (o.demo || len(o.records) > 0) && set["endpoint-url"]:
		return usagef("--endpoint-url has no meaning with %s, which reads no CloudTrail endpoint: drop one of them (AWS_ENDPOINT_URL_S3 points S3 elsewhere)", localFlag(o))
	case len(o.records) > 0 && set["lookup"]:
		return usagef("--lookup is a LookupEvents parameter; with --records use --user or --filter instead")
	}
	if err := o.validateAthena(set); err != nil {
		return err
	}
	for _, p := range o.records {
		if err := checkRecordsRoot(p); err != nil {
			return err
		}
	}
	if countStdin(o.records) > 1 {
		return usagef("--records - (standard input) can be given once only")
	}
	o.profiles = nil
	for _, p := range strings.Split(o.profile, ",") {
		if p = strings.TrimSpace(p); p != "" && !slices.Contains(o.profiles, p) {
			o.profiles = append(o.profiles, p)
		}
	}
	if set["profile"] && len(o.profiles) == 0 {
		return usagef("--profile %q names no profile: give a name from ~/.aws/config, or several as a,b,c", o.profile)
	}
	if len(o.profiles) > 1 && len(o.records) > 0 {
		return usagef("--records reads one set of credentials: give one --profile (an organisation trail already holds every account)")
	}
	if o.endpointURL != "" && !isEndpointURL(o.endpointURL) {
		return usagef("--endpoint-url %q must be a URL such as http://127.0.0.1:4599", o.endpointURL)
	}
	if err := checkRegionSpec(o.region, o.endpointURL == ""); err != nil {
		return err
	}
	if o.print != "" && !slices.Contains(printFormats, o.print) {
		return usagef("--print %q is not a format: use one of %s", o.print, strings.Join(printFormats, ", "))
	}
	if err := o.validateView(set); err != nil {
		return err
	}
	if o.limit < 0 {
		return usagef("--limit %d must be 0 (no limit) or more", o.limit)
	}
	if set["limit"] && o.print == "" {
		return usagef("--limit works with --print only: add --print table (or jsonl, json, csv)")
	}
	if !(o.rate > 0) || o.rate > 1000 {
		return usagef("--rate %v must be more than 0 requests per second (AWS allows 2)", o.rate)
	}
	if o.athena != "" && !set["since"] {
		// A query's price is the data it scans: a day of an organisation
		// trail, not 90, unless asked for.
		o.since = athenaDefaultSince
	}
	var err error
	if o.start, err = parseTimeFlag("--since", o.since, now); err != nil {
		return err
	}
	o.sinceSet, o.untilSet = set["since"], o.until != ""
	_, back, _ := model.ParseTime(o.since, now)
	o.sinceFixed = o.sinceSet && back == 0
	o.end = now
	if o.until != "" {
		if o.end, err = parseTimeFlag("--until", o.until, now); err != nil {
			return err
		}
	}
	if !o.sinceSet && o.untilSet {
		switch {
		case len(o.records) > 0:
			// Trail files without --since cover everything they hold:
			// --until alone is everything up to then, however old.
			o.start = time.Time{}
		case o.athena != "":
			// The default span (a query costs what it scans), ending at
			// --until rather than now.
			o.start = o.end.Add(o.start.Sub(now))
		}
	}
	if !o.start.Before(o.end) {
		return usagef("--since %s is not before --until %s: give an earlier --since", o.start.Format(time.RFC3339), o.end.Format(time.RFC3339))
	}
	if o.lookup != "" {
		a, err := lookup.ParseAttribute(o.lookup)
		if err != nil {
			return usagef("--lookup %q: %v", o.lookup, err)
		}
		o.attr = &a
	}
	if strings.ContainsFunc(o.user, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return usagef("--user contains a control character: give the plain prefix, such as --user skeddly-")
	}
	if strings.ContainsFunc(o.filter, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) {
		return usagef("--filter contains a control character: give terms such as --filter 'event:RunInstances user:adam'")
	}
	if err := model.ParseFilter(o.filterText()).Err(); err != "" {
		return usagef("--filter: %s (see the filter terms in the README)", err)
	}
	return nil
}

// The views --view names.
const (
	viewEvents    = "events"
	viewResources = "resources"
)

// validateView checks --view and --no-prices against the mode they need.
func (o *options) validateView(set map[string]bool) error {
	switch {
	case o.view != viewEvents && o.view != viewResources:
		return usagef("--view %q is not a view: use %s or %s", o.view, viewEvents, viewResources)
	case o.view == viewResources && o.print == "":
		return usagef("--view resources prints the resource ledger: add --print table (or jsonl, json, csv); in the TUI press c")
	case set["no-prices"] && o.print != "" && o.view != viewResources:
		return usagef("--no-prices is for the resource ledger, and --print %s prints events, which have no price: add --view resources or drop --no-prices", o.print)
	}
	return nil
}

// filterText is the filter both flags make: --filter's terms and --user
// as a user-name term.
func (o *options) filterText() string {
	text := strings.TrimSpace(o.filter)
	if u := strings.TrimSpace(o.user); u != "" {
		text = strings.TrimSpace(text + " " + u)
	}
	return text
}

// isEndpointURL accepts what the SDK can send requests to: an http or
// https URL with a host. Anything else would fail later, per region, with
// the SDK's own parse error instead of a usage line.
func isEndpointURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// anyS3 reports whether a --records root is in S3 (and needs credentials).
func anyS3(roots []string) bool {
	return slices.ContainsFunc(roots, func(r string) bool { return strings.HasPrefix(r, "s3://") })
}

func countStdin(roots []string) int {
	n := 0
	for _, r := range roots {
		if r == "-" {
			n++
		}
	}
	return n
}

// checkRecordsRoot checks one --records value: s3://bucket[/prefix] with a
// bucket name S3 would accept, -, or a path that exists.
func checkRecordsRoot(p string) error {
	if rest, ok := strings.CutPrefix(p, "s3://"); ok {
		bucket, _, _ := strings.Cut(rest, "/")
		if !isBucketName(bucket) {
			return usagef("--records %q: %q is not an S3 bucket name: give s3://bucket or s3://bucket/prefix", p, bucket)
		}
		return nil
	}
	if p == "-" {
		return nil
	}
	if _, err := os.Stat(p); err != nil {
		return usagef("--records %q: cannot read it (%s): give a CloudTrail log file, a folder of them, - or s3://bucket", p, statReason(err))
	}
	return nil
}

// isBucketName accepts S3's bucket naming rules: 3-63 characters of lower
// case letters, digits, dots and hyphens, starting and ending with a letter
// or digit.
func isBucketName(b string) bool {
	if len(b) < 3 || len(b) > 63 {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !alnum && (c != '.' && c != '-' || i == 0 || i == len(b)-1) {
			return false
		}
	}
	return true
}

func localFlag(o *options) string {
	if o.demo {
		return "--demo"
	}
	return "--records"
}

func statReason(err error) string {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "no such file or folder"
	case errors.Is(err, os.ErrPermission):
		return "permission denied"
	}
	return err.Error()
}

// checkRegionSpec checks --region's names: each of a region's shape and,
// against AWS (known), one a partition serves, so a typo (eu-west-9) is a
// usage error rather than an empty answer. Another endpoint (LocalStack,
// demo-server) serves whatever names it serves.
func checkRegionSpec(spec string, known bool) error {
	if spec == "all" || spec == "" {
		return nil
	}
	for _, r := range strings.Split(spec, ",") {
		name := strings.TrimSpace(r)
		if !model.IsRegionName(name) {
			return usagef("--region %q: %q is not a region name: use all, or names such as eu-west-1,us-east-1", spec, r)
		}
		if ok, why := lookup.KnownRegion(name); known && !ok {
			return usagef("--region %q: %s: check the name, or use --region all (it asks EC2 for every region enabled, newer ones included)", spec, why)
		}
	}
	return nil
}
