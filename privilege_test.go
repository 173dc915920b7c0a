package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"lazytrail/fetch/localtrail"
	"lazytrail/fetch/localtrail/localtest"
	"lazytrail/fetch/trail/s3test"
	"lazytrail/model"
	"lazytrail/tui"
)

// The credentials every session here runs with: distinctive, so that any
// copy of them in an output is found.
const (
	privAccessKey = "AKIAPRIVTEST7Q3XLAZY"
	privSecret    = "privtest/Secret+Key/9f8e7d6c5b4a3210zyxwQ"
	privToken     = "FwoGZXIvPrivTestSessionToken//lazytrail+0123456789abcdef=="
)

// allowedOperations is the read-only policy lazytrail documents: what it
// sends. LookupEvents sessions use the first three, trail buckets the S3
// ones, the resource ledger's prices pricing:GetProducts.
var (
	allowedOperations = []string{"cloudtrail:LookupEvents", "ec2:DescribeRegions", "s3:GetObject", "s3:ListBucket", "sts:GetCallerIdentity",
		"athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:StopQueryExecution", "glue:GetTable",
		"pricing:GetProducts"}
	lookupOperations = []string{"cloudtrail:LookupEvents", "ec2:DescribeRegions", "sts:GetCallerIdentity"}
	bucketOperations = []string{"s3:GetObject", "s3:ListBucket"}
	// serverSideOperations are in the policy but never sent by lazytrail:
	// S3 checks kms:Decrypt on the caller's behalf for an SSE-KMS trail.
	// Athena, likewise, reads the table's partitions and writes a query's
	// results to the result location with the caller's rights.
	serverSideOperations = []string{"kms:Decrypt", "glue:GetDatabase", "glue:GetPartitions", "s3:GetBucketLocation", "s3:PutObject",
		"s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"}
)

// The README's policy and the allowed set must be the same list, so the
// documentation cannot drift from what the tests enforce.
func TestReadmePolicyIsTheAllowedSet(t *testing.T) {
	actions := readmePolicyActions(t)
	want := slices.Sorted(slices.Values(append(slices.Clone(allowedOperations), serverSideOperations...)))
	if !slices.Equal(actions, want) {
		t.Fatalf("README policy allows %v; the tests enforce %v", actions, want)
	}
}

func readmePolicyActions(t *testing.T) []string {
	t.Helper()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "## Permissions")
	m := regexp.MustCompile("(?s)```json\n(.*?)```").FindStringSubmatch(section)
	if !ok || m == nil {
		t.Fatal("README has no ## Permissions section with a ```json policy")
	}
	var policy struct {
		Statement []struct {
			Effect string
			Action json.RawMessage
		}
	}
	if err := json.Unmarshal([]byte(m[1]), &policy); err != nil {
		t.Fatalf("README policy is not JSON: %v", err)
	}
	var actions []string
	for _, st := range policy.Statement {
		if st.Effect != "Allow" {
			t.Fatalf("README policy has a %q statement", st.Effect)
		}
		var one string
		var many []string
		if json.Unmarshal(st.Action, &one) == nil {
			many = []string{one}
		} else if err := json.Unmarshal(st.Action, &many); err != nil {
			t.Fatalf("README policy Action %s: %v", st.Action, err)
		}
		actions = append(actions, many...)
	}
	sort.Strings(actions)
	return slices.Compact(actions)
}

