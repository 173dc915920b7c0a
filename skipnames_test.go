package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// 450 corrupt log files in one partition (more than the 200 a partition's
// progress keeps): --print names every one on stderr, with no "skipped N
// more" in place of names, and exits 3.
func TestPrintNamesEverySkippedFile(t *testing.T) {
	dir := t.TempDir()
	day := filepath.Join(dir, "AWSLogs", "111122223333", "CloudTrail", "eu-west-1", "2024", "05", "01")
	if err := os.MkdirAll(day, 0o755); err != nil {
		t.Fatal(err)
	}
	name := func(i int) string {
		return fmt.Sprintf("111122223333_CloudTrail_eu-west-1_20240501T%02d%02dZ_bad%03d.json.gz", i/60%24, i%60, i)
	}
	const bad = 450
	for i := range bad {
		if err := os.WriteFile(filepath.Join(day, name(i)), []byte("not gzip at all"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	good := `{"Records":[{"eventVersion":"1.09","eventID":"good","eventTime":"2024-05-01T23:58:00Z","eventName":"RunInstances","eventSource":"ec2.amazonaws.com","awsRegion":"eu-west-1","recipientAccountId":"111122223333","userIdentity":{"type":"IAMUser","userName":"adam"}}]}`
	if err := os.WriteFile(filepath.Join(day, "111122223333_CloudTrail_eu-west-1_20240501T2359Z_good.json"), []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, stderr bytes.Buffer
	code := run(context.Background(), []string{"--records", dir, "--print", "jsonl"}, &out, &stderr)
	if code != exitPartial || !strings.Contains(out.String(), `"good"`) {
		t.Fatalf("exit %d, output %q: want exit 3 and the good record", code, out.String())
	}
	text := stderr.String()
	missing := 0
	for i := range bad {
		if !strings.Contains(text, name(i)) {
			missing++
		}
	}
	if missing > 0 || strings.Contains(text, " more in ") {
		t.Errorf("%d of the %d skipped files not named on stderr:\n%s", missing, bad, text[max(0, len(text)-600):])
	}
	if n := strings.Count(text, "lazytrail: skipped "); n != bad {
		t.Errorf("%d skip lines, want one for each of the %d files", n, bad)
	}
}
