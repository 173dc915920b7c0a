package fetch

import (
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// Transport returns a transport of the caller's own that keeps everything
// the SDK's config loaded into its HTTP client: the CA bundle
// (AWS_CA_BUNDLE, a profile's ca_bundle), the proxy and the TLS settings.
// A fresh transport would drop them, and every call behind a
// TLS-inspecting proxy would fail while the AWS CLI works.
func Transport(cfg aws.Config) *http.Transport {
	if b, ok := cfg.HTTPClient.(*awshttp.BuildableClient); ok && b != nil {
		return b.GetTransport()
	}
	return awshttp.NewBuildableClient().GetTransport()
}

// KeepConnections returns hc able to keep n idle connections to one host
// (the SDK keeps 10), so that n requests in flight at once reuse their
// connections instead of closing all but 10 after each burst and dialling
// again. A client that is not the SDK's buildable one (the caller's own)
// is returned as it is.
func KeepConnections(hc aws.HTTPClient, n int) aws.HTTPClient {
	b, ok := hc.(*awshttp.BuildableClient)
	if !ok || b == nil {
		return hc
	}
	return b.WithTransportOptions(func(t *http.Transport) {
		t.MaxIdleConnsPerHost = max(t.MaxIdleConnsPerHost, n)
		if t.MaxIdleConns != 0 {
			t.MaxIdleConns = max(t.MaxIdleConns, n)
		}
	})
}
