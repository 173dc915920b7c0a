// Package reqbody keeps the AWS SDK's HTTP requests from racing their own
// bodies against a fast endpoint.
package reqbody

import (
	"bytes"
	"io"
	"net/http"
)

// Doer is the HTTP client interface the AWS SDK takes (aws.HTTPClient).
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Buffer wraps an SDK HTTP client so that each request body is read into
// memory before it is sent. Without it, against an endpoint that answers as
// fast as the local one, requests fail now and then with "use of closed
// network connection": smithy-go (v1.28.9) closes its request body as soon
// as Do returns, and its closed body answers WriteTo with io.EOF as an
// error, so when net/http's writer is still making its final end-of-body
// check after the answer has arrived, the transport reports a write error
// and drops the connection under the response being read. LookupEvents and
// DescribeRegions bodies are a few hundred bytes, so the copy costs nothing.
func Buffer(c Doer) Doer { return buffered{c} }

type buffered struct{ inner Doer }

func (b buffered) Do(req *http.Request) (*http.Response, error) {
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
