package main

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"lazytrail/fetch/athena/athenatest"
	"lazytrail/fetch/localtrail"
	"lazytrail/fetch/localtrail/localtest"
	"lazytrail/fetch/trail/s3test"
	"lazytrail/model"
)

// athenaEnd is where the Athena tests' demo account ends.
var athenaEnd = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

// athenaRig is a trail bucket in moto holding part of the demo account,
// the CloudTrail table over it in moto's Glue, and moto's Athena behind a
// proxy whose queries return the rows the stream's filter selects from
// the same records (filter and range set per run): the SQL itself is
// checked on a real engine in fetch/athena/sqltest.
type athenaRig struct {
	moto     string
	proxy    *athenatest.Proxy
	rec      *recorder
	endpoint string
	events   []model.Event
	paths    map[string]string // event id -> its log file

	mu           sync.Mutex
	filter       model.Filter
	since, until time.Time
}

func newAthenaRig(t *testing.T, since, until time.Time) *athenaRig {
	t.Helper()
	moto := localtest.Moto(t)
	r := &athenaRig{moto: moto, paths: map[string]string{}, since: since, until: until}
	d := localtrail.Demo(athenaEnd)
	files := map[string][]string{}
	for _, region := range d.Regions() {
		for _, e := range d.Events(region) {
			// A day around the range, so that the range cuts files.
			if e.Time.Before(since.Add(-6*time.Hour)) || e.Time.After(until.Add(6*time.Hour)) {
				continue
			}
			delivered := e.Time.Truncate(time.Hour).Add(65 * time.Minute)
			account := cmp.Or(e.Account, "123456789012")
			key := fmt.Sprintf("AWSLogs/%s/CloudTrail/%s/%s/%s_CloudTrail_%s_%s_demo.json.gz",
				account, e.Region, delivered.Format("2006/01/02"), account, e.Region, delivered.Format("20060102T1504Z"))
			files[key] = append(files[key], e.Raw)
			r.paths[e.ID] = "s3://trail/" + key
			r.events = append(r.events, e)
		}
	}
	objects := map[string][]byte{}
	for key, records := range files {
		objects[key] = s3test.Gzip([]byte(`{"Records":[` + strings.Join(records, ",") + `]}`))
	}
	s3test.NewUploader(t, moto, "trail").Put(t, objects)
	s3test.NewUploader(t, moto, "athena-results")
	athenatest.CreateTable(t, s3test.Config(t, moto), "trails", "cloudtrail")
	r.proxy = athenatest.NewProxy(t, moto, "us-east-1", r.rows)
	r.rec, r.endpoint = newRecorder(t, moto)
	r.rec.athena = r.proxy
	return r
}

// rows is what the query the proxy was sent selects: the stream filter's
// matches in the range, newest first as the SQL orders them.
func (r *athenaRig) rows(string) ([][]*string, error) {
	r.mu.Lock()
	f, since, until := r.filter, r.since, r.until
	r.mu.Unlock()
	var sel []model.Event
	for _, e := range r.events {
		if !e.Time.Before(since) && !e.Time.After(until) && f.Match(&e) {
			sel = append(sel, e)
		}
	}
	slices.SortFunc(sel, func(a, b model.Event) int { return cmp.Or(b.Time.Compare(a.Time), cmp.Compare(b.ID, a.ID)) })
	var out [][]*string
	for _, e := range sel {
		row, err := athenatest.Row(e.Raw, r.paths[e.ID])
		if err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, nil
}

func (r *athenaRig) setFilter(text string) {
	r.mu.Lock()
	r.filter = model.ParseFilter(text)
	r.mu.Unlock()
}

var _ http.Handler = (*athenatest.Proxy)(nil)

// The same filter and range print the same bytes from Athena as from the
// bucket itself: the rows' records are read back from their log files.
func TestAthenaPrintsWhatTheBucketHolds(t *testing.T) {
	since, until := athenaEnd.Add(-30*time.Hour), athenaEnd.Add(-2*time.Hour)
	r := newAthenaRig(t, since, until)
	span := []string{"--since", since.Format(time.RFC3339), "--until", until.Format(time.RFC3339)}
	for _, filter := range []string{"user:skeddly-", "event:Describe,Get -user:skeddly-", "-ro:true region:us-east-1,eu-west-1", "raw:i-0"} {
		t.Run(filter, func(t *testing.T) {
			r.setFilter(filter)
			fromAthena := runHeadless(t, r.rec, r.endpoint, append([]string{"--athena", "trails.cloudtrail", "--athena-output", "s3://athena-results/q/",
				"--filter", filter, "--print", "jsonl"}, span...)...)
			fromBucket := runHeadless(t, r.rec, r.endpoint, append([]string{"--records", "s3://trail", "--filter", filter, "--print", "jsonl"}, span...)...)
			if fromAthena.code != exitOK || fromAthena.stderr != "" {
				t.Fatalf("athena: exit %d, stderr %s", fromAthena.code, fromAthena.stderr)
			}
			if fromBucket.code != exitOK {
				t.Fatalf("records: exit %d, stderr %s", fromBucket.code, fromBucket.stderr)
			}
			n := strings.Count(fromBucket.stdout, "\n")
			if n == 0 {
				t.Fatalf("the filter %q selects nothing in the range: the test proves nothing", filter)
			}
			if fromAthena.stdout != fromBucket.stdout {
				a, b := strings.Split(fromAthena.stdout, "\n"), strings.Split(fromBucket.stdout, "\n")
				for i := range min(len(a), len(b)) {
					if a[i] != b[i] {
						t.Fatalf("line %d of %d differs:\nathena:  %.300s\nrecords: %.300s", i+1, n, a[i], b[i])
					}
				}
				t.Fatalf("athena printed %d lines, the bucket %d", len(a)-1, len(b)-1)
			}
			t.Logf("%q: %d events, the same from both", filter, n)
		})
	}
	sql := r.proxy.SQL()
	if len(sql) != 4 {
		t.Fatalf("%d queries started, want 4", len(sql))
	}
	for _, want := range []string{`"timestamp" >= '2026/11/29'`, `"timestamp" <= '2026/12/01'`, "eventtime >= '2026-11-29T06:00:00Z'", "eventtime <= '2026-11-30T10:00:00Z'"} {
		if !strings.Contains(sql[0], want) {
			t.Errorf("the SQL does not bound the range with %s:\n%s", want, sql[0])
		}
	}
	if !strings.Contains(sql[2], `"region" = 'us-east-1'`) && !strings.Contains(sql[2], `coalesce("region", '')`) {
		t.Errorf("region: did not prune the region partition:\n%s", sql[2])
	}
}