// recorder is the one endpoint a session talks to (AWS_ENDPOINT_URL): it
// logs the IAM action of every request and passes it on, CloudTrail to a
// local endpoint, EC2 and STS to moto_server, unless a scenario answers
// them itself.
type recorder struct {
	trail *localtrail.Server
	moto  http.Handler
	// athena serves Athena and Glue (athenatest's proxy to moto) when set.
	athena http.Handler
	// answer, when set, may answer a request itself (return true).
	answer func(service string, w http.ResponseWriter) bool

	mu     sync.Mutex
	ops    map[string]int
	leaks  []string // requests that carried the secret key in the clear
	signed []string // access key ids seen in signatures
	tokens []string // session tokens seen
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	service, accessKey := signingScope(r.Header.Get("Authorization"))
	op := service + ":" + operationName(r, body)
	if service == "s3" {
		op = "s3:" + s3Action(r)
	}

	rec.mu.Lock()
	rec.ops[op]++
	rec.signed = append(rec.signed, accessKey)
	rec.tokens = append(rec.tokens, r.Header.Get("X-Amz-Security-Token"))
	if strings.Contains(fmt.Sprint(r.Header)+r.URL.String()+string(body), privSecret) {
		rec.leaks = append(rec.leaks, op)
	}
	answer := rec.answer
	rec.mu.Unlock()

	if answer != nil && answer(service, w) {
		return
	}
	switch {
	case service == "cloudtrail" || service == "pricing":
		// The local endpoint answers the Price List's GetProducts too.
		rec.trail.ServeHTTP(w, r)
	case (service == "athena" || service == "glue") && rec.athena != nil:
		rec.athena.ServeHTTP(w, r)
	case (service == "ec2" || service == "sts" || service == "s3") && rec.moto != nil:
		rec.moto.ServeHTTP(w, r)
	default:
		http.Error(w, "not served by this test", http.StatusBadRequest)
	}
}

func (rec *recorder) operations() map[string]int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return maps.Clone(rec.ops)
}

// s3Action is the IAM action an S3 REST request needs: listings need
// s3:ListBucket, reading an object (or its head) s3:GetObject; anything
// else is named by its operation, which no policy here allows.
func s3Action(r *http.Request) string {
	switch op := s3test.Classify(r).Op; op {
	case "ListObjectsV2", "ListObjects":
		return "ListBucket"
	case "GetObject", "HeadObject":
		return "GetObject"
	default:
		return op
	}
}

// signingScope reads the service and access key id from a SigV4
// Authorization header ("AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request, …").
func signingScope(auth string) (service, accessKey string) {
	_, rest, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return "unsigned", ""
	}
	scope, _, _ := strings.Cut(rest, ",")
	parts := strings.Split(scope, "/")
	if len(parts) != 5 {
		return "unsigned", ""
	}
	return parts[3], parts[0]
}

// operationName is the operation of a JSON-protocol request (X-Amz-Target)
// or of a query-protocol one (Action=, in the form body or the URL); any
// other request is named by its method and path, which no policy allows.
func operationName(r *http.Request, body []byte) string {
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		return target[strings.LastIndex(target, ".")+1:]
	}
	if form, err := url.ParseQuery(string(body)); err == nil && form.Get("Action") != "" {
		return form.Get("Action")
	}
	if action := r.URL.Query().Get("Action"); action != "" {
		return action
	}
	return r.Method + " " + r.URL.Path
}

// session is one run of lazytrail against a fresh recorder.
type session struct {
	rec            *recorder
	url            string
	code           int
	stdout, stderr string
}

// privilegeEnv points the default credential chain and every AWS service
// at endpoint, with the test's credentials and nothing from the machine.
func privilegeEnv(t *testing.T, endpoint string) {
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "AWS_") {
			t.Setenv(name, "")
			os.Unsetenv(name)
		}
	}
	empty := func(name string) string {
		p := t.TempDir() + "/" + name
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for name, value := range map[string]string{
		"AWS_ENDPOINT_URL":            endpoint,
		"AWS_ACCESS_KEY_ID":           privAccessKey,
		"AWS_SECRET_ACCESS_KEY":       privSecret,
		"AWS_SESSION_TOKEN":           privToken,
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_CONFIG_FILE":             empty("config"),
		"AWS_SHARED_CREDENTIALS_FILE": empty("credentials"),
	} {
		t.Setenv(name, value)
	}
}

// privilegeEvents are a few recent events in three regions, one of them a
// global-service event in us-east-1.
func privilegeEvents(t *testing.T, now time.Time) []model.Event {
	t.Helper()
	var events []model.Event
	for i, r := range []struct{ region, name, source, user string }{
		{"eu-west-1", "StopInstances", "ec2.amazonaws.com", "skeddly-priv"},
		{"us-east-1", "CreateUser", "iam.amazonaws.com", "adam"},
		{"ap-southeast-2", "RunInstances", "ec2.amazonaws.com", "adam"},
	} {
		raw := fmt.Sprintf(`{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/%s","accountId":"123456789012","accessKeyId":"AKIAEVENTKEY0000000%d","userName":"%s"},"eventTime":"%s","eventSource":"%s","eventName":"%s","awsRegion":"%s","sourceIPAddress":"203.0.113.7","userAgent":"aws-cli/2","eventID":"priv-event-%d","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management"}`,
			r.user, i, r.user, now.Add(-time.Duration(10+i)*time.Minute).Format(time.RFC3339), r.source, r.name, r.region, i)
		e, err := model.FromRecord(raw)
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, e)
	}
	return events
}

