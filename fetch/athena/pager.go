package athena

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/athena/types"

	"lazytrail/fetch"
	"lazytrail/model"
)

// pageRows is GetQueryResults' largest page.
const pageRows = 1000

// Polling GetQueryExecution starts fast, for the small queries a narrow
// filter makes, and slows to once a second for long scans (Athena's
// GetQueryExecution quota is 100 calls a second per account, far above
// this).
const (
	firstPoll = 200 * time.Millisecond
	lastPoll  = time.Second
)

// stopTimeout bounds the StopQueryExecution sent on Close: quitting must
// not hang on a slow network, and a query left running costs money.
const stopTimeout = 5 * time.Second

// pager runs one query and delivers its result pages as they are asked
// for: the stream calls Next only while its consumer wants more.
type pager struct {
	client    *athena.Client
	start     athena.StartQueryExecutionInput
	until     time.Time
	unstopped *unstopped // where a stop that failed is told; nil: nowhere

	id       string // the query execution id, once started
	finished bool   // the query reached a final state, was stopped, or was never started
	startCut bool   // a cancel cut StartQueryExecution off: it may have started
	results  bool   // SUCCEEDED: paging results
	token    *string
	header   bool // the first results page's first row is the header, still to skip
	rowsRead int
	oldest   time.Time // the oldest event delivered so far
	poll     time.Duration
	status   string // the last state line, with scanned bytes and price
}

// Next starts the query on its first call, then polls it, delivering its
// state as a page with no events until it succeeds, and then one page of
// results per call.
func (p *pager) Next(ctx context.Context) (fetch.Page, error) {
	if p.id == "" {
		if err := p.begin(ctx); err != nil {
			return fetch.Page{}, err
		}
	}
	if !p.results {
		done, err := p.wait(ctx)
		if err != nil || !done {
			return fetch.Page{Horizon: p.until, Status: p.status}, err
		}
	}
	return p.resultsPage(ctx)
}

// begin starts the query.
func (p *pager) begin(ctx context.Context) error {
	if p.start.ClientRequestToken == nil {
		// Our own token, not the SDK's per-call one, so that Close can
		// find (by starting again with it: Athena answers the same id)
		// a query whose start was cut off by a cancel.
		p.start.ClientRequestToken = aws.String(requestToken())
	}
	out, err := p.client.StartQueryExecution(ctx, &p.start)
	if err != nil {
		p.startCut = ctx.Err() != nil
		p.finished = !p.startCut
		return fmt.Errorf("starting the Athena query: %w%s", err, startHint(err))
	}
	p.id = aws.ToString(out.QueryExecutionId)
	p.header = true
	return nil
}

// wait waits its turn to poll (faster at first), then asks for the
// query's state once; done reports SUCCEEDED. A failed poll stops the
// query.
func (p *pager) wait(ctx context.Context) (done bool, err error) {
	if p.poll > 0 {
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-time.After(p.poll):
		}
	}
	p.poll = min(max(p.poll*2, firstPoll), lastPoll)
	done, err = p.check(ctx)
	if err != nil && !p.finished {
		// The partition ends here, but the query may still be running:
		// stop it now rather than when the stream is closed.
		p.Close()
	}
	return done, err
}

// check asks for the query's state once; done reports SUCCEEDED.
func (p *pager) check(ctx context.Context) (done bool, err error) {
	out, err := p.client.GetQueryExecution(ctx, &athena.GetQueryExecutionInput{QueryExecutionId: &p.id})
	if err != nil {
		return false, fmt.Errorf("asking for the Athena query's state: %w", err)
	}
	qe := out.QueryExecution
	if qe == nil || qe.Status == nil {
		return false, errors.New("no state came back for the Athena query")
	}
	var scanned int64
	if qe.Statistics != nil {
		scanned = aws.ToInt64(qe.Statistics.DataScannedInBytes)
	}
	state := qe.Status.State
	p.status = StatusLine(string(state), scanned)
	switch state {
	case types.QueryExecutionStateSucceeded:
		p.finished, p.results = true, true
		return true, nil
	case types.QueryExecutionStateFailed, types.QueryExecutionStateCancelled:
		p.finished = true
		verb := "failed"
		if state == types.QueryExecutionStateCancelled {
			verb = "was cancelled"
		}
		return false, fmt.Errorf("the Athena query %s %s: %s", p.id, verb, reason(qe.Status))
	}
	return false, nil
}

// reason is why a query failed or was cancelled, in one line.
func reason(s *types.QueryExecutionStatus) string {
	why := aws.ToString(s.StateChangeReason)
	if why == "" && s.AthenaError != nil {
		why = aws.ToString(s.AthenaError.ErrorMessage)
	}
	if why == "" {
		return "Athena gave no reason"
	}
	return strings.Join(strings.Fields(why), " ")
}

