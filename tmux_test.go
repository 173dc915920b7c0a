package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// tmuxSession drives the real lazytrail binary inside tmux, as a person at
// a terminal would: keys in with send-keys, the screen out with capture-pane.
type tmuxSession struct {
	t      *testing.T
	socket string
	name   string
}

// buildBinary compiles lazytrail once per test run.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "lazytrail")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// tmuxServers numbers the tmux servers a test run starts.
var tmuxServers atomic.Int64

func startTmux(t *testing.T, width, height int, env []string, command ...string) *tmuxSession {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is not installed; .ci/run installs it")
		}
		t.Skip("tmux is not installed")
	}
	// A server of its own for each session: with one server shared, the
	// cleanup of one test's session (its last) stops the server while the
	// next test's new-session is connecting ("server exited unexpectedly").
	s := &tmuxSession{t: t, socket: fmt.Sprintf("lazytrail-test-%d-%d", os.Getpid(), tmuxServers.Add(1)), name: strings.ReplaceAll(t.Name(), "/", "-")}
	args := []string{"new-session", "-d", "-s", s.name, "-x", fmt.Sprint(width), "-y", fmt.Sprint(height)}
	for _, e := range env {
		args = append(args, "-e", e)
	}
	s.tmux(append(args, strings.Join(command, " "))...)
	s.tmux("set-option", "-t", s.name, "remain-on-exit", "on")
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	return s
}

func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", s.socket, "-f", "/dev/null"}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %q: %v: %s", args, err, out)
	}
	return string(out)
}

func (s *tmuxSession) keys(keys ...string) {
	s.tmux(append([]string{"send-keys", "-t", s.name}, keys...)...)
}

// typeText sends text literally, one key per character, as typing does.
func (s *tmuxSession) typeText(text string) { s.tmux("send-keys", "-t", s.name, "-l", text) }

func (s *tmuxSession) screen() string { return s.tmux("capture-pane", "-p", "-t", s.name) }

func (s *tmuxSession) value(format string) string {
	return strings.TrimSpace(s.tmux("display-message", "-p", "-t", s.name, format))
}

