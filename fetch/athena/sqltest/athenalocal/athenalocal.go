// Package athenalocal is a local Athena for trying lazytrail's --athena
// end to end: moto_server holds the demo account's trail as log files in
// S3 and AWS's CloudTrail table in Glue, and a proxy in front of moto's
// Athena runs each query's SQL on DuckDB over the same records (moto runs
// no SQL), so that lazytrail talks to all three through the real SDK.
package athenalocal

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/duckdb/duckdb-go/v2"

	"lazytrail/fetch/athena/athenatest"
	"lazytrail/fetch/athena/sqltest/duckathena"
	"lazytrail/model"
)

// What the local Athena serves, under fixed names so that the command to
// try it stays the same from one run to the next.
const (
	Region        = "us-east-1"
	Database      = "trails"
	TableName     = "cloudtrail"
	Table         = Database + "." + TableName
	TrailBucket   = "lazytrail-demo-trail"
	ResultsBucket = "lazytrail-athena-results"
	Output        = "s3://" + ResultsBucket + "/queries/"
)

// Options say where to serve.
type Options struct {
	Moto string                           // moto_server's URL (S3 and Glue are moto's own)
	Addr string                           // the Athena endpoint's address; "" is a free loopback port
	End  time.Time                        // the demo account's 90 days end here (zero: now)
	Log  func(format string, args ...any) // progress, if set
}

// Local is a running local Athena.
type Local struct {
	Athena string // the Athena endpoint (the proxy in front of moto)
	Moto   string // the S3 and Glue endpoint

	Events []model.Event // the records served, as lazytrail parses them
	Files  int           // log files uploaded
	Oldest time.Time     // the oldest record's time
	End    time.Time     // the demo's 90 days end here

	proxy *athenatest.Proxy
	db    *sql.DB
	conn  *duckdb.Connector
}

// Path is the log file, in the trail's bucket, that holds e: its "$path".
func Path(e *model.Event) string { return "s3://" + TrailBucket + "/" + duckathena.LogKey(e) }

// Start uploads the demo account's trail to moto, creates the table in
// its Glue catalogue, loads the records into DuckDB and serves the
// Athena endpoint.
func Start(ctx context.Context, o Options) (*Local, error) {
	end := o.End
	if end.IsZero() {
		end = time.Now()
	}
	end = end.UTC().Truncate(time.Minute)
	events, err := duckathena.DemoEvents(end)
	if err != nil {
		return nil, err
	}
	l := &Local{Moto: strings.TrimSuffix(o.Moto, "/"), Events: events, Oldest: end, End: end}
	for i := range events {
		if t := events[i].Time; t.Before(l.Oldest) {
			l.Oldest = t
		}
	}
	cfg := aws.Config{
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider("x", "x", ""),
		BaseEndpoint: aws.String(l.Moto),
	}
	say := func(format string, args ...any) {
		if o.Log != nil {
			o.Log(format, args...)
		}
	}
	began := time.Now()
	if l.Files, err = uploadTrail(ctx, cfg, events); err != nil {
		return nil, err
	}
	say("uploaded %d records in %d log files to s3://%s in %v", len(events), l.Files, TrailBucket, time.Since(began).Round(100*time.Millisecond))
	// A moto given with --moto may hold the table from an earlier run.
	var exists *gluetypes.AlreadyExistsException
	if err := athenatest.NewGlueTable(ctx, cfg, Database, TableName); err != nil && !errors.As(err, &exists) {
		return nil, fmt.Errorf("moto's Glue: %w", err)
	}
	began = time.Now()
	if l.db, l.conn, err = duckathena.Open(); err != nil {
		return nil, err
	}
	// DuckDB holds the records as main.cloudtrail; the SQL names the
	// table as Glue does.
	err = duckathena.Load(l.db, l.conn, TableName, events, Path)
	for _, stmt := range []string{"CREATE SCHEMA " + Database, "CREATE VIEW " + Table + " AS SELECT * FROM main." + TableName} {
		if err == nil {
			_, err = l.db.Exec(stmt)
		}
	}
	if err == nil {
		say("loaded them into DuckDB in %v", time.Since(began).Round(100*time.Millisecond))
		l.proxy, err = athenatest.Listen(cmp.Or(o.Addr, "127.0.0.1:0"), l.Moto, Region, func(query string) ([][]*string, error) {
			return duckathena.Results(l.db, query)
		})
	}
	if err != nil {
		l.Close()
		return nil, err
	}
	l.Athena = l.proxy.URL
	return l, nil
}

// Close stops the Athena endpoint and drops the DuckDB database (moto is
// the caller's to stop).
func (l *Local) Close() error {
	if l.proxy != nil {
		l.proxy.Close()
	}
	if l.db != nil {
		l.db.Close()
		l.conn.Close()
	}
	return nil
}

// Env is the environment that points lazytrail (any SDK client) at the
// local Athena: each service's endpoint, placeholder keys, the region.
func (l *Local) Env() []string {
	return []string{
		"AWS_ENDPOINT_URL_ATHENA=" + l.Athena,
		"AWS_ENDPOINT_URL_GLUE=" + l.Moto,
		"AWS_ENDPOINT_URL_S3=" + l.Moto,
		"AWS_ACCESS_KEY_ID=x",
		"AWS_SECRET_ACCESS_KEY=x",
		"AWS_REGION=" + Region,
	}
}

// Args are lazytrail's flags for the served table over the whole demo:
// --until too, as without it the range is a span up to now and would
// slide past the demo's oldest records.
func (l *Local) Args() []string {
	return []string{"--athena", Table, "--athena-output", Output,
		"--since", l.Oldest.UTC().Format(time.RFC3339), "--until", l.End.Format(time.RFC3339)}
}

// uploadTrail creates the trail's and the results' buckets and uploads
// the events as CloudTrail log files ({"Records":[…]}, gzipped), a few at
// once; it returns how many files it wrote.
func uploadTrail(ctx context.Context, cfg aws.Config, events []model.Event) (int, error) {
	c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	for _, b := range []string{TrailBucket, ResultsBucket} {
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			return 0, fmt.Errorf("creating bucket %s in moto at %s: %w", b, *cfg.BaseEndpoint, err)
		}
	}
	files := map[string][]string{}
	for i := range events {
		key := duckathena.LogKey(&events[i])
		files[key] = append(files[key], events[i].Raw)
	}
	keys := slices.Sorted(maps.Keys(files))
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	work := make(chan string)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for key := range work {
				body := gzipped(`{"Records":[` + strings.Join(files[key], ",") + `]}`)
				_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(TrailBucket), Key: aws.String(key), Body: bytes.NewReader(body)})
				if err != nil {
					cancel(fmt.Errorf("uploading s3://%s/%s: %w", TrailBucket, key, err))
				}
			}
		})
	}
	for _, key := range keys {
		select {
		case work <- key:
		case <-ctx.Done():
		}
	}
	close(work)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return 0, err
	}
	return len(keys), nil
}

// gzipped is text compressed as CloudTrail delivers its files.
func gzipped(text string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, _ = zw.Write([]byte(text))
	_ = zw.Close()
	return b.Bytes()
}
