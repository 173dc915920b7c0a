package athena

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	athenatypes "github.com/aws/aws-sdk-go-v2/service/athena/types"
	"github.com/aws/aws-sdk-go-v2/service/glue"

	"lazytrail/fetch"
	"lazytrail/fetch/trail"
	"lazytrail/model"
)

// Options say which table a query reads and where its results go.
type Options struct {
	Table     string // "table" or "db.table" in the Glue catalogue
	WorkGroup string // "" is Athena's default, "primary"
	Output    string // s3://… for results, when the workgroup sets none

	Span fetch.Span       // the command line's range, opened for the zero model.Range
	Now  func() time.Time // the clock of a query's "now"; nil: time.Now
}

// Source opens Athena queries over one table, read from the Glue
// catalogue once: each filter settled is one query, its SQL every term of
// the filter. It implements model.Source, and model.Originals (the rows'
// records read back from their log files) and model.Leftovers (queries
// whose stop was not confirmed).
type Source struct {
	athena    *athena.Client
	table     Table
	opts      Options
	unstopped *unstopped       // queries whose StopQueryExecution failed or did not answer
	originals *trail.Originals // the log files rows came from, for the JSON pane and --print
}

var (
	_ model.Source       = (*Source)(nil)
	_ model.Originals    = (*Source)(nil)
	_ model.Leftovers    = (*Source)(nil)
	_ model.LedgerSource = (*Source)(nil)
)

// originalFiles is how many log files' records are kept for the JSON
// pane and headless output: a query's rows come from few files.
const originalFiles = 64

// Connect loads the profile's config ("" = the default chain) and opens
// the source over the table; a failure is one printable line.
func Connect(ctx context.Context, profile string, opts Options) (*Source, error) {
	ctx, cancel := context.WithTimeout(ctx, fetch.CredentialCheckTimeout)
	defer cancel()
	cfg, err := fetch.LoadConfig(ctx, profile)
	if err != nil {
		return nil, err
	}
	src, err := NewSource(ctx, cfg, opts)
	if err != nil {
		return nil, fmt.Errorf("%s", model.Printable(fetch.Explain(err)))
	}
	return src, nil
}

// NewSource reads the table's definition (one glue:GetTable) and checks
// the options; the queries start only when their pages are asked for.
func NewSource(ctx context.Context, cfg aws.Config, opts Options) (*Source, error) {
	if opts.Output != "" && !strings.HasPrefix(opts.Output, "s3://") {
		return nil, fmt.Errorf("--athena-output %q is not an s3:// location", opts.Output)
	}
	retryer := func() aws.Retryer {
		// Throttling (TooManyRequestsException) is retried with backoff;
		// the client-side retry budget is off, as for LookupEvents.
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 8
			o.MaxBackoff = 5 * time.Second
			o.RateLimiter = ratelimit.None
		})
	}
	gc := glue.NewFromConfig(cfg, func(o *glue.Options) { o.Retryer = retryer() })
	table, err := ResolveTable(ctx, gc, opts.Table)
	if err != nil {
		return nil, err
	}
	ac := athena.NewFromConfig(cfg, func(o *athena.Options) { o.Retryer = retryer() })
	return &Source{athena: ac, table: table, opts: opts, unstopped: &unstopped{}, originals: trail.NewOriginals(cfg, originalFiles)}, nil
}

// Table is the resolved table.
func (s *Source) Table() Table { return s.table }

// Partitions compiles the filter over [since, until] and returns the one
// partition that runs it. The query starts on the partition's first page.
func (s *Source) Partitions(filter model.Filter, since, until time.Time) ([]fetch.Partition, error) {
	sql, err := Compile(Query{Table: s.table, Filter: filter, Since: since, Until: until})
	if err != nil {
		return nil, err
	}
	return []fetch.Partition{{
		Source: "athena", Account: "", Region: s.opts.Table, Detail: sql, Pager: s.pager(sql, until),
	}}, nil
}

// pager is a query of sql, not started, in the options' workgroup and
// output location.
func (s *Source) pager(sql string, until time.Time) *pager {
	in := athena.StartQueryExecutionInput{QueryString: aws.String(sql)}
	if s.opts.WorkGroup != "" {
		in.WorkGroup = aws.String(s.opts.WorkGroup)
	}
	if s.opts.Output != "" {
		in.ResultConfiguration = &athenatypes.ResultConfiguration{OutputLocation: aws.String(s.opts.Output)}
	}
	return &pager{client: s.athena, start: in, until: until, unstopped: s.unstopped}
}
