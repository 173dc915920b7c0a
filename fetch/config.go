package fetch

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/logging"
)

// CredentialCheckTimeout bounds a source's start-up checks (loading the
// config, the credentials, STS, a Glue table), so a hung credential
// process or an unreachable endpoint fails with a message, not a hang.
const CredentialCheckTimeout = 20 * time.Second

// LoadConfig loads the SDK's config for a profile ("" = the default
// chain), with the SDK's own logger silenced; an error is one line.
func LoadConfig(ctx context.Context, profile string) (aws.Config, error) {
	// The SDK logs warnings (an IMDS fallback, say) straight to stderr,
	// which would land in the middle of the TUI; errors reach the user
	// through Explain instead.
	loadOpts := []func(*config.LoadOptions) error{config.WithLogger(logging.Nop{})}
	if profile != "" {
		loadOpts = append(loadOpts, config.WithSharedConfigProfile(profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		return cfg, fmt.Errorf("%s", Explain(err))
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	return cfg, nil
}
