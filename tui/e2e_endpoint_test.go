package tui

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"lazytrail/fetch/localtrail"
	"lazytrail/fetch/lookup"
)

// The design's story 4 as a whole program over the demo account, served by
// the local endpoint and read through the real SDK: type skeddly-, only
// skeddly- sessions remain, open one, read who did it and the raw record.
func TestEndToEndDemoOverTheLocalEndpoint(t *testing.T) {
	ds := localtrail.Demo(testNow)
	ts := httptest.NewServer(localtrail.New(ds, localtrail.Options{Quota: -1}))
	defer ts.Close()
	opts := lookup.Options{
		AWS:         aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")},
		EndpointURL: ts.URL,
		Rate:        1000,
	}
	q := lookup.Query{Regions: ds.Regions(), Start: testNow.Add(-lookup.History), End: testNow}
	app := New(Config{Account: "demo", Location: time.UTC,
		Open: func() (Source, Query) {
			return lookup.OpenAccounts(context.Background(), q, opts), Query{Start: q.Start, End: q.End, Regions: len(q.Regions)}
		}})
	tm := teatest.NewTestModel(t, app, teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	waitFor := func(what string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(what)) },
			teatest.WithDuration(30*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	}
	waitFor("loaded")
	tm.Type("/skeddly-")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitFor("skeddly-")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitFor("SkeddlyScheduler")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyTab})
	waitFor(`"userIdentity"`)
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	final := tm.FinalModel(t).(*App)
	defer final.Close()

	// How many were loaded by the time q arrived depends on the scan; what
	// was loaded must all be skeddly- sessions, and the non-matching rest
	// must be there too (the filter hides, it does not drop).
	if final.tl.Matches() == 0 || final.tl.Len() <= final.tl.Matches() {
		t.Fatalf("%d of %d loaded events match", final.tl.Matches(), final.tl.Len())
	}
	for i := range final.tl.Matches() {
		if e := final.tl.Match(i); !strings.HasPrefix(e.Username, "skeddly-") {
			t.Fatalf("row %d is %q's", i, e.Username)
		}
	}
	screen := final.View().Content
	for _, want := range []string{"JSON", `"userIdentity"`, `"AssumedRole"`, "skeddly-"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the JSON pane lacks %q:\n%s", want, screen)
		}
	}
}
