package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --records DIR --since with files named before their records (copies
// named by their first record): records up to 1 h newer than their file's
// name are printed; a file later than that makes a line on stderr naming
// the files not read, and exit 3. A log file named foo.json.gz inside
// AWSLogs/ is read, not ignored.
func TestHeadlessSinceAndLateRecords(t *testing.T) {
	rec := func(id, at string) string {
		return `{"eventVersion":"1.09","eventID":"` + id + `","eventTime":"` + at + `","eventName":"GetObject","eventSource":"s3.amazonaws.com","awsRegion":"eu-west-1","recipientAccountId":"111122223333","userIdentity":{"type":"IAMUser","userName":"ops"}}`
	}
	day := func(dir, d string) string {
		return filepath.Join(dir, "AWSLogs", "111122223333", "CloudTrail", "eu-west-1", "2023", "07", d)
	}
	put := func(t *testing.T, path string, records ...string) {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write([]byte(`{"Records":[` + strings.Join(records, ",") + `]}`))
		zw.Close()
		if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	name := func(stamp string) string { return "111122223333_CloudTrail_eu-west-1_" + stamp + "_x.json.gz" }
	runSince := func(dir string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"--records", dir, "--since", "2023-07-10T00:00:00Z", "--print", "jsonl"}, &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}

	within := t.TempDir()
	put(t, filepath.Join(day(within, "09"), name("20230709T2330Z")), rec("before", "2023-07-09T23:40:00Z"), rec("late-a", "2023-07-10T00:10:00Z"), rec("late-b", "2023-07-10T00:20:00Z"))
	put(t, filepath.Join(day(within, "10"), "foo.json.gz"), rec("foo", "2023-07-10T02:00:00Z"))
	code, out, errs := runSince(within)
	if code != exitOK || errs != "" || strings.Count(out, "\n") != 3 || !strings.Contains(out, `"late-a"`) || !strings.Contains(out, `"foo"`) {
		t.Errorf("within the hour: exit %d, stderr %q, output %q: want exit 0, late-a, late-b and foo", code, errs, out)
	}

	beyond := t.TempDir()
	put(t, filepath.Join(day(beyond, "09"), name("20230709T2200Z")), rec("unread", "2023-07-10T00:30:00Z"))
	put(t, filepath.Join(day(beyond, "09"), name("20230709T2330Z")), rec("late-c", "2023-07-10T01:00:00Z"))
	code, out, errs = runSince(beyond)
	if code != exitPartial || !strings.Contains(out, `"late-c"`) || !strings.Contains(errs, "files named before 2023-07-09T23:00Z") ||
		!strings.Contains(errs, "give an earlier --since") {
		t.Errorf("beyond the hour: exit %d, stderr %q, output %q: want exit 3, late-c, and the files not read named", code, errs, out)
	}
}
