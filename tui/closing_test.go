package tui

import (
	"testing"
	"time"
)

// A stream let go is closed once: by its command, or by Close when the
// program ended before the command ran (Bubble Tea does not wait for
// commands on quit).
func TestClosingRunsEachCloseOnce(t *testing.T) {
	var c closing
	runs := map[string]int{}
	ran := c.cmd(func() { runs["ran"]++ })
	skipped := c.cmd(func() { runs["skipped"]++ })
	ran()
	c.finish(time.Second)
	skipped() // too late: finish has closed it
	ran()
	if runs["ran"] != 1 || runs["skipped"] != 1 {
		t.Fatalf("closes ran %v, want each once", runs)
	}
}
