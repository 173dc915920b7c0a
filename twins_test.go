package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Two records with the same eventID and time but different content are
// both printed and named on stderr; the same record delivered twice is
// printed once.
func TestRecordsKeepTwinsAndDropDuplicates(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	stop := `{"eventVersion":"1.10","eventID":"same-id","eventTime":"2024-05-01T12:00:00Z","eventName":"StopLogging","awsRegion":"us-east-1","recipientAccountId":"111122223333"}`
	start := `{"eventVersion":"1.10","eventID":"same-id","eventTime":"2024-05-01T12:00:00Z","eventName":"StartLogging","awsRegion":"us-east-1","recipientAccountId":"111122223333"}`
	other := `{"eventVersion":"1.10","eventID":"other","eventTime":"2024-05-01T11:00:00Z","eventName":"RunInstances","awsRegion":"us-east-1","recipientAccountId":"111122223333"}`
	files := map[string]string{
		"111122223333_CloudTrail_us-east-1_20240501T1205Z_a.json": `{"Records":[` + stop + `,` + other + `]}`,
		"111122223333_CloudTrail_us-east-1_20240501T1210Z_b.json": `{"Records":[` + start + `,` + stop + `]}`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(bin, "--records", dir, "--print", "jsonl")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v; stderr %q", err, stderr.String())
	}
	out := stdout.String()
	if strings.Count(out, "\n") != 3 || strings.Count(out, `"StopLogging"`) != 1 || strings.Count(out, `"StartLogging"`) != 1 {
		t.Errorf("want StopLogging and StartLogging once each and other once, got:\n%s", out)
	}
	if !strings.Contains(stderr.String(), "eventID same-id at 2024-05-01T12:00:00Z: two records with this id and time but different content; both kept") ||
		strings.Count(stderr.String(), "\n") != 1 {
		t.Errorf("stderr should name the twin in one line, got %q", stderr.String())
	}
}
