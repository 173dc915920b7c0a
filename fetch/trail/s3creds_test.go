package trail

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
)

// With no credentials anywhere (no variables, no files, no instance
// role), the real default chain fails before any request is sent: the
// root's error says so in one line, with the usual hint, instead of the
// SDK's walk through the chain and a hint about the bucket's name.
func TestS3NoCredentialsSaysSo(t *testing.T) {
	bucket, _, p := s3NewBucket(t)
	dir := t.TempDir()
	for _, v := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("us-east-1"), config.WithBaseEndpoint(p.URL))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = Open(ctx, []string{"s3://" + bucket}, Options{AWS: cfg})
	if err == nil {
		t.Fatal("opened a bucket without credentials")
	}
	msg := err.Error()
	want := "records s3://" + bucket + ": no AWS credentials found (run `aws configure` or `aws sso login`, or pass --profile)"
	if msg != want {
		t.Errorf("error\n%s\nwant\n%s", msg, want)
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("more than one line: %q", msg)
	}
	if n := len(p.Requests()); n != 0 {
		t.Errorf("%d requests sent without credentials", n)
	}
}
