package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// fullAfter accepts its first limit bytes, then fails as a full disk does.
type fullAfter struct {
	buf   bytes.Buffer
	limit int
}

func (f *fullAfter) Write(p []byte) (int, error) {
	room := f.limit - f.buf.Len()
	if room >= len(p) {
		return f.buf.Write(p)
	}
	f.buf.Write(p[:max(room, 0)])
	return max(room, 0), &os.PathError{Op: "write", Path: "/dev/stdout", Err: syscall.ENOSPC}
}

// writeRecordsFolder writes n records in one log file and returns the folder.
func writeRecordsFolder(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`{"Records":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"eventVersion":"1.09","eventID":"ev-%06d","eventTime":"2024-05-01T10:%02d:%02dZ","eventName":"RunInstances","eventSource":"ec2.amazonaws.com","awsRegion":"eu-west-1","recipientAccountId":"111122223333","userAgent":"%s","userIdentity":{"type":"IAMUser","userName":"adam","accountId":"111122223333"}}`,
			i, i/60%60, i%60, strings.Repeat("x", 200))
	}
	b.WriteString(`]}`)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "events.json"), []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// A disk that fills up mid-run: stderr says how many events reached the
// output whole, which is the count of complete lines among the bytes the
// disk took (an independent count over the same run's full output).
func TestPrintSaysHowManyEventsWereWritten(t *testing.T) {
	dir := writeRecordsFolder(t, 3000)
	args := []string{"--records", dir, "--print", "jsonl"}
	var full, stderr bytes.Buffer
	if code := run(context.Background(), args, &full, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, limit := range []int{0, 1000, 100_000, 300_000, 65536 + 17} {
		out := &fullAfter{limit: limit}
		stderr.Reset()
		code := run(context.Background(), args, out, &stderr)
		want := bytes.Count(full.Bytes()[:limit], []byte("\n"))
		msg := stderr.String()
		if code != exitPartial || strings.Count(msg, "\n") != 1 || !strings.Contains(msg, fmt.Sprintf("no space left on device; %d of the ", want)) {
			t.Errorf("disk full after %d bytes: exit %d, stderr %q, want %d events written", limit, code, msg, want)
		}
	}
}

// The real binary printing to /dev/full: one line on stderr saying that
// no event was written, and exit 3.
func TestPrintToDevFull(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full here")
	}
	dir := writeRecordsFolder(t, 3000)
	bin := buildBinary(t)
	devFull, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip(err)
	}
	defer devFull.Close()
	cmd := exec.Command(bin, "--records", dir, "--print", "jsonl")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = devFull, &stderr
	err = cmd.Run()
	code := cmd.ProcessState.ExitCode()
	msg := stderr.String()
	if code != exitPartial || strings.Count(msg, "\n") != 1 ||
		!strings.HasPrefix(msg, "lazytrail: cannot write the output: no space left on device; 0 of the ") {
		t.Fatalf("exit %d (%v), stderr %q: want exit 3 and one line saying 0 events were written", code, err, msg)
	}
	t.Log(strings.TrimSpace(msg))
}

// csv carries the user agent, the identity's ARN and the access key id
// beside the other columns (the TUI's E writes the same rows): each row
// equals what the record itself says, read here with encoding/json.
func TestPrintCSVCarriesAgentARNAndKey(t *testing.T) {
	ds := demoData()
	args := []string{"--region", "eu-west-1", "--since", "2d"}
	jsonl, stderr, code, _ := headless(t, ds, nil, append([]string{"--print", "jsonl"}, args...)...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	type fields struct{ agent, arn, key string }
	want := map[string]fields{}
	for _, line := range strings.Split(strings.TrimSpace(jsonl), "\n") {
		var rec struct {
			EventID      string `json:"eventID"`
			UserAgent    string `json:"userAgent"`
			UserIdentity struct {
				ARN         string `json:"arn"`
				AccessKeyID string `json:"accessKeyId"`
			} `json:"userIdentity"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		want[rec.EventID] = fields{rec.UserAgent, rec.UserIdentity.ARN, rec.UserIdentity.AccessKeyID}
	}
	out, _, _, _ := headless(t, ds, nil, append([]string{"--print", "csv"}, args...)...)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	for _, name := range []string{"user_agent", "identity_arn", "access_key_id", "event_id"} {
		if _, ok := col[name]; !ok {
			t.Fatalf("no %s column in %q", name, rows[0])
		}
	}
	withKey := 0
	for _, row := range rows[1:] {
		w, ok := want[row[col["event_id"]]]
		got := fields{row[col["user_agent"]], row[col["identity_arn"]], row[col["access_key_id"]]}
		if !ok || got != w {
			t.Errorf("event %s: csv %+v, record %+v", row[col["event_id"]], got, w)
		}
		if got.key != "" && got.arn != "" && got.agent != "" {
			withKey++
		}
	}
	if len(rows)-1 != len(want) || withKey == 0 {
		t.Errorf("%d csv rows, %d records, %d with all three fields", len(rows)-1, len(want), withKey)
	}
}
