//lint:file-ignore SA1019 a per-region endpoint resolver is the SDK's only way to give one region its own endpoint (aws.Endpoint with it)

package tui

import (
	"bytes"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"go.uber.org/goleak"

	"lazytrail/fetch/localtrail"
	"lazytrail/fetch/localtrail/localtest"
	"lazytrail/fetch/lookup"
)

// faultOptions talks to url through the real SDK, fast: no pacing to
// speak of, pages of 10 so every region pages several times, short backoff.
func faultOptions(url string) lookup.Options {
	return lookup.Options{
		AWS: aws.Config{Region: "us-east-1",
			Credentials: credentials.NewStaticCredentialsProvider("AKIDLAZYTRAILTEST", "test-secret", "")},
		EndpointURL: url, Rate: 1000, PageSize: 10, RequestTimeout: 5 * time.Second, MaxBackoff: 10 * time.Millisecond,
	}
}

// runStreamApp runs the app over a real fetch stream the way Bubble Tea
// would, but on this goroutine: every command is run and its message fed
// back to Update until nothing is left to do (the stream ended). The filter
// matches nothing, so demand stays open and the stream pages to the end of
// history, loading everything. ctx only bounds a broken run.
func runStreamApp(t *testing.T, opts lookup.Options, q lookup.Query) *App {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	app := New(Config{Account: "faults", Location: time.UTC, Filter: "nobody-at-all",
		Open: func() (Source, Query) {
			return lookup.OpenAccounts(ctx, q, opts), Query{Start: q.Start, End: q.End, Regions: len(q.Regions)}
		}})
	app.parent = ctx
	t.Cleanup(app.Close)
	app.Update(tea.WindowSizeMsg{Width: 160, Height: 40})
	queue := []tea.Cmd{app.Init()}
	for len(queue) > 0 {
		cmd := queue[0]
		queue = queue[1:]
		if cmd == nil {
			continue
		}
		switch msg := cmd().(type) {
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case batchMsg:
			_, next := app.Update(msg)
			queue = append(queue, next)
		case panicMsg:
			t.Fatalf("a command panicked: %v", msg.err)
		}
	}
	if ctx.Err() != nil {
		t.Fatal("the stream did not end")
	}
	if !app.ended {
		t.Fatal("the app stopped pumping before its stream ended")
	}
	return app
}

// The fault matrix in the TUI: the loaded timeline holds every event of the
// healthy regions in order exactly once, the status bar counts the failed
// region and the regions panel names it with its cause.
func TestFaultMatrixInTheApp(t *testing.T) {
	ds := localtest.Dataset(t, 40, testNow)
	q := lookup.Query{Regions: localtest.Regions, Start: testNow.Add(-24 * time.Hour), End: testNow}
	cases := []struct {
		name   string
		faults map[string]localtrail.Fault
		tune   func(t *testing.T, o *lookup.Options)
		failed string
		cause  string // in the regions panel for the failed region
	}{
		{name: "throttling storm", faults: map[string]localtrail.Fault{"*": {ThrottleEvery: 3}}},
		{name: "bursts of 500s", faults: map[string]localtrail.Fault{"*": {InternalEvery: 2}}},
		{name: "one region denied", faults: map[string]localtrail.Fault{"eu-central-1": {AccessDenied: true}},
			failed: "eu-central-1", cause: "access denied"},
		{name: "one region hangs then a retry gets through", faults: map[string]localtrail.Fault{"us-east-1": {HangEvery: 2}},
			tune: func(t *testing.T, o *lookup.Options) { o.RequestTimeout = 300 * time.Millisecond }},
		{name: "one region refuses connections", failed: "sa-east-1", cause: "connection refused",
			tune: func(t *testing.T, o *lookup.Options) { refuse(t, o, "sa-east-1") }},
		{name: "malformed CloudTrailEvent", faults: map[string]localtrail.Fault{"eu-west-1": {MalformedEvery: 3}}},
		{name: "same event on two pages", faults: map[string]localtrail.Fault{"*": {DuplicateAcrossPages: true}}},
		{name: "token expires mid-query", faults: map[string]localtrail.Fault{"ap-south-1": {ExpireTokenAfter: 3}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := localtrail.New(ds, localtrail.Options{Quota: -1})
			url, err := srv.Listen("127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				_ = srv.Shutdown(ctx)
			})
			for region, f := range c.faults {
				if region == "*" {
					for _, r := range localtest.Regions {
						srv.SetFault(r, f)
					}
				} else {
					srv.SetFault(region, f)
				}
			}
			opts := faultOptions(url)
			if c.tune != nil {
				c.tune(t, &opts)
			}
			app := runStreamApp(t, opts, q)

			want := localtest.NewestFirstIDs(ds, c.failed)
			if app.tl.Len() != len(want) {
				t.Fatalf("loaded %d events, the healthy regions hold %d", app.tl.Len(), len(want))
			}
			for i, id := range want {
				if got := app.tl.At(i).ID; got != id {
					t.Fatalf("loaded event %d is %s, want %s", i, got, id)
				}
			}

			press(app, "/", "esc") // clear the filter: every loaded event lists
			screen := plain(content(app))
			if c.failed == "" {
				if strings.Contains(screen, "FAILED") || !strings.Contains(screen, "5 regions: 5 done") {
					t.Errorf("every region should be done:\n%s", screen)
				}
			} else {
				if !strings.Contains(screen, "5 regions: 4 done") || !strings.Contains(screen, "1 FAILED (R)") {
					t.Errorf("the status bar should count the failed region:\n%s", screen)
				}
				press(app, "R")
				panel := plain(content(app))
				// The row, and its error beside it or wrapped under it.
				row, lines := "", strings.Split(panel, "\n")
				for i, l := range lines {
					if strings.HasPrefix(l, c.failed+" ") {
						row = l
						for _, next := range lines[i+1:] {
							if !strings.HasPrefix(next, "  ") || strings.TrimSpace(next) == "" {
								break
							}
							row += " " + strings.TrimSpace(next)
						}
					}
				}
				if !strings.Contains(row, "failed") || !strings.Contains(row, c.cause) {
					t.Errorf("the regions panel should show %s failed with %q:\n%s", c.failed, c.cause, panel)
				}
				press(app, "esc")
			}
			if srv.Stats("eu-west-1").Malformed > 0 {
				checkMalformedDetail(t, app)
			}
		})
	}
}

