package athena

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"lazytrail/fetch"
	"lazytrail/model"
)

// A query lazytrail let go (esc, a new filter, quitting) is stopped with
// StopQueryExecution; when that call fails or does not answer within
// stopTimeout, the query may still be running, and billed. Nothing
// lazytrail can do then is sure to stop it, so it says so, with the
// query's id and the command that stops it.

// unstopped collects, for a Source, the queries whose stop failed.
type unstopped struct {
	mu    sync.Mutex
	lines []string
}

func (u *unstopped) add(id, region string, err error) {
	why := fetch.Explain(err)
	if errors.Is(err, context.DeadlineExceeded) {
		why = fmt.Sprintf("StopQueryExecution did not answer in %v", stopTimeout)
	}
	cmd := "aws athena stop-query-execution --query-execution-id " + id
	if region != "" {
		cmd += " --region " + region
	}
	line := model.Printable(fmt.Sprintf("the Athena query %s may still be running, and billed (%s): stop it with `%s`", id, why, cmd))
	u.mu.Lock()
	u.lines = append(u.lines, line)
	u.mu.Unlock()
}

// Leftovers lists, one line each, the queries this source let go but
// could not stop: they may still be running. It is for after the streams
// are closed (the end of a run, or of the TUI).
func (s *Source) Leftovers() []string {
	s.unstopped.mu.Lock()
	defer s.unstopped.mu.Unlock()
	return append([]string(nil), s.unstopped.lines...)
}