// newRecorder starts a recorder in front of a fresh local endpoint and, when
// motoURL is set, moto_server.
func newRecorder(t *testing.T, motoURL string) (*recorder, string) {
	return newRecorderOf(t, motoURL, privilegeEvents(t, time.Now().UTC()))
}

// newRecorderOf is newRecorder serving events.
func newRecorderOf(t *testing.T, motoURL string, events []model.Event) (*recorder, string) {
	trail := localtrail.New(localtrail.NewDataset(events), localtrail.Options{Quota: -1})
	rec := &recorder{trail: trail, ops: map[string]int{}}
	if motoURL != "" {
		u, err := url.Parse(motoURL)
		if err != nil {
			t.Fatal(err)
		}
		rec.moto = httputil.NewSingleHostReverseProxy(u)
	}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	return rec, srv.URL
}

// runHeadless runs the whole program as a user would, through run().
func runHeadless(t *testing.T, rec *recorder, endpoint string, args ...string) session {
	privilegeEnv(t, endpoint)
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	code := run(ctx, args, &stdout, &stderr)
	return session{rec: rec, url: endpoint, code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// checkNoCredentials fails if any output carries the secret key or the
// session token, in the clear or URL-encoded, or the access key id.
func checkNoCredentials(t *testing.T, what string, outputs ...string) {
	t.Helper()
	for _, out := range outputs {
		for name, secret := range map[string]string{"secret key": privSecret, "session token": privToken, "access key id": privAccessKey} {
			if strings.Contains(out, secret) || strings.Contains(out, url.QueryEscape(secret)) {
				t.Errorf("%s: the %s appears in the output:\n%s", what, name, out)
			}
		}
	}
}

// checkWithinPolicy fails on any operation outside the policy, on any
// request that carried the secret, and on a request signed with anything
// but the session's credentials (which would make the rest meaningless).
func checkWithinPolicy(t *testing.T, rec *recorder) map[string]int {
	t.Helper()
	ops := rec.operations()
	for op := range ops {
		if !slices.Contains(allowedOperations, op) {
			t.Errorf("operation %s is outside the read-only policy %v (all: %v)", op, allowedOperations, ops)
		}
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.leaks) > 0 {
		t.Errorf("requests carried the secret key: %v", rec.leaks)
	}
	for i, key := range rec.signed {
		if key != privAccessKey || rec.tokens[i] != privToken {
			t.Errorf("a request was signed as %q with token %q, not with the session's credentials", key, rec.tokens[i])
			break
		}
	}
	return ops
}

func checkAllExercised(t *testing.T, ops map[string]int, want []string) {
	t.Helper()
	for _, op := range want {
		if ops[op] == 0 {
			t.Errorf("%s was never called (recorded: %v): the session did not run in full", op, ops)
		}
	}
}

// TestLeastPrivilege records every request of whole sessions, headless and
// in the TUI, healthy and failing, against one moto_server (it takes
// seconds to start).
func TestLeastPrivilege(t *testing.T) {
	motoURL := ""
	if _, err := exec.LookPath("moto_server"); err == nil {
		motoURL = localtest.Moto(t)
	}
	t.Run("headless", func(t *testing.T) { needMoto(t, motoURL); leastPrivilegeHeadless(t, motoURL) })
	t.Run("tui", func(t *testing.T) { needMoto(t, motoURL); leastPrivilegeTUI(t, motoURL) })
	t.Run("trail bucket", func(t *testing.T) { needMoto(t, motoURL); leastPrivilegeBucket(t, motoURL) })
	t.Run("resource ledger", func(t *testing.T) { needMoto(t, motoURL); leastPrivilegeLedger(t, motoURL) })
	leastPrivilegeFailures(t, motoURL)
}

// needMoto skips a session that needs EC2 and STS when moto_server is not
// installed: it is a Python package Debian does not ship, so CI may lack it.
func needMoto(t *testing.T, motoURL string) {
	if motoURL == "" {
		t.Skip("moto_server is not on PATH (pip install 'moto[server]'): this session needs its EC2 and STS")
	}
}

// A full headless session — credentials from the environment, STS, region
// discovery over EC2, every region paged — sends only what the policy
// allows, uses each of its three actions, and never prints a credential.
func leastPrivilegeHeadless(t *testing.T, motoURL string) {
	rec, endpoint := newRecorder(t, motoURL)
	s := runHeadless(t, rec, endpoint, "--print", "jsonl", "--since", "1h", "--rate", "50")
	if s.code != exitOK || s.stderr != "" {
		t.Fatalf("exit %d, stderr:\n%s", s.code, s.stderr)
	}
	for i := range 3 {
		if !strings.Contains(s.stdout, fmt.Sprintf(`"eventID":"priv-event-%d"`, i)) {
			t.Errorf("event priv-event-%d missing from the output:\n%s", i, s.stdout)
		}
	}
	ops := checkWithinPolicy(t, rec)
	checkAllExercised(t, ops, lookupOperations)
	checkNoCredentials(t, "headless session", s.stdout, s.stderr)
	if ops["cloudtrail:LookupEvents"] < 3 {
		t.Errorf("only %d LookupEvents calls: the discovered regions were not all paged", ops["cloudtrail:LookupEvents"])
	}
	t.Logf("recorded: %v", ops)
}

// The TUI path: the same source run() opens, the app on a virtual
// terminal, until the events are on screen.
func leastPrivilegeTUI(t *testing.T, motoURL string) {
	rec, endpoint := newRecorder(t, motoURL)
	privilegeEnv(t, endpoint)
	now := time.Now().UTC()
	o, err := parseArgs([]string{"--since", "1h", "--rate", "50"}, io.Discard, now)
	if err != nil {
		t.Fatal(err)
	}
	src, err := openSource(t.Context(), o)
	if err != nil {
		t.Fatalf("openSource: %v", err)
	}
	defer src.Close()
	account, notice := src.Label()
	checkNoCredentials(t, "account name", account, notice)
	app := tui.New(tui.Config{Source: src, Filter: o.filterText()})
	tm := teatest.NewTestModel(t, app, teatest.WithInitialTermSize(160, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	var screen bytes.Buffer
	teatest.WaitFor(t, tm.Output(), func(out []byte) bool {
		screen.Write(out)
		return bytes.Contains(screen.Bytes(), []byte("RunInstances")) && bytes.Contains(screen.Bytes(), []byte("CreateUser"))
	}, teatest.WithDuration(30*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	final := tm.FinalModel(t).(*tui.App)
	final.Close()
	rest, _ := io.ReadAll(tm.FinalOutput(t))
	checkNoCredentials(t, "TUI screen", screen.String(), string(rest), final.View().Content)

	ops := checkWithinPolicy(t, rec)
	checkAllExercised(t, ops, lookupOperations)
	t.Logf("recorded: %v", ops)
}

// Failures: whatever goes wrong, the message names it without a
// credential, and the session still stays within the policy.
func leastPrivilegeFailures(t *testing.T, motoURL string) {
	stsError := func(code, message string) func(string, http.ResponseWriter) bool {
		return func(service string, w http.ResponseWriter) bool {
			if service != "sts" {
				return false
			}
			w.Header().Set("Content-Type", "text/xml")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>4e1a9c1e-0000-4000-8000-000000000001</RequestId></ErrorResponse>`, code, message)
			return true
		}
	}
	ec2Denied := func(service string, w http.ResponseWriter) bool {
		if service != "ec2" {
			return false
		}
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/adam is not authorized to perform: ec2:DescribeRegions</Message></Error></Errors><RequestID>4e1a9c1e-0000-4000-8000-000000000002</RequestID></Response>`)
		return true
	}
	cases := []struct {
		name     string
		needMoto bool
		setup    func(*recorder)
		endpoint func(recorderURL string) string
		code     int
		stderr   string // a word the one-line cause must contain
	}{
		{name: "expired session token", setup: func(r *recorder) {
			r.answer = stsError("ExpiredToken", "The security token included in the request is expired")
		}, code: exitFailed, stderr: "expired"},
		{name: "invalid credentials", setup: func(r *recorder) {
			r.answer = stsError("InvalidClientTokenId", "The security token included in the request is invalid.")
		}, code: exitFailed, stderr: "access keys are wrong"},
		{name: "unreachable endpoint", endpoint: func(string) string { return localtest.ClosedURL(t) }, code: exitFailed, stderr: "lazytrail:"},
		{name: "denied region", needMoto: true, setup: func(r *recorder) {
			r.trail.SetFault("eu-west-1", localtrail.Fault{AccessDenied: true})
		}, code: exitPartial, stderr: "eu-west-1"},
		{name: "unrecognized client in a region", needMoto: true, setup: func(r *recorder) {
			r.trail.SetFault("ap-southeast-2", localtrail.Fault{UnrecognizedClient: true})
		}, code: exitPartial, stderr: "ap-southeast-2"},
		{name: "DescribeRegions denied", needMoto: true, setup: func(r *recorder) { r.answer = ec2Denied }, code: exitOK, stderr: "could not list"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.needMoto {
				needMoto(t, motoURL)
			}
			rec, endpoint := newRecorder(t, motoURL)
			if c.setup != nil {
				c.setup(rec)
			}
			if c.endpoint != nil {
				endpoint = c.endpoint(endpoint)
			}
			s := runHeadless(t, rec, endpoint, "--print", "jsonl", "--since", "1h", "--rate", "50")
			if s.code != c.code || !strings.Contains(s.stderr, c.stderr) {
				t.Errorf("exit %d, stderr %q; want exit %d naming %q", s.code, s.stderr, c.code, c.stderr)
			}
			if c.code == exitFailed && (strings.Count(s.stderr, "\n") != 1 || s.stdout != "") {
				t.Errorf("a failed start should say one line and print nothing; stdout %q stderr %q", s.stdout, s.stderr)
			}
			checkNoCredentials(t, c.name, s.stdout, s.stderr)
			ops := checkWithinPolicy(t, rec)
			t.Logf("exit %d, recorded %v, stderr: %s", s.code, ops, strings.TrimSpace(s.stderr))
		})
	}
}

// A headless run over a trail bucket (--records s3://…) sends only the S3
// reads of the policy, and both of them.
func leastPrivilegeBucket(t *testing.T, motoURL string) {
	now := time.Now().UTC()
	up := s3test.NewUploader(t, motoURL, "priv-trail")
	objects := map[string][]byte{}
	for i, e := range privilegeEvents(t, now) {
		key := fmt.Sprintf("AWSLogs/123456789012/CloudTrail/%s/%s/123456789012_CloudTrail_%s_%s_priv%d.json.gz",
			e.Region, e.Time.Format("2006/01/02"), e.Region, e.Time.Add(5*time.Minute).Format("20060102T1504Z"), i)
		objects[key] = s3test.Gzip([]byte(`{"Records":[` + e.Raw + `]}`))
	}
	up.Put(t, objects)
	rec, endpoint := newRecorder(t, motoURL)
	s := runHeadless(t, rec, endpoint, "--records", "s3://priv-trail", "--print", "jsonl")
	if s.code != exitOK || s.stderr != "" {
		t.Fatalf("exit %d, stderr:\n%s", s.code, s.stderr)
	}
	for i := range 3 {
		if !strings.Contains(s.stdout, fmt.Sprintf(`"eventID":"priv-event-%d"`, i)) {
			t.Errorf("event priv-event-%d missing from the output:\n%s", i, s.stdout)
		}
	}
	ops := checkWithinPolicy(t, rec)
	checkAllExercised(t, ops, bucketOperations)
	checkNoCredentials(t, "bucket session", s.stdout, s.stderr)
	t.Logf("recorded: %v", ops)
}

// privilegeLedgerEvents are the calls of a resource ledger with a price to
// find: an instance launched and still running, a volume created.
func privilegeLedgerEvents(t *testing.T, now time.Time) []model.Event {
	t.Helper()
	var events []model.Event
	for i, r := range []struct{ region, name, response string }{
		{"eu-west-1", "RunInstances", `{"instancesSet":{"items":[{"instanceId":"i-0priv0000000000001","instanceType":"t3.medium"}]}}`},
		{"eu-west-1", "CreateVolume", `{"volumeId":"vol-0priv000000000001","size":100,"volumeType":"gp3"}`},
	} {
		raw := fmt.Sprintf(`{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/adam","accountId":"123456789012","accessKeyId":"AKIAEVENTKEY00000000","userName":"adam"},"eventTime":"%s","eventSource":"ec2.amazonaws.com","eventName":"%s","awsRegion":"%s","sourceIPAddress":"203.0.113.7","userAgent":"aws-cli/2","requestParameters":{},"responseElements":%s,"eventID":"priv-ledger-%d","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management"}`,
			now.Add(-time.Duration(30+i)*time.Minute).Format(time.RFC3339), r.name, r.region, r.response, i)
		e, err := model.FromRecord(raw)
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, e)
	}
	return events
}

// The resource ledger headless: LookupEvents as above, and each unit price
// through pricing:GetProducts, the one action the ledger adds; with
// --no-prices not even that, and a denied GetProducts is a note on each
// row, not a failure.
func leastPrivilegeLedger(t *testing.T, motoURL string) {
	for _, c := range []struct {
		name     string
		args     []string
		deny     bool
		pricing  bool   // GetProducts is sent
		costNote string // the instance row's, "" when priced
	}{
		{name: "priced", pricing: true},
		{name: "no prices", args: []string{"--no-prices"}, costNote: "--no-prices"},
		{name: "pricing denied", deny: true, pricing: true, costNote: "no pricing:GetProducts permission"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec, endpoint := newRecorderOf(t, motoURL, privilegeLedgerEvents(t, time.Now().UTC()))
			if c.deny {
				rec.answer = func(service string, w http.ResponseWriter) bool {
					if service != "pricing" {
						return false
					}
					w.Header().Set("Content-Type", "application/x-amz-json-1.1")
					w.WriteHeader(http.StatusBadRequest)
					fmt.Fprint(w, `{"__type":"AccessDeniedException","Message":"User: arn:aws:iam::123456789012:user/adam is not authorized to perform: pricing:GetProducts"}`)
					return true
				}
			}
			t.Setenv("XDG_CACHE_HOME", t.TempDir()) // no price cached before
			s := runHeadless(t, rec, endpoint, append([]string{"--view", "resources", "--print", "jsonl", "--since", "1h", "--rate", "50"}, c.args...)...)
			if s.code != exitOK {
				t.Fatalf("exit %d, stderr:\n%s", s.code, s.stderr)
			}
			lines, err := decodeLedgerLines(s.stdout)
			if err != nil || len(lines) != 2 {
				t.Fatalf("%d rows, %v:\n%s", len(lines), err, s.stdout)
			}
			instance := findLine(lines, "i-0priv0000000000001")
			switch {
			case instance == nil || instance.Size != "t3.medium" || !instance.Alive:
				t.Errorf("the instance's row: %+v", instance)
			case c.costNote == "" && (instance.EstimatedCostUSD == nil || *instance.EstimatedCostUSD <= 0):
				t.Errorf("the instance has no estimate: %+v", instance)
			case c.costNote != "" && (instance.EstimatedCostUSD != nil || !strings.Contains(instance.CostNote, c.costNote)):
				t.Errorf("the instance's estimate %v, note %q; want none, saying %q", instance.EstimatedCostUSD, instance.CostNote, c.costNote)
			}
			if c.deny && (strings.Count(s.stderr, "\n") != 1 || !strings.Contains(s.stderr, "no pricing:GetProducts permission")) {
				t.Errorf("a denied Price List is one line on stderr naming the permission: %q", s.stderr)
			}
			ops := checkWithinPolicy(t, rec)
			checkAllExercised(t, ops, lookupOperations)
			if sent := ops["pricing:GetProducts"] > 0; sent != c.pricing {
				t.Errorf("GetProducts sent: %v, want %v (recorded %v)", sent, c.pricing, ops)
			}
			checkNoCredentials(t, "ledger session", s.stdout, s.stderr)
			t.Logf("recorded: %v; stderr: %s", ops, strings.TrimSpace(s.stderr))
		})
	}
}