// waitFor polls the screen until cond holds. The deadline only bounds a
// broken run; nothing is asserted about how long it took.
func (s *tmuxSession) waitFor(what string, cond func(screen string) bool) string {
	s.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var screen string
	for time.Now().Before(deadline) {
		screen = s.screen()
		if cond(screen) {
			return screen
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("waiting for %s; the screen is:\n%s", what, screen)
	return ""
}

// exitStatus waits for the program to end and returns its exit status, as
// the shell that tmux started recorded it in a file (tmux's own
// pane_dead_status is sometimes left empty).
func (s *tmuxSession) exitStatus(statusFile string) string {
	s.t.Helper()
	var status string
	s.waitFor("the program to exit", func(string) bool {
		b, err := os.ReadFile(statusFile)
		status = strings.TrimSpace(string(b))
		return err == nil && status != ""
	})
	return status
}

func contains(sub string) func(string) bool {
	return func(screen string) bool { return strings.Contains(screen, sub) }
}

var listRow = regexp.MustCompile(`\d\d:\d\d:\d\d`)

// The whole story at 80×24, through the real binary, the in-process local
// endpoint and the real SDK: start the demo, filter on skeddly-, open one,
// read who did it and the raw record, quit, and find the terminal restored.
func TestTmuxDemoStory(t *testing.T) {
	bin := buildBinary(t)
	statusFile := filepath.Join(t.TempDir(), "status")
	s := startTmux(t, 80, 24, []string{"TERM=xterm-256color"}, bin, "--demo", "; echo $? >"+statusFile)

	s.waitFor("the first events", func(sc string) bool {
		return strings.Contains(sc, "lazytrail demo") && len(listRow.FindAllString(sc, -1)) > 10
	})

	s.keys("/")
	s.typeText("skeddly-")
	s.keys("Enter")
	screen := s.waitFor("only skeddly- rows", func(sc string) bool {
		rows := 0
		for _, line := range strings.Split(sc, "\n") {
			if listRow.MatchString(line) {
				if !strings.Contains(line, "skeddly-") {
					return false
				}
				rows++
			}
		}
		return rows >= 10
	})
	for _, line := range strings.Split(screen, "\n") {
		if len([]rune(line)) > 80 {
			t.Errorf("line wider than the terminal: %q", line)
		}
	}

	s.keys("Enter")
	s.waitFor("the detail of a skeddly session", func(sc string) bool {
		return strings.Contains(sc, "AssumedRole") && strings.Contains(sc, "SkeddlyScheduler")
	})
	s.keys("Tab")
	s.waitFor("the raw record", contains(`"userIdentity"`))

	// Wait for the list before q: an ESC followed at once by q reads as alt+q.
	s.keys("Escape")
	s.waitFor("the list again", func(sc string) bool {
		return len(listRow.FindAllString(sc, -1)) > 10 && !strings.Contains(sc, `"userIdentity"`)
	})
	s.keys("q")
	if status := s.exitStatus(statusFile); status != "0" {
		t.Errorf("exit status %q, want 0", status)
	}
	if alt := s.value("#{alternate_on}"); alt != "0" {
		t.Errorf("the terminal was left on the alternate screen")
	}
}

// Headless mode in a real terminal: progress stays on stderr, results on
// stdout, and a tiny terminal never garbles the TUI.
func TestTmuxTinyTerminalAndNoColor(t *testing.T) {
	bin := buildBinary(t)
	s := startTmux(t, 40, 10, []string{"TERM=xterm-256color", "NO_COLOR=1"}, bin, "--demo")
	s.waitFor("the too-small message", func(sc string) bool {
		return strings.Contains(strings.Join(strings.Fields(sc), " "), "needs at least 60×12")
	})
	s.tmux("resize-window", "-t", s.name, "-x", "100", "-y", "30")
	s.waitFor("the list after growing", func(sc string) bool { return len(listRow.FindAllString(sc, -1)) > 10 })
	colored := s.tmux("capture-pane", "-p", "-e", "-t", s.name)
	if c := colourParams(colored); c != "" {
		t.Errorf("NO_COLOR=1 but the screen sets colour %s", c)
	}
	if !strings.Contains(colored, "\x1b[7m") && !strings.Contains(colored, ";7m") {
		t.Errorf("without colour the selected row must still stand out (reverse video)")
	}
	s.keys("C-c")
	s.waitFor("the program to exit", func(string) bool { return s.value("#{pane_dead}") == "1" })
}

var sgr = regexp.MustCompile(`\x1b\[([0-9;:]*)m`)

// colourParams returns the first SGR parameter that sets a foreground or
// background colour (not the defaults 39 and 49), or "".
func colourParams(screen string) string {
	for _, m := range sgr.FindAllStringSubmatch(screen, -1) {
		for _, p := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ';' || r == ':' }) {
			switch {
			case len(p) == 2 && (p[0] == '3' || p[0] == '4' || p[0] == '9') && p[1] != '9',
				len(p) == 3 && p[:2] == "10":
				return m[0]
			}
		}
	}
	return ""
}

// An SSH session that drops sends SIGHUP; a supervisor sends SIGTERM. Either
// ends lazytrail cleanly: status 0 and the terminal back from the
// alternate screen.
func TestTmuxSignalsEndCleanly(t *testing.T) {
	bin := buildBinary(t)
	for _, sig := range []string{"TERM", "HUP"} {
		t.Run(sig, func(t *testing.T) {
			s := startTmux(t, 100, 30, []string{"TERM=xterm-256color"}, "exec", bin, "--demo")
			s.waitFor("the first events", func(sc string) bool { return len(listRow.FindAllString(sc, -1)) > 10 })
			pid := s.value("#{pane_pid}")
			if out, err := exec.Command("kill", "-"+sig, pid).CombinedOutput(); err != nil {
				t.Fatalf("kill -%s %s: %v %s", sig, pid, err, out)
			}
			s.waitFor("the program to exit", func(string) bool { return s.value("#{pane_dead}") == "1" })
			if alt := s.value("#{alternate_on}"); alt != "0" {
				t.Errorf("SIG%s left the terminal on the alternate screen", sig)
			}
			if sc := s.screen(); strings.Contains(sc, "panic") || strings.Contains(sc, "goroutine") {
				t.Errorf("SIG%s printed a crash:\n%s", sig, sc)
			}
		})
	}
}
