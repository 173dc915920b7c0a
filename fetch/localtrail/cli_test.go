package localtrail

import (
	"context"
	"os"
	"testing"
	"time"
)

// TestServeDemoForTheCLI serves the demo account on a fixed address for
// checking by hand with the AWS CLI; it runs only when asked:
//
//	LOCALTRAIL_SERVE=127.0.0.1:4599 LOCALTRAIL_SERVE_FOR=2m go test ./fetch/localtrail -run TestServeDemoForTheCLI -v
//	AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x aws cloudtrail lookup-events --endpoint-url http://127.0.0.1:4599 --region eu-west-1
func TestServeDemoForTheCLI(t *testing.T) {
	addr := os.Getenv("LOCALTRAIL_SERVE")
	if addr == "" {
		t.Skip("set LOCALTRAIL_SERVE=host:port to serve the demo for the AWS CLI")
	}
	serveFor, err := time.ParseDuration(os.Getenv("LOCALTRAIL_SERVE_FOR"))
	if err != nil {
		serveFor = time.Minute
	}
	s := New(Demo(time.Now()), Options{Quota: -1})
	url, err := s.Listen(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("serving the demo account at %s for %s", url, serveFor)
	select {
	case <-time.After(serveFor):
	case <-t.Context().Done():
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
}
