package fetch

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"

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
	s := Open(t.Context(), opts, Query{Regions: []string{"eu-west-1"}, End: demoEnd})
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
	if got := Explain(context.Canceled); got != "canceled" {
		t.Errorf("Explain(canceled) = %q", got)
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
	if got := Explain(err); !strings.Contains(got, `"prod" not found`) || !strings.Contains(got, "--profile") {
		t.Errorf("Explain(missing profile) = %q", got)
	}
}