// checkMalformedDetail moves to an event whose record the endpoint broke:
// it lists with its lookup fields, and the detail pane shows the parse error.
func checkMalformedDetail(t *testing.T, app *App) {
	t.Helper()
	for range app.tl.Matches() {
		if e := app.list.Selected(); e != nil && e.ParseError != "" {
			screen := plain(content(app))
			if !strings.Contains(screen, "PARSE ERROR") || !strings.Contains(screen, "StopInstances") {
				t.Errorf("the detail pane should show the parse error of %s:\n%s", e.ID, screen)
			}
			return
		}
		press(app, "j")
	}
	t.Error("no loaded event carries a parse error")
}

// refuse points one region at a port nothing listens on, through the SDK's
// per-region endpoint resolver, so its connections are refused.
func refuse(t *testing.T, o *lookup.Options, region string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	live := o.EndpointURL
	o.EndpointURL = ""
	o.MaxAttempts = 3
	//lint:ignore SA1019 the per-region resolver is the SDK's only way to give one region its own endpoint
	o.AWS.EndpointResolverWithOptions = aws.EndpointResolverWithOptionsFunc(func(_, r string, _ ...any) (aws.Endpoint, error) {
		if r == region {
			return aws.Endpoint{URL: dead, HostnameImmutable: true}, nil
		}
		return aws.Endpoint{URL: live, HostnameImmutable: true}, nil
	})
}

// tui.Run over a real stream, cancelled while a region hangs mid-request
// (as SIGTERM cancels main's context): it returns without error and leaves
// no goroutine behind, the stream's, the SDK's and the endpoint's included.
func TestRunOverARealStreamCancelledLeavesNothingBehind(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	srv := localtrail.New(localtest.Dataset(t, 40, testNow), localtrail.Options{Quota: -1})
	url, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}()
	srv.SetFault("eu-west-1", localtrail.Fault{Hang: true})
	q := lookup.Query{Regions: localtest.Regions, Start: testNow.Add(-24 * time.Hour), End: testNow}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{Account: "faults", Filter: "nobody-at-all",
			Open: func() (Source, Query) { return lookup.OpenAccounts(ctx, q, faultOptions(url)), Query{} }},
			tea.WithInput(&bytes.Buffer{}), tea.WithOutput(io.Discard), tea.WithWindowSize(80, 24))
	}()
	deadline := time.Now().Add(30 * time.Second) // bounds a broken run only
	for srv.Stats("eu-west-1").Hung == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if srv.Stats("eu-west-1").Hung == 0 {
		t.Fatal("the hanging region was never asked")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("a cancelled run should end without error, got %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return after its context was cancelled")
	}
}
