package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"lazytrail/fetch/localtrail"
	"lazytrail/fetch/lookup"
)

// The acceptance stories of issue 10, told to the real binary in tmux at
// 80×24 over a local CloudTrail endpoint with AWS's quota (2 requests/s per
// region) and a latency per region, through --endpoint-url and static
// credentials: the path a real account takes, minus STS (openAccount skips
// it for an endpoint). Every number a story compares with the screen is
// counted here, independently, over the dataset the endpoint serves.
//
// Each full scan of the demo at the quota takes about as long as its
// busiest region's pages (us-east-1: ~184 pages, ~92 s), so the scans run
// side by side, each against an endpoint of its own (its own quota): story
// 1 in one session, stories 2–4 in another, and the headless run of story 4.
func TestTmuxStory(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is not installed; .ci/run installs it")
		}
		t.Skip("tmux is not installed")
	}
	began := time.Now()
	bin := buildBinary(t)
	end := time.Now().UTC().Truncate(time.Minute)
	start := end.Add(-90 * 24 * time.Hour)
	ds := localtrail.Demo(end)
	st := newStoryRig(t, bin, ds, start, end)

	const sgFilter = "event:Authorize,Revoke res:sg-"
	headless := st.headless(sgFilter)

	t.Run("stories", func(t *testing.T) {
		t.Run("1_who_ran_the_most_RunInstances", func(t *testing.T) {
			t.Parallel()
			storyRunInstances(t, st)
		})
		t.Run("2-4_scheduler_security_group_export", func(t *testing.T) {
			t.Parallel()
			s := st.session(t)
			if !t.Run("2_everything_our_scheduler_did", func(t *testing.T) { storyScheduler(s.on(t), st) }) {
				t.Skip("story 2 failed: stories 3 and 4 build on its complete scan")
			}
			if !t.Run("3_the_security_group_story", func(t *testing.T) { storySecurityGroup(s.on(t), st, sgFilter) }) {
				t.Skip("story 3 failed: story 4 exports its view")
			}
			t.Run("4_export_equals_headless", func(t *testing.T) { storyExport(s.on(t), st, headless) })
		})
	})
	t.Logf("the stories took %s in all (build included)", time.Since(began).Round(100*time.Millisecond))
}

// storyRig is what the stories share: the binary, the dataset and its range,
// and the command line and environment that reach a local endpoint.
type storyRig struct {
	t          *testing.T
	bin        string
	ds         *localtrail.Dataset
	start, end time.Time
	env        []string // the AWS part of the environment
}

func newStoryRig(t *testing.T, bin string, ds *localtrail.Dataset, start, end time.Time) *storyRig {
	dir := t.TempDir()
	cfg, creds := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	for _, f := range []string{cfg, creds} {
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return &storyRig{t: t, bin: bin, ds: ds, start: start, end: end, env: []string{
		"AWS_ACCESS_KEY_ID=AKIDSTORYTEST",
		"AWS_SECRET_ACCESS_KEY=story-test-secret",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=" + cfg,
		"AWS_SHARED_CREDENTIALS_FILE=" + creds,
	}}
}

// endpoint serves the dataset on a port of its own, with AWS's quota and
// the demo's latency per region.
func (st *storyRig) endpoint(t *testing.T) string {
	srv := localtrail.New(st.ds, localtrail.Options{Quota: 2})
	for i, r := range slices.Sorted(slices.Values(localtrail.DemoRegions)) {
		srv.SetLatency(r, lookup.DemoLatency(i))
	}
	url, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return url
}

// args is the command line of every run: the endpoint, every demo region
// and the dataset's range.
func (st *storyRig) args(url string) []string {
	return []string{"--endpoint-url", url, "--region", strings.Join(localtrail.DemoRegions, ","),
		"--since", st.start.Format(time.RFC3339), "--until", st.end.Format(time.RFC3339)}
}

// unsetAWS are variables of the test's own environment that would change
// which credentials or endpoint the binary uses.
var unsetAWS = []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN",
	"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_CLOUDTRAIL", "AWS_CA_BUNDLE"}

// storySession is a tmux session running the TUI in a directory of its
// own (where e writes), bound to the test that drives it at the moment.
type storySession struct {
	*tmuxSession
	dir string
}

func (st *storyRig) session(t *testing.T) *storySession {
	url := st.endpoint(t)
	dir := t.TempDir()
	// tmux's server inherits the test's environment; env -u takes out
	// what would change the credentials, -e sets the rest.
	cmd := []string{"cd", shellQuote(dir), "&&", "exec", "env"}
	for _, v := range unsetAWS {
		cmd = append(cmd, "-u", v)
	}
	cmd = append(cmd, shellQuote(st.bin))
	for _, a := range st.args(url) {
		cmd = append(cmd, shellQuote(a))
	}
	s := startTmux(t, 80, 24, append([]string{"TERM=xterm-256color"}, st.env...), cmd...)
	return &storySession{tmuxSession: s, dir: dir}
}

