package reqbody

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

// closeTracking is a body that, like smithy-go's, fails reads once closed.
type closeTracking struct {
	io.Reader
	closed bool
}

func (c *closeTracking) Read(p []byte) (int, error) {
	if c.closed {
		return 0, io.ErrClosedPipe
	}
	return c.Reader.Read(p)
}
func (c *closeTracking) Close() error { c.closed = true; return nil }

// The inner client gets a body that stays readable after the caller's own
// body is closed, and that can be read again through GetBody.
func TestBufferDetachesTheBodyFromTheCaller(t *testing.T) {
	orig := &closeTracking{Reader: strings.NewReader(`{"MaxResults":50}`)}
	var sent, again string
	c := Buffer(doerFunc(func(r *http.Request) (*http.Response, error) {
		if !orig.closed {
			t.Error("the caller's body should be copied and closed before sending")
		}
		b, err := io.ReadAll(r.Body) // readable although the original is closed
		if err != nil {
			t.Fatalf("reading the buffered body: %v", err)
		}
		sent = string(b)
		rc, _ := r.GetBody()
		b, _ = io.ReadAll(rc)
		again = string(b)
		return &http.Response{StatusCode: 200, Body: http.NoBody}, nil
	}))
	req, _ := http.NewRequest("POST", "http://127.0.0.1/", orig)
	if _, err := c.Do(req); err != nil {
		t.Fatal(err)
	}
	if sent != `{"MaxResults":50}` || again != sent {
		t.Errorf("sent %q, GetBody %q", sent, again)
	}
}

func TestBufferPassesBodylessRequests(t *testing.T) {
	called := false
	c := Buffer(doerFunc(func(r *http.Request) (*http.Response, error) {
		called = r.Body == nil || r.Body == http.NoBody
		return &http.Response{StatusCode: 200, Body: http.NoBody}, nil
	}))
	req, _ := http.NewRequest("GET", "http://127.0.0.1/", nil)
	if _, err := c.Do(req); err != nil || !called {
		t.Fatalf("a request without a body should pass as it is (err %v)", err)
	}
}
