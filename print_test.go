package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"lazytrail/fetch/localtrail"
	"lazytrail/fetch/memory"
	"lazytrail/model"
	"lazytrail/tui"
)

// demoEnd pins the demo account so tests see the same data every run.
var demoEnd = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// headless runs --print against the demo account on an in-process endpoint
// without quota or latency, so a full 90-day scan takes a moment.
func headless(t *testing.T, ds *localtrail.Dataset, faults map[string]localtrail.Fault, args ...string) (stdout, stderr string, code int, srv *localtrail.Server) {
	t.Helper()
	args = append([]string{"--until", demoEnd.Format(time.RFC3339), "--rate", "1000"}, args...)
	o, err := parseArgs(args, &bytes.Buffer{}, demoEnd)
	if err != nil {
		t.Fatalf("parseArgs(%q): %v", args, err)
	}
	src, srv := localSource(t, o, ds, "demo", nil)
	for region, f := range faults {
		srv.SetFault(region, f)
	}
	var out, errOut bytes.Buffer
	code = runPrint(context.Background(), o, src, &out, &errOut)
	return out.String(), errOut.String(), code, srv
}

var demoData = sync.OnceValue(func() *localtrail.Dataset { return localtrail.Demo(demoEnd) })

// expectedUserPrefix is the independent computation: every event of the
// dataset, all regions, whose user name starts with prefix (case folded),
// within the window, newest first.
func expectedUserPrefix(ds *localtrail.Dataset, prefix string, start, end time.Time) map[string]time.Time {
	want := map[string]time.Time{}
	for _, r := range ds.Regions() {
		for _, e := range ds.Events(r) {
			if strings.HasPrefix(strings.ToLower(e.Username), prefix) && !e.Time.Before(start) && !e.Time.After(end) {
				want[e.ID] = e.Time
			}
		}
	}
	return want
}

