package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// A StopQueryExecution that never answers: the run still ends (the stop
// has its bound), and stderr says the query may still be running, with
// its id and the command that stops it. The id is the one the proxy saw
// Athena answer StartQueryExecution with.
func TestAthenaHungStopSaysHowToStopIt(t *testing.T) {
	r := newAthenaRig(t)
	r.proxy.Hold(true) // the query runs until stopped
	r.proxy.HangStop(true)
	privilegeEnv(t, r.endpoint)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { // interrupt (ctrl+c) once the query runs
		for r.proxy.Calls("GetQueryExecution") == 0 && ctx.Err() == nil {
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
	}()
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"--athena", "trails.cloudtrail", "--since", athenaSince.Format(time.RFC3339),
		"--until", athenaUntil.Format(time.RFC3339), "--print", "jsonl"}, &stdout, &stderr)
	ids := r.proxy.IDs()
	if len(ids) != 1 || r.proxy.Calls("StopQueryExecution") == 0 {
		t.Fatalf("queries %v, %d stops: want one query and a stop", ids, r.proxy.Calls("StopQueryExecution"))
	}
	want := "lazytrail: the Athena query " + ids[0] + " may still be running, and billed (StopQueryExecution did not answer in 5s): " +
		"stop it with `aws athena stop-query-execution --query-execution-id " + ids[0] + " --region us-east-1`\n"
	if code != exitPartial || !strings.HasSuffix(stderr.String(), want) {
		t.Errorf("exit %d, stderr %q; want exit 3 and, last, %q", code, stderr.String(), want)
	}
}
