package main

import (
	"bytes"
	"context"
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