// on rebinds the session to a subtest, so that its failures are that
// test's (t.Fatal must run on the test's own goroutine).
func (s *storySession) on(t *testing.T) *storySession {
	ts := *s.tmuxSession
	ts.t = t
	return &storySession{tmuxSession: &ts, dir: s.dir}
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// headlessRun is the outcome of one --print run.
type headlessRun struct {
	stdout, stderr []byte
	err            error
}

// headless starts `--print jsonl --filter filter` against an endpoint of
// its own, at once, so that its scan runs beside the TUI's.
func (st *storyRig) headless(filter string) <-chan headlessRun {
	url := st.endpoint(st.t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	st.t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, st.bin, append([]string{"--print", "jsonl", "--filter", filter}, st.args(url)...)...)
	cmd.Dir = st.t.TempDir()
	for _, kv := range os.Environ() {
		if !slices.Contains(unsetAWS, strings.SplitN(kv, "=", 2)[0]) {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, st.env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	done := make(chan headlessRun, 1)
	if err := cmd.Start(); err != nil {
		done <- headlessRun{err: err}
		return done
	}
	go func() {
		err := cmd.Wait()
		done <- headlessRun{stdout: stdout.Bytes(), stderr: stderr.Bytes(), err: err}
	}()
	return done
}

// events is the independent truth: the dataset's events in the range
// that pred selects, read region by region (not through the filter).
func (st *storyRig) events(pred func(e *eventView) bool) []eventView {
	var out []eventView
	for _, r := range st.ds.Regions() {
		evs := st.ds.Events(r)
		for i := range evs {
			e := &evs[i]
			if e.Time.Before(st.start) || e.Time.After(st.end) {
				continue
			}
			v := eventView{name: e.Name, user: lookupUsername(e.Identity.Type, e.Identity.ARN, e.Identity.UserName), region: r}
			for _, res := range e.Resources {
				v.resources = append(v.resources, res.Name)
			}
			if pred(&v) {
				out = append(out, v)
			}
		}
	}
	return out
}

// lookupUsername is the user name LookupEvents reports, as the README
// describes it, derived here from the record's identity rather than taken
// from the code under test: the session name of an assumed role (the last
// part of its ARN), "root" for the root user, else the recorded userName.
func lookupUsername(typ, arn, userName string) string {
	switch typ {
	case "Root":
		return "root"
	case "AssumedRole":
		if i := strings.Index(arn, ":assumed-role/"); i >= 0 {
			parts := strings.Split(arn[i+len(":assumed-role/"):], "/")
			if len(parts) >= 2 {
				return parts[len(parts)-1]
			}
		}
	}
	return userName
}

// eventView is the little of an event the stories' predicates read.
type eventView struct {
	name, user, region string
	resources          []string
}

// waitLong is waitFor with a deadline that fits a scan of the whole range
// at the quota; it still asserts nothing about how long it took.
func (s *storySession) waitLong(what string, cond func(screen string) bool) string {
	s.t.Helper()
	deadline := time.Now().Add(5 * time.Minute)
	var screen string
	for time.Now().Before(deadline) {
		if screen = s.screen(); cond(screen) {
			return screen
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("waiting for %s; the screen is:\n%s", what, screen)
	return ""
}

// fits checks the screen is the terminal's: 24 lines, none wider than 80.
func (s *storySession) fits(screen, when string) {
	s.t.Helper()
	lines := strings.Split(strings.TrimSuffix(screen, "\n"), "\n")
	if len(lines) != 24 {
		s.t.Errorf("%s: %d lines on a 24-row screen:\n%s", when, len(lines), screen)
	}
	for i, l := range lines {
		if n := utf8.RuneCountInString(l); n > 80 {
			s.t.Errorf("%s: line %d is %d cells wide: %q", when, i, n, l)
		}
	}
}

// keystrokes counts what a story sends: a key is one, typed text one per
// character.
type keystrokes struct {
	s *storySession
	n int
}

func (k *keystrokes) keys(keys ...string) { k.s.keys(keys...); k.n += len(keys) }
func (k *keystrokes) text(text string)    { k.s.typeText(text); k.n += utf8.RuneCountInString(text) }

var (
	summaryRow   = regexp.MustCompile(`^\s*(\d+) (.+?)\s+([\d,]+)\s+(\d+\.\d)% `)
	matchesLine  = regexp.MustCompile(`complete · ([\d,]+) of ([\d,]+) loaded match`)
	summaryTitle = regexp.MustCompile(`SUMMARY by user · ([\d,]+) matches, complete`)
	exportedLine = regexp.MustCompile(`wrote ([\d,]+) events \(every match\) to (lazytrail-\d{8}-\d{6}\.jsonl)`)
)

func atoiCommas(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
	if err != nil {
		t.Fatalf("%q is not a count: %v", s, err)
	}
	return n
}

// Story 1: who ran the most RunInstances? `/event:RunI` enter, `L` to scan
// to the end, `s` for the summary, which counts by user first: the users
// and counts on screen are the dataset's, once the summary says complete.
func storyRunInstances(t *testing.T, st *storyRig) {
	s := st.session(t)
	want := map[string]int{}
	total := 0
	for _, e := range st.events(func(e *eventView) bool { return strings.HasPrefix(e.name, "RunI") }) {
		if e.name != "RunInstances" {
			t.Fatalf("event:RunI selects %s too; the story is about RunInstances", e.name)
		}
		want[e.user]++
		total++
	}
	if len(want) == 0 {
		t.Fatal("the demo has no RunInstances")
	}
	s.waitFor("the first events", func(sc string) bool { return len(listRow.FindAllString(sc, -1)) > 10 })

	k := &keystrokes{s: s}
	k.keys("/")
	k.text("event:RunI")
	k.keys("Enter", "L", "s")
	t.Logf("story 1: %d keystrokes from start (/event:RunI enter L s)", k.n)
	if k.n > 16 {
		t.Errorf("story 1 took %d keystrokes, more than 16", k.n)
	}
	screen := s.waitLong("the summary to be complete", func(sc string) bool { return summaryTitle.MatchString(sc) })
	s.fits(screen, "the summary")
	if n := atoiCommas(t, summaryTitle.FindStringSubmatch(screen)[1]); n != total {
		t.Errorf("the summary counts %d matches; the dataset holds %d RunInstances", n, total)
	}
	got := map[string]int{}
	for _, line := range strings.Split(screen, "\n") {
		if m := summaryRow.FindStringSubmatch(line); m != nil {
			got[m[2]] = atoiCommas(t, m[3])
		}
	}
	for user, n := range want {
		if got[user] != n {
			t.Errorf("%s ran %d RunInstances; the summary says %d", user, n, got[user])
		}
	}
	for user, n := range got {
		if _, ok := want[user]; !ok {
			t.Errorf("the summary lists %q with %d, who ran none", user, n)
		}
	}
	t.Logf("story 1: RunInstances by user %v, on screen %v\n%s", want, got, screen)
}

// Story 2: everything our scheduler did. `/skeddly-` enter, then `L`: every
// skeddly- session's event in every region, counted, and complete. The time
// from L to complete is compared with the quota's ceiling, and only logged.
func storyScheduler(s *storySession, st *storyRig) {
	t := s.t
	want := len(st.events(func(e *eventView) bool { return strings.HasPrefix(strings.ToLower(e.user), "skeddly-") }))
	all := len(st.events(func(*eventView) bool { return true }))
	s.waitFor("the first events", func(sc string) bool { return len(listRow.FindAllString(sc, -1)) > 10 })

	k := &keystrokes{s: s}
	k.keys("/")
	k.text("skeddly-")
	k.keys("Enter")
	s.waitFor("only skeddly- rows", func(sc string) bool { return onlyRowsWith(sc, "skeddly-") >= 10 })
	k.keys("L")
	pressed := time.Now()
	t.Logf("story 2: %d keystrokes (/skeddly- enter L)", k.n)
	if k.n > 12 {
		t.Errorf("story 2 took %d keystrokes, more than 12", k.n)
	}
	screen := s.waitLong("the scan to be complete", func(sc string) bool { return matchesLine.MatchString(sc) })
	took := time.Since(pressed)
	s.fits(screen, "the complete skeddly- scan")
	m := matchesLine.FindStringSubmatch(screen)
	if n := atoiCommas(t, m[1]); n != want {
		t.Errorf("the screen counts %d skeddly- events; the dataset holds %d", n, want)
	}
	if n := atoiCommas(t, m[2]); n != all {
		t.Errorf("%d events loaded after the scan to the end; the dataset holds %d", n, all)
	}
	if onlyRowsWith(screen, "skeddly-") < 10 {
		t.Errorf("the list shows other rows than skeddly- sessions:\n%s", screen)
	}

	// The quota's ceiling: the regions page side by side, each at 2
	// requests/s of 50 events, so the busiest region sets it.
	var ceiling time.Duration
	for _, r := range st.ds.Regions() {
		pages := (len(st.ds.Events(r)) + 49) / 50
		ceiling = max(ceiling, time.Duration(pages)*time.Second/2)
	}
	t.Logf("story 2: %d skeddly- events of %d, complete %s after L; the quota's ceiling is %s: %.2f× the ceiling\n%s",
		want, all, took.Round(100*time.Millisecond), ceiling, took.Seconds()/ceiling.Seconds(), screen)
}

// onlyRowsWith returns how many list rows the screen shows, or -1 when one
// of them lacks sub.
func onlyRowsWith(screen, sub string) int {
	rows := 0
	for _, line := range strings.Split(screen, "\n") {
		if listRow.MatchString(line) {
			if !strings.Contains(line, sub) {
				return -1
			}
			rows++
		}
	}
	return rows
}

// Story 3: the security group. Over the scan story 2 completed, the filter
// `event:Authorize,Revoke res:sg-` shows the group opened and closed again
// in one view, and as many events as the dataset holds.
func storySecurityGroup(s *storySession, st *storyRig, filter string) {
	t := s.t
	sg := localtrail.DemoSecurityGroup
	var want, opened, closed int
	for _, e := range st.events(func(e *eventView) bool {
		if !strings.HasPrefix(e.name, "Authorize") && !strings.HasPrefix(e.name, "Revoke") {
			return false
		}
		return slices.ContainsFunc(e.resources, func(r string) bool { return strings.Contains(strings.ToLower(r), "sg-") })
	}) {
		want++
		if slices.Contains(e.resources, sg) {
			switch {
			case strings.HasPrefix(e.name, "Authorize"):
				opened++
			case strings.HasPrefix(e.name, "Revoke"):
				closed++
			}
		}
	}
	if opened == 0 || closed == 0 {
		t.Fatalf("the dataset does not open and close %s (%d, %d)", sg, opened, closed)
	}

	k := &keystrokes{s: s}
	k.keys("/", "C-u") // the bar opens on the current filter; ctrl+u clears it
	k.text(filter)
	k.keys("Enter")
	t.Logf("story 3: %d keystrokes (/ ctrl+u %s enter)", k.n, filter)
	screen := s.waitLong("both the Authorize and the Revoke", func(sc string) bool {
		var a, r bool
		for _, line := range strings.Split(sc, "\n") {
			if listRow.MatchString(line) {
				a = a || strings.Contains(line, "Authorize")
				r = r || strings.Contains(line, "Revoke")
			}
		}
		return a && r && matchesLine.MatchString(sc) && strings.Contains(sc, "filter "+filter)
	})
	s.fits(screen, "the security-group view")
	if n := atoiCommas(t, matchesLine.FindStringSubmatch(screen)[1]); n != want {
		t.Errorf("the screen counts %d events; the dataset holds %d", n, want)
	}
	rows := 0
	for _, line := range strings.Split(screen, "\n") {
		if listRow.MatchString(line) {
			rows++
			if !strings.Contains(line, "Authorize") && !strings.Contains(line, "Revoke") {
				t.Errorf("a row that is neither Authorize nor Revoke: %q", line)
			}
		}
	}
	if rows != want {
		t.Errorf("%d rows on screen; the dataset holds %d", rows, want)
	}
	t.Logf("story 3: %d events (%s opened %d×, closed %d×)\n%s", want, sg, opened, closed, screen)
}

// Story 4: export equals headless. In the security-group view (complete:
// story 2 scanned to the end), `e` writes the view as jsonl in the working
// directory, and the file is byte for byte what --print jsonl writes for
// the same filter and range.
func storyExport(s *storySession, st *storyRig, headless <-chan headlessRun) {
	t := s.t
	k := &keystrokes{s: s}
	k.keys("e")
	t.Logf("story 4: %d keystroke (e)", k.n)
	screen := s.waitLong("the status line naming the file", func(sc string) bool { return exportedLine.MatchString(sc) })
	s.fits(screen, "after the export")
	m := exportedLine.FindStringSubmatch(screen)
	file, err := os.ReadFile(filepath.Join(s.dir, m[2]))
	if err != nil {
		t.Fatalf("the status line names %s: %v", m[2], err)
	}
	if n := atoiCommas(t, m[1]); n != bytes.Count(file, []byte("\n")) {
		t.Errorf("the status line says %d events; the file holds %d lines", n, bytes.Count(file, []byte("\n")))
	}

	run := <-headless
	if run.err != nil {
		t.Fatalf("--print jsonl: %v\n%s", run.err, run.stderr)
	}
	if len(run.stdout) == 0 {
		t.Fatalf("--print jsonl printed nothing\n%s", run.stderr)
	}
	if !bytes.Equal(file, run.stdout) {
		t.Errorf("the export differs from --print jsonl:\nexport (%d bytes):\n%s\nheadless (%d bytes):\n%s",
			len(file), file, len(run.stdout), run.stdout)
	}
	t.Logf("story 4: %s holds %d bytes, the same as --print jsonl", m[2], len(file))
}
