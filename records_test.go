package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A folder of log files with a README and a LICENSE beside them: those are
// ignored (not a fault, exit 0), while a corrupt log file is a skip named
// on stderr (exit 3); a record in the year 9999 prints first.
func TestRecordsFolderIgnoresStrangersAndNamesBadFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	rec := func(id, at string) string {
		return `{"eventVersion":"1.09","eventID":"` + id + `","eventTime":"` + at + `","eventName":"RunInstances","eventSource":"ec2.amazonaws.com","awsRegion":"eu-west-1","recipientAccountId":"111122223333","userIdentity":{"type":"IAMUser","userName":"adam","accountId":"111122223333"}}`
	}
	write("README.md", "# our trail copy\n")
	write("LICENSE", "all rights reserved\n")
	write("events.json", `{"Records":[`+rec("far", "9999-12-31T00:00:00Z")+`,`+rec("a", "2024-05-01T10:00:00Z")+`]}`)

	var out, stderr bytes.Buffer
	code := run(context.Background(), []string{"--records", dir, "--print", "jsonl"}, &out, &stderr)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if code != exitOK || stderr.Len() != 0 || len(lines) != 2 || !strings.Contains(lines[0], `"far"`) {
		t.Fatalf("exit %d, stderr %q, output %q: want exit 0, nothing on stderr, the year-9999 record first", code, stderr.String(), out.String())
	}

	write("broken.json", `{"Records":[`+rec("b", "2024-05-01T11:00:00Z"))
	out.Reset()
	stderr.Reset()
	code = run(context.Background(), []string{"--records", dir, "--print", "jsonl"}, &out, &stderr)
	if code != exitPartial || !strings.Contains(stderr.String(), "broken.json") || strings.Contains(stderr.String(), "README") {
		t.Fatalf("exit %d, stderr %q: want exit 3 naming broken.json only", code, stderr.String())
	}

	only := t.TempDir()
	if err := os.WriteFile(filepath.Join(only, "notes.txt"), []byte("hi"), 0o600); err != nil {
		t.Fatal(err)
	}
	stderr.Reset()
	code = run(context.Background(), []string{"--records", only, "--print", "jsonl"}, &out, &stderr)
	if code != exitFailed || !strings.Contains(stderr.String(), "not CloudTrail log files") {
		t.Fatalf("a folder without log files: exit %d, stderr %q", code, stderr.String())
	}
}

// --until alone on --records means everything the files hold up to then,
// however old (it used to fail: "--since … is not before --until", since
// --since defaulted to 90 days back from now).
func TestRecordsUntilWithoutSince(t *testing.T) {
	dir := t.TempDir()
	rec := func(id, at string) string {
		return `{"eventVersion":"1.09","eventID":"` + id + `","eventTime":"` + at + `","eventName":"RunInstances","eventSource":"ec2.amazonaws.com","awsRegion":"eu-west-1","recipientAccountId":"111122223333","userIdentity":{"type":"IAMUser","userName":"adam","accountId":"111122223333"}}`
	}
	body := `{"Records":[` + rec("y2019", "2019-06-01T10:00:00Z") + `,` + rec("y2020", "2020-06-01T10:00:00Z") + `,` + rec("y2021", "2021-06-01T10:00:00Z") + `]}`
	if err := os.WriteFile(filepath.Join(dir, "events.json"), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, stderr bytes.Buffer
	code := run(context.Background(), []string{"--records", dir, "--until", "2021-01-01", "--print", "jsonl"}, &out, &stderr)
	got := strings.Count(out.String(), "\n")
	if code != exitOK || stderr.Len() != 0 || got != 2 || !strings.Contains(out.String(), `"y2019"`) || strings.Contains(out.String(), `"y2021"`) {
		t.Fatalf("exit %d, stderr %q, %d records %q: want exit 0 and the two records before 2021", code, stderr.String(), got, out.String())
	}
}
