package lookup

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"

	"lazytrail/fetch"
	"lazytrail/fetch/localtrail"
	"lazytrail/fetch/localtrail/localtest"
	"lazytrail/model"
)

func TestParseAttribute(t *testing.T) {
	for in, want := range map[string]Attribute{
		"EventName=RunInstances":        {"EventName", "RunInstances"},
		"eventname=RunInstances":        {"EventName", "RunInstances"},
		"USERNAME=skeddly-a=b":          {"Username", "skeddly-a=b"},
		" resourcename =i-064bd95a9b9b": {"ResourceName", "i-064bd95a9b9b"},
		"readonly=false":                {"ReadOnly", "false"},
	} {
		got, err := ParseAttribute(in)
		if err != nil || got != want {
			t.Errorf("ParseAttribute(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "EventName", "=x", "EventName=", "User=adam"} {
		_, err := ParseAttribute(in)
		if err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("ParseAttribute(%q) = %v, want a one-line error", in, err)
			continue
		}
		if in == "User=adam" && !strings.Contains(err.Error(), "AccessKeyId") {
			t.Errorf("error %q should list the valid keys", err)
		}
	}
}

// failWith pages one region that the endpoint (or the client setup) makes
// fail, and returns the region's one-line error as the stream reports it.
func failWith(t *testing.T, cfg aws.Config, fault localtrail.Fault, url string) string {
	t.Helper()
	ds := localtrail.NewDataset([]model.Event{syntheticEvent("eu-west-1", 0, demoEnd, "adam")})
	if url == "" {
		var srv *localtrail.Server
		srv, url = endpoint(t, ds, localtrail.Options{Quota: -1})
		srv.SetFault("eu-west-1", fault)
	}
	opts := testOptions(url, 1000)
	opts.AWS = cfg
	opts.MaxAttempts = 2
	s := OpenAccounts(t.Context(), Query{Regions: []string{"eu-west-1"}, End: demoEnd}, opts)
	defer s.Close()
	drain(t, s, nil, 1)
	p := s.Progress()[0]
	if p.State != model.RegionFailed {
		t.Fatalf("region ended %s, want failed", p.State)
	}
	if strings.Contains(p.Err, "\n") || strings.Contains(p.Err, "test-secret") {
		t.Fatalf("error %q must be one line without secrets", p.Err)
	}
	return p.Err
}

func TestExplainNamesCauseAndFix(t *testing.T) {
	cases := []struct {
		name  string
		fault localtrail.Fault
		url   string
		want  []string
	}{
		{"denied", localtrail.Fault{AccessDenied: true}, "", []string{"access denied", "cloudtrail:LookupEvents"}},
		{"unrecognized", localtrail.Fault{UnrecognizedClient: true}, "", []string{"not recognized", "opt-in"}},
		{"throttled", localtrail.Fault{ThrottleEvery: 1}, "", []string{"throttled", "retries ran out"}},
		{"refused", localtrail.Fault{}, localtest.ClosedURL(t), []string{"connection refused", "unreachable"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := failWith(t, staticConfig, c.fault, c.url)
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("explanation %q does not mention %q", got, w)
				}
			}
		})
	}
}

func TestExplainNoCredentials(t *testing.T) {
	dir := t.TempDir()
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	cfg, err := config.LoadDefaultConfig(t.Context(), config.WithRegion("us-east-1"))
	if err != nil {
		t.Fatal(err)
	}
	got := failWith(t, cfg, localtrail.Fault{}, "")
	if !strings.Contains(got, "no AWS credentials") || !strings.Contains(got, "--demo") {
		t.Fatalf("explanation %q should say there are no credentials and how to fix it", got)
	}
}