// resultsPage reads one page of results.
func (p *pager) resultsPage(ctx context.Context) (fetch.Page, error) {
	rows, done, err := p.rows(ctx)
	if err != nil {
		return fetch.Page{}, err
	}
	pg := fetch.Page{Done: done, Status: p.status}
	pg.Events = make([]model.Event, 0, len(rows))
	for _, values := range rows {
		p.rowsRead++
		e, err := eventFromRow(values)
		if err != nil && e.ID == "" {
			pg.Skipped = append(pg.Skipped, fetch.Skip{What: fmt.Sprintf("Athena query %s row %d", p.id, p.rowsRead), Why: err.Error()})
			continue
		}
		pg.Events = append(pg.Events, e)
	}
	// Rows come newest first, so the zero Horizon (this page's oldest)
	// is the promise; a page with no rows promises what the last did.
	if n := len(pg.Events); n > 0 {
		p.oldest = pg.Events[n-1].Time
	} else if !pg.Done {
		pg.Horizon = p.oldest
		if pg.Horizon.IsZero() {
			pg.Horizon = p.until
		}
	}
	return pg, nil
}

// rows reads one page of the results' rows (the header skipped); done
// reports the last page.
func (p *pager) rows(ctx context.Context) (rows []row, done bool, err error) {
	out, err := p.client.GetQueryResults(ctx, &athena.GetQueryResultsInput{
		QueryExecutionId: &p.id, MaxResults: aws.Int32(pageRows), NextToken: p.token,
	})
	if err != nil {
		return nil, false, fmt.Errorf("reading the Athena query's results: %w", err)
	}
	p.token = out.NextToken
	if out.ResultSet == nil {
		return nil, p.token == nil, nil
	}
	wire := out.ResultSet.Rows
	if p.header && len(wire) > 0 && isHeader(wire[0], out.ResultSet.ResultSetMetadata) {
		wire = wire[1:]
	}
	p.header = false
	rows = make([]row, len(wire))
	for i, r := range wire {
		rows[i] = make(row, len(r.Data))
		for j, d := range r.Data {
			rows[i][j] = d.VarCharValue
		}
	}
	return rows, p.token == nil, nil
}

// isHeader says whether a row is the column labels Athena puts first in
// a SELECT's first page.
func isHeader(r types.Row, meta *types.ResultSetMetadata) bool {
	if meta == nil || len(meta.ColumnInfo) != len(r.Data) {
		return false
	}
	for i, c := range meta.ColumnInfo {
		label := aws.ToString(c.Label)
		if label == "" {
			label = aws.ToString(c.Name)
		}
		if aws.ToString(r.Data[i].VarCharValue) != label {
			return false
		}
	}
	return true
}

// Close stops a query still running, so that none is left scanning (and
// billing) after the consumer has gone: a new filter, esc or quitting.
func (p *pager) Close() {
	if p.finished || p.id == "" && !p.startCut {
		return
	}
	p.finished = true
	ctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
	defer cancel()
	if p.id == "" {
		// The start was cut off: it may have reached Athena. Starting
		// again with the same token answers that query's id (or starts
		// it, to be stopped at once).
		out, err := p.client.StartQueryExecution(ctx, &p.start)
		if err != nil {
			return
		}
		p.id = aws.ToString(out.QueryExecutionId)
	}
	if _, err := p.client.StopQueryExecution(ctx, &athena.StopQueryExecutionInput{QueryExecutionId: &p.id}); err != nil && p.unstopped != nil {
		p.unstopped.add(p.id, p.client.Options().Region, err)
	}
}

// requestToken is a fresh idempotency token (Athena takes 32 to 128
// characters).
func requestToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// startHint is what to do about a refused start, when lazytrail knows.
func startHint(err error) string {
	if strings.Contains(strings.ToLower(err.Error()), "output location") {
		return " (give --athena-output s3://bucket/prefix/, or set the workgroup's query result location)"
	}
	return ""
}

// StatusLine is a query's state as the status bar shows it: the state,
// the data scanned so far and what that costs at $5 per TB (decimal, as
// AWS bills it), with Athena's 10 MB minimum per query.
func StatusLine(state string, scanned int64) string {
	if state == string(types.QueryExecutionStateFailed) {
		return fmt.Sprintf("athena %s · %s scanned · not billed", state, bytesText(scanned)) // failed queries are free
	}
	return fmt.Sprintf("athena %s · %s scanned · %s", state, bytesText(scanned), priceText(scanned))
}

// Athena bills the bytes scanned rounded up to the megabyte, at least 10
// MB, at $5 per TB (decimal units, as AWS bills data).
const (
	pricePerTB   = 5.0
	billingUnit  = 1_000_000
	minimumBills = 10 * billingUnit
)

func priceText(scanned int64) string {
	billed := max((scanned+billingUnit-1)/billingUnit*billingUnit, minimumBills)
	cost := float64(billed) / 1e12 * pricePerTB
	if cost < 0.01 {
		return fmt.Sprintf("$%.4f", cost)
	}
	return fmt.Sprintf("$%.2f", cost)
}

func bytesText(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	f, suffix := float64(n), ""
	for _, s := range []string{"kB", "MB", "GB", "TB", "PB"} {
		f /= unit
		suffix = s
		if f < unit-0.05 { // 999.96 kB prints as 1.0 MB, not 1000.0 kB
			break
		}
	}
	return fmt.Sprintf("%.1f %s", f, suffix)
}
