package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// stdinRecord is one CloudTrail record as a JSON line.
func stdinRecord(id string, t time.Time) string {
	return fmt.Sprintf(`{"eventVersion":"1.10","eventID":%q,"eventTime":%q,"eventName":"RunInstances","awsRegion":"us-east-1","recipientAccountId":"111122223333"}`+"\n", id, t.Format(time.RFC3339))
}

// --records - prints records while standard input is still open, and
// leaves it as it found it: a blocking pipe stays blocking (a pipe left
// non-blocking makes the next reader of the pipeline fail with EAGAIN).
func TestStdinIsStreamedAndLeftBlocking(t *testing.T) {
	bin := buildBinary(t)
	var fds [2]int
	if err := syscall.Pipe2(fds[:], syscall.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	in, feed := os.NewFile(uintptr(fds[0]), "stdin"), os.NewFile(uintptr(fds[1]), "feed")
	defer in.Close()
	defer feed.Close()
	if nonblocking(t, fds[0]) {
		t.Fatal("the test's pipe is non-blocking from the start")
	}

	cmd := exec.Command(bin, "--records", "-", "--print", "jsonl")
	cmd.Stdin = in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	// Newest first, as --print jsonl writes them: the first two are
	// released once an older one arrives, while the pipe is still open.
	base := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	for i, id := range []string{"first", "second", "third"} {
		if _, err := feed.WriteString(stdinRecord(id, base.Add(-time.Duration(i)*time.Minute))); err != nil {
			t.Fatal(err)
		}
	}
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	for _, want := range []string{"first", "second"} {
		select {
		case line := <-lines:
			if !strings.Contains(line, `"eventID":"`+want+`"`) {
				t.Fatalf("printed %q, want the record %q", line, want)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("record %q not printed while stdin is open (stderr %q)", want, stderr.String())
		}
	}
	feed.Close()
	var rest []string
	for line := range lines {
		rest = append(rest, line)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v; stderr %q", err, stderr.String())
	}
	if len(rest) != 1 || !strings.Contains(rest[0], `"eventID":"third"`) {
		t.Errorf("after stdin closed: %q", rest)
	}
	if nonblocking(t, fds[0]) {
		t.Error("lazytrail left its standard input non-blocking")
	}
}

func nonblocking(t *testing.T, fd int) bool {
	t.Helper()
	flags, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_GETFL, 0)
	if errno != 0 {
		t.Fatal(errno)
	}
	return flags&syscall.O_NONBLOCK != 0
}
