package localtrail

import (
	"bytes"
	"io"
	"net/http"
)

// Doer is the HTTP client interface the AWS SDK takes (aws.HTTPClient).
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// BufferBodies wraps an SDK HTTP client so that each request body is read
// into memory before it is sent. Without it, against an endpoint that
// answers as fast as this one, requests fail now and then with "use of
// closed network connection": smithy-go (v1.28.9) closes its request body
// as soon as Do returns, and its closed body answers WriteTo with io.EOF as
// an error, so when net/http's writer is still making its final
// end-of-body check after the answer has arrived, the transport reports a
// write error and drops the connection under the response being read.
// LookupEvents bodies are a few hundred bytes, so the copy costs nothing.
func BufferBodies(c Doer) Doer { return bufferedBodies{c} }

type bufferedBodies struct{ inner Doer }

func (b bufferedBodies) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody {
		body, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	return b.inner.Do(req)
}
