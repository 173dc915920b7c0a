package localtrail

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
)

const rawAuth = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/eu-west-1/cloudtrail/aws4_request, SignedHeaders=host, Signature=00"

// shortTimeoutServer listens with timeouts a test can wait out.
func shortTimeoutServer(t *testing.T) (*Server, string) {
	t.Helper()
	s := New(NewDataset(fixture()), Options{Quota: -1, Now: func() time.Time { return fixtureEnd }})
	s.timeouts = timeouts{readHeader: 300 * time.Millisecond, read: 500 * time.Millisecond, write: time.Second, idle: 500 * time.Millisecond}
	url, err := s.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.Shutdown(ctx)
	})
	return s, url
}

// droppedWithin reads from c until the server closes it, and fails unless
// that happens within d.
func droppedWithin(t *testing.T, c net.Conn, d time.Duration, what string) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, c)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Errorf("%s: still connected after %s", what, d)
	}
}

func dial(t *testing.T, url string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestStalledClientsAreDropped(t *testing.T) {
	_, url := shortTimeoutServer(t)

	t.Run("headers never end", func(t *testing.T) {
		t.Parallel()
		c := dial(t, url)
		fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: %s\r\n", lookupEventsTarget)
		droppedWithin(t, c, 3*time.Second, "a client stalled inside its headers")
	})
	t.Run("body never ends", func(t *testing.T) {
		t.Parallel()
		c := dial(t, url)
		fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: %s\r\nAuthorization: %s\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 1000\r\n\r\n{\"MaxResults\":",
			lookupEventsTarget, rawAuth)
		droppedWithin(t, c, 3*time.Second, "a client that sent its headers and stalled in the body")
	})
	t.Run("idle after an answer", func(t *testing.T) {
		t.Parallel()
		c := dial(t, url)
		fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: %s\r\nAuthorization: %s\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 2\r\n\r\n{}",
			lookupEventsTarget, rawAuth)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Close {
			t.Fatalf("the request itself: %s, close %v", resp.Status, resp.Close)
		}
		droppedWithin(t, c, 3*time.Second, "an idle kept-alive connection")
	})
	t.Run("a prompt client is served", func(t *testing.T) {
		t.Parallel()
		out, err := client(url, "eu-west-1", 1).LookupEvents(t.Context(), &cloudtrail.LookupEventsInput{})
		if err != nil || len(out.Events) != 50 {
			t.Fatalf("%v, %v", out, err)
		}
	})
}

func TestOversizedBodyIsRefused(t *testing.T) {
	_, url := shortTimeoutServer(t)
	body := `{"NextToken":"` + strings.Repeat("a", maxBodyBytes) + `"}`
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("X-Amz-Target", lookupEventsTarget)
	req.Header.Set("Authorization", rawAuth)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(msg), "SerializationException") {
		t.Fatalf("%s %s", resp.Status, msg)
	}
}

func TestServerErrorLogIsEscaped(t *testing.T) {
	var b strings.Builder
	printableWriter{&b}.Write([]byte("http: bad request from \x1b]52;c;bad\x07 here\n"))
	if got := b.String(); strings.ContainsAny(got, "\x1b\x07") || strings.Count(got, "\n") != 1 || !strings.HasSuffix(got, "here\n") {
		t.Fatalf("%q", got)
	}
}
