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