func TestExplainCanceledAndProfile(t *testing.T) {
	if got := fetch.Explain(context.Canceled); got != "canceled" {
		t.Errorf("fetch.Explain(canceled) = %q", got)
	}
	// The SDK's own error, as LoadDefaultConfig returns it (a value, not a
	// pointer), from a config file that lacks the profile.
	dir := t.TempDir()
	empty := filepath.Join(dir, "config")
	if err := os.WriteFile(empty, []byte("[default]\nregion = eu-west-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := config.LoadDefaultConfig(context.Background(), config.WithSharedConfigProfile("prod"),
		config.WithSharedConfigFiles([]string{empty}), config.WithSharedCredentialsFiles([]string{empty}))
	if err == nil {
		t.Fatal("loading a missing profile should fail")
	}
	if got := fetch.Explain(err); !strings.Contains(got, `"prod" not found`) || !strings.Contains(got, "--profile") {
		t.Errorf("fetch.Explain(missing profile) = %q", got)
	}
}

// tlsClient is the real SDK CloudTrail client against url, trusting roots
// (nil: the system's), with no retries.
func tlsClient(url string, roots *x509.CertPool) *cloudtrail.Client {
	return cloudtrail.New(cloudtrail.Options{
		Region:       "eu-west-1",
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "test-secret", ""),
		Retryer:      retry.AddWithMaxAttempts(retry.NewStandard(), 1),
		HTTPClient: awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
			tr.TLSClientConfig = &tls.Config{RootCAs: roots}
		}),
	})
}

// expiredCert is a self-signed certificate for 127.0.0.1 that expired
// yesterday.
func expiredCert(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "expired"},
		NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
}

// A TLS failure gets one line with its cause and what to do, never the
// SDK's raw "https response error … x509: …" text. Each error is the real
// one, from the SDK's CloudTrail client against a real TLS server.
func TestExplainTLS(t *testing.T) {
	ds := localtrail.NewDataset([]model.Event{syntheticEvent("eu-west-1", 0, demoEnd, "adam")})
	handler := localtrail.New(ds, localtrail.Options{Quota: -1})
	quiet := log.New(io.Discard, "", 0) // the refused handshakes are expected
	ts := httptest.NewUnstartedServer(handler)
	ts.Config.ErrorLog = quiet
	ts.StartTLS() // its certificate names 127.0.0.1 and example.com
	t.Cleanup(ts.Close)
	trusted := x509.NewCertPool()
	trusted.AddCert(ts.Certificate())

	expired := httptest.NewUnstartedServer(handler)
	cert := expiredCert(t)
	expired.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	expired.Config.ErrorLog = quiet
	expired.StartTLS()
	t.Cleanup(expired.Close)
	expiredRoots := x509.NewCertPool()
	expiredRoots.AddCert(cert.Leaf)

	plain := httptest.NewServer(handler)
	t.Cleanup(plain.Close)

	cases := []struct {
		name  string
		url   string
		roots *x509.CertPool
		want  []string
	}{
		{"unknown authority", ts.URL, nil, []string{"TLS", "unknown authority", "AWS_CA_BUNDLE", "ca_bundle"}},
		{"name mismatch", strings.Replace(ts.URL, "127.0.0.1", "localhost", 1), trusted, []string{"TLS", "not valid for localhost", "--endpoint-url"}},
		{"expired", expired.URL, expiredRoots, []string{"TLS", "expired", "clock"}},
		{"not TLS", strings.Replace(plain.URL, "http://", "https://", 1), nil, []string{"TLS", "did not answer in TLS", "http://"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := tlsClient(c.url, c.roots).LookupEvents(t.Context(), &cloudtrail.LookupEventsInput{})
			if err == nil {
				t.Fatal("the call succeeded")
			}
			got := fetch.Explain(err)
			t.Log(got)
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("explanation %q does not mention %q (raw: %v)", got, w, err)
				}
			}
			if strings.Contains(got, "\n") || strings.Contains(got, "x509:") || strings.Contains(got, "tls:") || strings.Contains(got, "https response error") {
				t.Errorf("explanation %q is not one line of our own", got)
			}
		})
	}
	t.Run("through the stream", func(t *testing.T) {
		got := failWith(t, staticConfig, localtrail.Fault{}, ts.URL)
		if !strings.Contains(got, "unknown authority") || !strings.Contains(got, "AWS_CA_BUNDLE") || strings.Contains(got, "x509:") {
			t.Errorf("the region's error %q", got)
		}
	})
}
