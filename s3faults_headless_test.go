package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"lazytrail/fetch/localtrail/localtest"
	"lazytrail/fetch/trail/s3test"
)

// s3HeadlessEnv points the default chain at endpoint for S3, with static
// credentials (or none), and nothing else from the machine.
func s3HeadlessEnv(t *testing.T, endpoint string, credentials bool) {
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "AWS_") {
			t.Setenv(name, "")
			os.Unsetenv(name)
		}
	}
	dir := t.TempDir()
	env := map[string]string{
		"AWS_ENDPOINT_URL_S3":         endpoint,
		"AWS_REGION":                  "us-east-1",
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_CONFIG_FILE":             dir + "/config",
		"AWS_SHARED_CREDENTIALS_FILE": dir + "/credentials",
	}
	if credentials {
		env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"] = "AKIDTEST", "secret"
	}
	for name, value := range env {
		t.Setenv(name, value)
	}
}

// The real run, --records s3:// --print jsonl, through a proxy that resets
// 10 % of the GETs once, midway through their body, and answers 503
// SlowDown to 30 % of all requests: every record uploaded is printed,
// nothing on stderr, exit 0, within the minute's context.
func TestHeadlessS3UnderResetsAndThrottling(t *testing.T) {
	moto := localtest.Moto(t)
	const acct, files, perFile = "123456789012", 40, 25
	objects := map[string][]byte{}
	end := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	for f := range files {
		region := []string{"eu-west-1", "us-east-1"}[f%2]
		stamp := end.Add(-time.Duration(f/2) * 5 * time.Minute)
		var recs []map[string]any
		for i := range perFile {
			recs = append(recs, map[string]any{"eventVersion": "1.11", "eventID": fmt.Sprintf("h%03d-%03d", f, i),
				"eventTime": stamp.Add(-time.Duration(i) * time.Second).Format(time.RFC3339), "eventName": "GetObject",
				"eventSource": "s3.amazonaws.com", "awsRegion": region, "recipientAccountId": acct,
				"userIdentity": map[string]any{"type": "IAMUser", "userName": "ops"}})
		}
		body, _ := json.Marshal(map[string]any{"Records": recs})
		objects[fmt.Sprintf("AWSLogs/%s/CloudTrail/%s/%s/%s_CloudTrail_%s_%s_%03d.json.gz", acct, region,
			stamp.Format("2006/01/02"), acct, region, stamp.Format("20060102T1504Z"), f)] = s3test.Gzip(body)
	}
	s3test.NewUploader(t, moto, "faulty-trail").Put(t, objects)
	p := s3test.NewProxy(t, moto)
	p.Inject(s3test.FaultRule{Fault: s3test.ResetFault, Op: "GetObject", Rate: 0.10, Once: true})
	p.Inject(s3test.FaultRule{Fault: s3test.SlowDownFault, Rate: 0.30})
	s3HeadlessEnv(t, p.URL, true)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"--records", "s3://faulty-trail", "--print", "jsonl"}, &stdout, &stderr)
	lines := strings.Count(stdout.String(), "\n")
	resets, _ := p.Applied(s3test.ResetFault)
	throttles, _ := p.Applied(s3test.SlowDownFault)
	if code != exitOK || lines != files*perFile || stderr.Len() != 0 {
		t.Fatalf("exit %d, %d records printed of %d uploaded, stderr %q (%d resets, %d throttles injected)",
			code, lines, files*perFile, stderr.String(), resets, throttles)
	}
	if resets == 0 || throttles == 0 {
		t.Fatalf("faults injected: %d resets, %d throttles: the test proves nothing", resets, throttles)
	}
	t.Logf("%d records printed through %d resets and %d throttles, %d requests", lines, resets, throttles, len(p.Requests()))
}

// No credentials anywhere: one line that says so, with the usual hint,
// and exit 1; no request sent.
func TestHeadlessS3WithoutCredentials(t *testing.T) {
	moto := localtest.Moto(t)
	p := s3test.NewProxy(t, moto)
	s3HeadlessEnv(t, p.URL, false)
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"--records", "s3://some-trail", "--print", "jsonl"}, &stdout, &stderr)
	msg := stderr.String()
	if code != exitFailed || strings.Count(msg, "\n") != 1 || !strings.Contains(msg, "no AWS credentials found") ||
		!strings.Contains(msg, "aws configure") || strings.Contains(msg, "bucket name") || strings.Contains(msg, "IMDS") {
		t.Errorf("exit %d, stderr %q: want exit 1 and one line saying there are no credentials", code, msg)
	}
	if n := len(p.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}
