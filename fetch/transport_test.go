package fetch

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// TestKeepConnections sends two bursts of 48 requests, each burst all in
// flight at once (the server answers none until all have arrived), to a
// server that keeps connections alive. Kept for n = 48, the second burst
// reuses the first one's connections; the SDK's client as it comes keeps
// 10 idle and dials 38 again.
func TestKeepConnections(t *testing.T) {
	const burst = 48
	var dialled atomic.Int64
	var arrived sync.WaitGroup
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived.Done()
		arrived.Wait()
		io.WriteString(w, "answer")
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			dialled.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()

	run := func(hc interface {
		Do(*http.Request) (*http.Response, error)
	}) int64 {
		dialled.Store(0)
		for range 2 {
			arrived.Add(burst)
			var done sync.WaitGroup
			for range burst {
				done.Go(func() {
					req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
					resp, err := hc.Do(req)
					if err != nil {
						t.Error(err)
						arrived.Done()
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				})
			}
			done.Wait()
		}
		srv.CloseClientConnections()
		return dialled.Load()
	}
	if got := run(KeepConnections(awshttp.NewBuildableClient(), burst)); got != burst {
		t.Errorf("kept for %d: %d connections dialled for two bursts of %d, want %d", burst, got, burst, burst)
	}
	if got := run(awshttp.NewBuildableClient()); got <= burst {
		t.Errorf("the SDK's client as it comes dialled %d connections for two bursts of %d: the test no longer shows the difference", got, burst)
	}
}

// TestKeepConnectionsLeavesOtherClients: a client that is not the SDK's
// buildable one is the caller's own and is returned untouched.
func TestKeepConnectionsLeavesOtherClients(t *testing.T) {
	own := &http.Client{}
	if got := KeepConnections(own, 48); got != own {
		t.Errorf("KeepConnections replaced the caller's own client")
	}
}
