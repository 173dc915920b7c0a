package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
)

// lockedBuffer is a bytes.Buffer safe to read while the server writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// demo-server --records over files from 2023 serves every record to a
// client that sends no time range, and says on stderr what range it holds.
func TestDemoServerServesOldRecordsAndSaysTheirRange(t *testing.T) {
	first := time.Date(2023, 3, 1, 8, 0, 0, 0, time.UTC)
	var recs []string
	for i := range 120 {
		recs = append(recs, fmt.Sprintf(`{"eventVersion":"1.09","eventID":"2023%04d-0000-4000-8000-000000000000","eventTime":%q,"eventName":"StopInstances","eventSource":"ec2.amazonaws.com","awsRegion":"eu-west-1","userIdentity":{"type":"IAMUser","userName":"adam"}}`,
			i, first.Add(time.Duration(i)*48*time.Hour).Format(time.RFC3339)))
	}
	path := filepath.Join(t.TempDir(), "2023.json")
	if err := os.WriteFile(path, []byte(`{"Records":[`+strings.Join(recs, ",")+`]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr lockedBuffer
	done := make(chan int)
	go func() {
		done <- runDemoServer(ctx, []string{"--addr", "127.0.0.1:0", "--quota", "-1", "--records", path}, &stdout, &stderr)
	}()
	served := regexp.MustCompile(`at (http://\S+)`)
	var url string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := served.FindStringSubmatch(stdout.String()); m != nil {
			url = m[1]
			break
		}
	}
	if url == "" {
		t.Fatalf("no URL on stdout %q (stderr %q)", stdout.String(), stderr.String())
	}
	want := "lazytrail demo-server: records: 120 events from 2023-03-01T08:00:00Z to 2023-10-25T08:00:00Z; a query without a time range gets all of them\n"
	if got := stderr.String(); got != want {
		t.Errorf("stderr %q, want %q", got, want)
	}
	client := cloudtrail.New(cloudtrail.Options{Region: "eu-west-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "x", "")})
	n := 0
	for p := cloudtrail.NewLookupEventsPaginator(client, &cloudtrail.LookupEventsInput{}); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(out.Events)
	}
	if n != 120 {
		t.Errorf("a query without a time range got %d events, want all 120 from 2023", n)
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("exit %d after cancel", code)
	}
}