func TestPrintUserPrefixMatchesTheDataset(t *testing.T) {
	ds := demoData()
	out, stderr, code, _ := headless(t, ds, nil, "--print", "jsonl", "--user", "skeddly-")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	want := expectedUserPrefix(ds, "skeddly-", demoEnd.Add(-90*24*time.Hour), demoEnd)
	if len(want) < 100 {
		t.Fatalf("the demo account has only %d skeddly- events; the test needs a real scan", len(want))
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	seen := map[string]bool{}
	var prev time.Time
	for i, line := range lines {
		var rec struct {
			EventID   string `json:"eventID"`
			EventTime string `json:"eventTime"`
			Identity  struct {
				ARN string `json:"arn"`
			} `json:"userIdentity"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("line %d is not a JSON record: %v: %.200q", i, err, line)
		}
		if seen[rec.EventID] {
			t.Fatalf("event %s printed twice", rec.EventID)
		}
		seen[rec.EventID] = true
		wantTime, ok := want[rec.EventID]
		if !ok {
			t.Fatalf("line %d: event %s (%s) is not a skeddly- event", i, rec.EventID, rec.Identity.ARN)
		}
		if i > 0 && wantTime.After(prev) {
			t.Fatalf("line %d: %s is newer than the line before (%s): not newest first", i, wantTime, prev)
		}
		prev = wantTime
	}
	if len(seen) != len(want) {
		t.Fatalf("printed %d skeddly- events, the dataset has %d", len(seen), len(want))
	}
}

func TestPrintLimitStopsEarly(t *testing.T) {
	ds := demoData()
	out, stderr, code, srv := headless(t, ds, nil, "--print", "csv", "--user", "skeddly-", "--limit", "20")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 21 || rows[0][0] != "time" {
		t.Fatalf("want a header and 20 rows, got %d rows", len(rows))
	}
	for _, row := range rows[1:] {
		if !strings.HasPrefix(row[3], "skeddly-") {
			t.Errorf("row for user %q", row[3])
		}
	}
	requests, fullScan := 0, 0
	for _, r := range ds.Regions() {
		requests += srv.Stats(r).Requests
		fullScan += (len(ds.Events(r)) + 49) / 50
	}
	t.Logf("--limit 20 made %d requests over %d regions (a full scan needs %d)", requests, len(ds.Regions()), fullScan)
	if requests > 4*len(ds.Regions()) || requests*10 > fullScan {
		t.Errorf("--limit 20 made %d requests over %d regions; a full scan is %d: it did not stop early", requests, len(ds.Regions()), fullScan)
	}
}

func TestPrintReportsFailedRegionsWithExitCodes(t *testing.T) {
	ds := demoData()
	_, stderr, code, _ := headless(t, ds, map[string]localtrail.Fault{"eu-west-1": {AccessDenied: true}},
		"--print", "table", "--user", "adam", "--since", "2d")
	if code != exitPartial {
		t.Errorf("one denied region: exit %d, want %d", code, exitPartial)
	}
	if !strings.Contains(stderr, "region eu-west-1 failed") || !strings.Contains(stderr, "1 of") {
		t.Errorf("stderr does not name the failed region: %q", stderr)
	}

	all := map[string]localtrail.Fault{}
	for _, r := range ds.Regions() {
		all[r] = localtrail.Fault{UnrecognizedClient: true}
	}
	out, stderr, code, _ := headless(t, ds, all, "--print", "json", "--since", "2d")
	if code != exitFailed {
		t.Errorf("every region failing: exit %d, want %d", code, exitFailed)
	}
	if strings.TrimSpace(out) != "[]" {
		t.Errorf("json output with nothing fetched should be an empty array, got %q", out)
	}
	if !strings.Contains(stderr, "every region failed") {
		t.Errorf("stderr %q", stderr)
	}
}

func TestPrintTableIsReadable(t *testing.T) {
	out, stderr, code, _ := headless(t, demoData(), nil, "--print", "table", "--lookup", "EventName=RunInstances", "--region", "eu-west-1")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if !strings.HasPrefix(lines[0], "TIME (UTC)") || len(lines) < 2 {
		t.Fatalf("table: %q", out)
	}
	found := false
	for _, l := range lines[1:] {
		if !strings.Contains(l, "RunInstances") || !strings.Contains(l, "eu-west-1") {
			t.Errorf("row is not a RunInstances call in eu-west-1: %q", l)
		}
		if strings.Contains(l, "i-064bd95a9b9b0a4e6") && strings.Contains(l, "adam") {
			found = true
		}
	}
	if !found {
		t.Errorf("adam's RunInstances of i-064bd95a9b9b0a4e6 is missing from the table")
	}
}

// A region that finished early (few events) must not pin "back to" at its
// last, recent event: only regions still paging count.
func TestProgressTextCountsRegionsStillPaging(t *testing.T) {
	day := func(d int) time.Time { return demoEnd.Add(-time.Duration(d) * 24 * time.Hour) }
	got := progressText(7, []model.RegionProgress{
		{Region: "sa-east-1", State: model.RegionDone, Events: 3, Oldest: day(1)},
		{Region: "us-east-1", State: model.RegionPaging, Events: 500, Oldest: day(10)},
		{Region: "eu-west-1", State: model.RegionPaging, Events: 400, Oldest: day(12)},
		{Region: "eu-north-1", State: model.RegionFailed, Events: 0},
	})
	want := "7 printed, 903 checked, back to " + day(10).Format("2006-01-02 15:04") + ", 2 of 4 regions paging"
	if got != want {
		t.Errorf("progress\n got %q\nwant %q", got, want)
	}
}

// The SDK logs warnings (here: falling back to IMDSv1 while it looks for
// credentials) straight to the process's stderr, where they would land in
// the TUI. Run the real binary with an IMDS that refuses tokens and check
// that stderr stays empty.
func TestSDKWarningsStayOffStderr(t *testing.T) {
	bin := buildBinary(t)
	imds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			w.WriteHeader(http.StatusForbidden) // no IMDSv2: the SDK warns and falls back
			return
		}
		http.NotFound(w, r)
	}))
	defer imds.Close()
	ds := demoData()
	ct := httptest.NewServer(localtrail.New(ds, localtrail.Options{Quota: -1}))
	defer ct.Close()

	cmd := exec.Command(bin, "--endpoint-url", ct.URL, "--region", "eu-west-1", "--print", "jsonl", "--limit", "3")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "AWS_EC2_METADATA_SERVICE_ENDPOINT=" + imds.URL}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v; stderr %q", err, stderr.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr should be empty, got %q", stderr.String())
	}
	if n := strings.Count(stdout.String(), "\n"); n != 3 {
		t.Errorf("want 3 events, got %d lines", n)
	}
}

// --filter takes the bar's language headless: the security-group story
// (event:Authorize,Revoke res:sg- -user:…) prints exactly the events an
// independent pass over the endpoint's data selects, newest first.
func TestPrintFilterLanguage(t *testing.T) {
	ds := demoData()
	out, stderr, code, _ := headless(t, ds, nil, "--print", "jsonl", "--filter", "event:Authorize,Revoke res:sg- -user:AutoScaling")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var rec struct{ EventID string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		got = append(got, rec.EventID)
	}
	type key struct {
		at time.Time
		id string
	}
	var want []key
	start := demoEnd.Add(-90 * 24 * time.Hour)
	for _, r := range ds.Regions() {
		for _, e := range ds.Events(r) {
			if e.Time.Before(start) || e.Time.After(demoEnd) || e.Username == "AutoScaling" ||
				!strings.HasPrefix(e.Name, "AuthorizeSecurityGroup") && !strings.HasPrefix(e.Name, "RevokeSecurityGroup") {
				continue
			}
			for _, res := range e.Resources {
				if strings.Contains(res.Name, "sg-") {
					want = append(want, key{e.Time, e.ID})
					break
				}
			}
		}
	}
	sort.SliceStable(want, func(i, j int) bool { return want[i].at.After(want[j].at) })
	if len(want) < 2 {
		t.Fatalf("the demo account has %d security-group events; the story needs both", len(want))
	}
	if len(got) != len(want) {
		t.Fatalf("printed %d events %v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i] != want[i].id {
			t.Fatalf("event %d is %s, want %s", i, got[i], want[i].id)
		}
	}
}

// The check: the security-group story exported from the TUI (the
// filter typed in the bar, L to the end, e) equals --print jsonl --filter
// with the same terms over the same data and range, byte for byte.
func TestTUIExportEqualsHeadless(t *testing.T) {
	ds := demoData()
	const terms = "event:Authorize,Revoke res:sg-"
	want, stderr, code, _ := headless(t, ds, nil, "--print", "jsonl", "--filter", terms)
	if code != exitOK || want == "" {
		t.Fatalf("headless: exit %d, %s", code, stderr)
	}
	dir := t.TempDir()
	tm, screen := demoTUI(t, ds, tui.Config{ExportDir: dir}, 120, 30, terms)
	tm.Type("e")
	waitScreen(t, tm, screen, "wrote ", 20*time.Second)
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	tm.FinalModel(t).(*tui.App).Close()
	files, _ := filepath.Glob(filepath.Join(dir, "lazytrail-*.jsonl"))
	if len(files) != 1 {
		t.Fatalf("%d export files", len(files))
	}
	got, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatalf("the export differs from --print jsonl --filter %q:\n got %d bytes, %d lines\nwant %d bytes, %d lines",
			terms, len(got), strings.Count(string(got), "\n"), len(want), strings.Count(want, "\n"))
	}
	t.Logf("%d events exported, equal to headless", strings.Count(want, "\n"))
}

// errWriter fails every write with err, as a closed pipe or a full disk.
type errWriter struct{ err error }

func (w errWriter) Write([]byte) (int, error) { return 0, w.err }

// Output that cannot be written is a partial run (exit 3): quietly when
// the reader closed the pipe, with the cause for anything else. The real
// binary, piped into a reader that leaves, exits 3 too, not 141.
func TestPrintWriteFailures(t *testing.T) {
	for _, c := range []struct {
		err    error
		stderr string
	}{
		{&fs.PathError{Op: "write", Path: "/dev/stdout", Err: syscall.EPIPE}, ""},
		{&fs.PathError{Op: "write", Path: "/dev/stdout", Err: syscall.ENOSPC}, "no space left on device; 0 of the "},
	} {
		var stderr bytes.Buffer
		code := run(context.Background(), []string{"--demo", "--print", "jsonl", "--since", "1d"}, errWriter{c.err}, &stderr)
		if code != exitPartial || !strings.Contains(stderr.String(), c.stderr) || c.stderr == "" && stderr.Len() != 0 {
			t.Errorf("%v: exit %d, stderr %q", c.err, code, stderr.String())
		}
	}
	bin := buildBinary(t)
	cmd := exec.Command("bash", "-c", `"$0" --demo --print jsonl | head -1 >/dev/null; echo "${PIPESTATUS[0]}"`, bin)
	out, err := cmd.Output()
	if err != nil || strings.TrimSpace(string(out)) != "3" {
		t.Errorf("piped into head: exit %q (%v), want 3", strings.TrimSpace(string(out)), err)
	}
}

// The "who is running up the bill": /event:Run, enter, L, s — 13
// keystrokes — shows, complete, each user's count of the matching events,
// equal to an independent count over the endpoint's data.
func TestTUISummaryWhoRanTheMostInstances(t *testing.T) {
	ds := demoData()
	tm, screen := demoTUI(t, ds, tui.Config{}, 80, 24, "event:Run")
	tm.Type("s")
	waitScreen(t, tm, screen, "SUMMARY by user", 10*time.Second)
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	final := tm.FinalModel(t).(*tui.App)
	defer final.Close()
	shown := ansi.Strip(final.View().Content)

	want := map[string]int{}
	start := demoEnd.Add(-90 * 24 * time.Hour)
	for _, r := range ds.Regions() {
		for _, e := range ds.Events(r) {
			if !e.Time.Before(start) && !e.Time.After(demoEnd) && strings.HasPrefix(strings.ToLower(e.Name), "run") {
				want[e.Username]++
			}
		}
	}
	if len(want) == 0 {
		t.Fatal("the demo account has no RunInstances")
	}
	if !strings.Contains(shown, "matches, complete") {
		t.Fatalf("the summary is not complete:\n%s", shown)
	}
	rows := 0
	for _, line := range strings.Split(shown, "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasSuffix(f[3], "%") {
			continue
		}
		user, n := f[1], strings.ReplaceAll(f[2], ",", "")
		if fmt.Sprint(want[user]) != n {
			t.Errorf("summary row %q: want %d for %s", line, want[user], user)
		}
		rows++
	}
	if rows != min(len(want), 17) {
		t.Errorf("%d summary rows, want %d users:\n%s", rows, len(want), shown)
	}
	t.Logf("%d users ran RunInstances-like calls; the summary matched the independent count", len(want))
}

// The planner: an exact term (event=RunInstances) is pushed down to
// LookupEvents, so the scan asks the API for those events only — a few
// requests instead of the whole history — and prints exactly them.
func TestPrintPushesExactTermsDown(t *testing.T) {
	// LookupEvents' own spelling (as --lookup takes it) is the same term:
	// it used to be read as a user-name prefix and scan 90 days for nothing.
	for _, terms := range []string{"event=RunInstances -user:AutoScaling", "EventName=RunInstances -user:AutoScaling"} {
		t.Run(terms, func(t *testing.T) { testPrintPushesDown(t, terms) })
	}
}

func testPrintPushesDown(t *testing.T, terms string) {
	ds := demoData()
	out, stderr, code, srv := headless(t, ds, nil, "--print", "jsonl", "--filter", terms)
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := 0
	start := demoEnd.Add(-90 * 24 * time.Hour)
	for _, r := range ds.Regions() {
		for _, e := range ds.Events(r) {
			if e.Name == "RunInstances" && e.Username != "AutoScaling" && !e.Time.Before(start) && !e.Time.After(demoEnd) {
				want++
			}
		}
	}
	if got := strings.Count(out, "\n"); got != want || want == 0 {
		t.Fatalf("printed %d events, want %d", got, want)
	}
	requests, fullScan := 0, 0
	for _, r := range ds.Regions() {
		requests += srv.Stats(r).Requests
		fullScan += (len(ds.Events(r)) + 49) / 50
	}
	if requests > 3*len(ds.Regions()) {
		t.Errorf("%d requests for %d RunInstances (a full scan is %d): the term was not pushed down", requests, want, fullScan)
	}
	t.Logf("%d events in %d requests (a full scan: %d)", want, requests, fullScan)
}

// demoTUI runs the app over ds through the local endpoint and the real
// SDK at w×h, types the filter, enter and L, and waits for "complete".
func demoTUI(t *testing.T, ds *localtrail.Dataset, cfg tui.Config, w, h int, filter string) (*teatest.TestModel, *bytes.Buffer) {
	t.Helper()
	o, err := parseArgs([]string{"--until", demoEnd.Format(time.RFC3339), "--rate", "1000"}, &bytes.Buffer{}, demoEnd)
	if err != nil {
		t.Fatal(err)
	}
	src, _ := localSource(t, o, ds, "demo", nil)
	cfg.Source, cfg.Location = src, time.UTC
	tm := teatest.NewTestModel(t, tui.New(cfg), teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	tm.Type("/" + filter)
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	tm.Type("L")
	var screen bytes.Buffer
	waitScreen(t, tm, &screen, "complete", 60*time.Second)
	return tm, &screen
}

// waitScreen waits until the output so far holds want.
func waitScreen(t *testing.T, tm *teatest.TestModel, screen *bytes.Buffer, want string, d time.Duration) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(out []byte) bool {
		screen.Write(out)
		return bytes.Contains(screen.Bytes(), []byte(want))
	}, teatest.WithDuration(d), teatest.WithCheckInterval(20*time.Millisecond))
}

// ResourceType= is pushed down as LookupEvents' ResourceType attribute and
// prints exactly the events holding a resource of that type.
func TestPrintPushesResourceTypeDown(t *testing.T) {
	ds := demoData()
	out, stderr, code, srv := headless(t, ds, nil, "--print", "jsonl", "--region", "eu-west-1", "--filter", "ResourceType=AWS::EC2::SecurityGroup")
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := 0
	start := demoEnd.Add(-90 * 24 * time.Hour)
	for _, e := range ds.Events("eu-west-1") {
		if e.Time.Before(start) || e.Time.After(demoEnd) {
			continue
		}
		for _, r := range e.Resources {
			if r.Type == "AWS::EC2::SecurityGroup" {
				want++
				break
			}
		}
	}
	if got := strings.Count(out, "\n"); got != want || want == 0 {
		t.Fatalf("printed %d events, want %d", got, want)
	}
	if n, full := srv.Stats("eu-west-1").Requests, (len(ds.Events("eu-west-1"))+49)/50; n > 3 {
		t.Errorf("%d requests (a full scan is %d): ResourceType was not pushed down", n, full)
	}
}

// A prefix term whose value is a whole event name scans 90 days where the
// exact term asks the API: headless says so on stderr, once, and still
// prints the matches (exit 0).
func TestPrintHintsTheExactForm(t *testing.T) {
	_, stderr, code, _ := headless(t, demoData(), nil, "--print", "jsonl", "--region", "eu-west-1", "--since", "2d", "--filter", "event:RunInstances")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if want := "lazytrail: event:RunInstances scans the whole range; event=RunInstances asks the API\n"; stderr != want {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
	if _, stderr, _, _ := headless(t, demoData(), nil, "--print", "jsonl", "--region", "eu-west-1", "--since", "2d", "--filter", "event:Run"); stderr != "" {
		t.Errorf("a prefix that is no whole name got a hint: %q", stderr)
	}
}

// TestPrintAsksForItsOwnBudget: --print opens its stream with its own
// read-ahead budget (Request.Budget), not the source's default that the
// TUI's lookahead uses, and with its filter as Keep.
func TestPrintAsksForItsOwnBudget(t *testing.T) {
	src := &memory.Source{Events: []model.Event{{ID: "a", Time: demoEnd, Raw: `{"eventID":"a"}`}}}
	o, err := parseArgs([]string{"--print", "jsonl", "--user", "x"}, &bytes.Buffer{}, demoEnd)
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	runPrint(context.Background(), o, src, &out, &errOut)
	reqs := src.Requests()
	if len(reqs) != 1 || reqs[0].Budget != printBudget || reqs[0].Keep.IsZero() {
		t.Fatalf("requests %+v, want one with Budget %d and the filter as Keep", reqs, printBudget)
	}
}
