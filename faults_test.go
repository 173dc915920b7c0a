//lint:file-ignore SA1019 a per-region endpoint resolver is the SDK's only way to give one region its own endpoint (aws.Endpoint with it)

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"go.uber.org/goleak"

	"lazytrail/fetch/localtrail"
	"lazytrail/fetch/localtrail/localtest"
	"lazytrail/fetch/lookup"
)

// faultEnd pins the synthetic account's newest moment.
var faultEnd = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// faultRun runs --print jsonl over ds on an in-process endpoint without
// quota, with small pages (so every region pages several times), short
// backoff and the faults given; tune adjusts the clients before the run.
func faultRun(t *testing.T, ds *localtrail.Dataset, faults map[string]localtrail.Fault, tune func(*lookup.Options), args ...string) (ids []string, lines []string, stderr string, code int, srv *localtrail.Server) {
	t.Helper()
	args = append([]string{"--until", faultEnd.Format(time.RFC3339), "--since", "2d", "--rate", "1000", "--print", "jsonl"}, args...)
	o, err := parseArgs(args, &bytes.Buffer{}, faultEnd)
	if err != nil {
		t.Fatalf("parseArgs(%q): %v", args, err)
	}
	src, srv := localSource(t, o, ds, "faults", func(c *lookup.Options) {
		c.PageSize = 10
		c.MaxBackoff = 10 * time.Millisecond
		c.RequestTimeout = 5 * time.Second
		if tune != nil {
			tune(c)
		}
	})
	for region, f := range faults {
		srv.SetFault(region, f)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second) // bounds a broken run only
	defer cancel()
	var out, errOut bytes.Buffer
	code = runPrint(ctx, o, src, &out, &errOut)
	if ctx.Err() != nil {
		t.Fatalf("the run did not end: %s", errOut.String())
	}
	for i, line := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
		if line == "" {
			continue
		}
		var rec struct {
			EventID string `json:"eventID"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil || rec.EventID == "" {
			t.Fatalf("line %d is not a record with an eventID (%v): %.200q", i, err, line)
		}
		ids = append(ids, rec.EventID)
		lines = append(lines, line)
	}
	return ids, lines, errOut.String(), code, srv
}

// sameOrder fails with the first difference between the delivered ids and
// the ground truth.
func sameOrder(t *testing.T, got, want []string) {
	t.Helper()
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			t.Fatalf("event %d is %s, want %s (delivered %d, expected %d)", i, got[i], want[i], len(got), len(want))
		}
	}
	if len(got) != len(want) {
		t.Fatalf("delivered %d events, the healthy regions hold %d", len(got), len(want))
	}
}

// everyRegion applies one fault to all regions.
func everyRegion(f localtrail.Fault) map[string]localtrail.Fault {
	m := map[string]localtrail.Fault{}
	for _, r := range localtest.Regions {
		m[r] = f
	}
	return m
}

// refuseRegion points one region's CloudTrail client at a closed port and
// the others at the local endpoint, through the SDK's per-region endpoint
// resolver, so that region's every connection is refused by the kernel.
func refuseRegion(t *testing.T, region string) func(*lookup.Options) {
	dead := localtest.ClosedURL(t)
	return func(c *lookup.Options) {
		live := c.EndpointURL
		c.EndpointURL = ""
		//lint:ignore SA1019 the per-region resolver is the SDK's only way to give one region its own endpoint
		c.AWS.EndpointResolverWithOptions = aws.EndpointResolverWithOptionsFunc(
			func(service, r string, _ ...any) (aws.Endpoint, error) {
				url := live
				if r == region {
					url = dead
				}
				return aws.Endpoint{URL: url, HostnameImmutable: true}, nil
			})
		c.MaxAttempts = 3
	}
}

// The fault matrix, headless: for each fault every event of the healthy
// regions arrives in order exactly once, and a failing region is named on
// stderr with exit code 3.
func TestFaultMatrixHeadless(t *testing.T) {
	ds := localtest.Dataset(t, 60, faultEnd)
	cases := []struct {
		name   string
		faults map[string]localtrail.Fault
		tune   func(*lookup.Options)
		failed string // the region expected to fail, or ""
		cause  string // what stderr must say of it
		check  func(t *testing.T, srv *localtrail.Server, lines []string)
	}{
		{name: "throttling storm", faults: everyRegion(localtrail.Fault{ThrottleEvery: 3}),
			check: func(t *testing.T, srv *localtrail.Server, _ []string) {
				for _, r := range localtest.Regions {
					if srv.Stats(r).Throttled == 0 {
						t.Errorf("%s was never throttled: the storm did not happen", r)
					}
				}
			}},
		{name: "bursts of 500s", faults: everyRegion(localtrail.Fault{InternalEvery: 2}),
			check: func(t *testing.T, srv *localtrail.Server, _ []string) {
				if srv.Stats("eu-west-1").Faulted == 0 {
					t.Error("no 500 was served")
				}
			}},
		{name: "one region denied", faults: map[string]localtrail.Fault{"eu-central-1": {AccessDenied: true}},
			failed: "eu-central-1", cause: "access denied"},
		{name: "one region unrecognized client", faults: map[string]localtrail.Fault{"sa-east-1": {UnrecognizedClient: true}},
			failed: "sa-east-1", cause: "not recognized"},
		{name: "one region hangs then a retry gets through", faults: map[string]localtrail.Fault{"us-east-1": {HangEvery: 2}},
			tune: func(c *lookup.Options) { c.RequestTimeout = 300 * time.Millisecond },
			check: func(t *testing.T, srv *localtrail.Server, _ []string) {
				if srv.Stats("us-east-1").Hung == 0 {
					t.Error("no request hung")
				}
			}},
		// The timeout bounds the healthy regions' attempts too: 1s (not
		// 200ms, which a loaded -race run exceeded twice in a row) keeps
		// them clear of it, and the hung region still fails in about 2s.
		{name: "one region hangs for good", faults: map[string]localtrail.Fault{"ap-south-1": {Hang: true}},
			tune:   func(c *lookup.Options) { c.RequestTimeout = time.Second; c.MaxAttempts = 2 },
			failed: "ap-south-1", cause: "timed out",
			check: func(t *testing.T, srv *localtrail.Server, _ []string) {
				if st := srv.Stats("ap-south-1"); st.Hung != 2 || st.Requests != 2 || st.Served != 0 {
					t.Errorf("ap-south-1 %+v: want both attempts hung and nothing served", st)
				}
			}},
		{name: "one region refuses connections", tune: refuseRegion(t, "eu-west-1"), failed: "eu-west-1", cause: "connection refused"},
		{name: "malformed CloudTrailEvent", faults: map[string]localtrail.Fault{"eu-west-1": {MalformedEvery: 5}},
			check: func(t *testing.T, srv *localtrail.Server, lines []string) {
				broken := 0
				for _, l := range lines {
					if strings.Contains(l, `"lazytrailParseError"`) {
						broken++
						if !strings.Contains(l, `"eventName":"StopInstances"`) || !strings.Contains(l, `"awsRegion":"eu-west-1"`) {
							t.Errorf("a malformed record lost its lookup fields: %.300s", l)
						}
					}
				}
				if want := srv.Stats("eu-west-1").Malformed; broken != want || want == 0 {
					t.Errorf("%d records carry a parse error; the endpoint broke %d", broken, want)
				}
			}},
		{name: "same event on two pages", faults: everyRegion(localtrail.Fault{DuplicateAcrossPages: true}),
			check: func(t *testing.T, srv *localtrail.Server, _ []string) {
				if srv.Stats("us-east-1").Duplicated == 0 {
					t.Error("no page repeated an event")
				}
			}},
		{name: "token expires mid-query", faults: map[string]localtrail.Fault{"eu-west-1": {ExpireTokenAfter: 3}, "us-east-1": {ExpireTokenAfter: 4}},
			check: func(t *testing.T, srv *localtrail.Server, _ []string) {
				if srv.Stats("eu-west-1").Faulted == 0 {
					t.Error("no token expired")
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ids, lines, stderr, code, srv := faultRun(t, ds, c.faults, c.tune)
			sameOrder(t, ids, localtest.NewestFirstIDs(ds, c.failed))
			if c.failed == "" {
				if code != exitOK || stderr != "" {
					t.Fatalf("exit %d, stderr %q; want 0 and nothing", code, stderr)
				}
			} else {
				if code != exitPartial {
					t.Errorf("exit %d, want %d (partial)", code, exitPartial)
				}
				if !strings.Contains(stderr, "region "+c.failed+" failed: ") || !strings.Contains(stderr, "1 of 5 regions failed") {
					t.Errorf("stderr does not report %s: %q", c.failed, stderr)
				}
				if !strings.Contains(stderr, c.cause) {
					t.Errorf("stderr does not say %q: %q", c.cause, stderr)
				}
				if n := strings.Count(stderr, "\n"); n != 2 {
					t.Errorf("want one line for the region and one summary, got %d lines: %q", n, stderr)
				}
			}
			t.Logf("exit %d; stderr %q", code, stderr)
			if c.check != nil {
				c.check(t, srv, lines)
			}
		})
	}
}

// cancelOnWrite cancels a context at the first write: the run is mid-scan.
type cancelOnWrite struct {
	bytes.Buffer
	cancel context.CancelFunc
}

func (w *cancelOnWrite) Write(p []byte) (int, error) {
	w.cancel()
	return w.Buffer.Write(p)
}

// A headless run cancelled mid-scan (as SIGTERM does through main's
// context) says the output is incomplete, exits 3 and leaves no goroutine
// behind: not the stream's, the SDK's, nor the in-process endpoint's.
func TestHeadlessCancelledMidScanLeavesNothingBehind(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &cancelOnWrite{cancel: cancel}
	var stderr bytes.Buffer
	// The demo endpoint keeps AWS's 2 requests/s: the scan of its 45,808
	// events takes minutes, and the first page's events cancel it.
	code := run(ctx, []string{"--demo", "--print", "jsonl"}, out, &stderr)
	if code != exitPartial || !strings.Contains(stderr.String(), "interrupted after") {
		t.Errorf("exit %d, stderr %q: want %d and a note that the output is incomplete", code, stderr.String(), exitPartial)
	}
	if n := strings.Count(out.String(), "\n"); n == 0 || n >= 45808 {
		t.Errorf("%d events printed: the run was not cancelled mid-scan", n)
	}
}
