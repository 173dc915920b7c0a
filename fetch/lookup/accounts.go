package lookup

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"lazytrail/fetch"
	"lazytrail/model"
)

// Connect checks the credentials of every profile (the default chain for
// none), finds each account's regions, and returns the source over them:
// one account, or several through one merge, each with its own quota and
// its own enabled regions. A failure is one printable line.
func Connect(ctx context.Context, s Settings) (*Source, error) {
	ctx, cancel := context.WithTimeout(ctx, fetch.CredentialCheckTimeout)
	defer cancel()
	if len(s.Profiles) <= 1 {
		profile := ""
		if len(s.Profiles) == 1 {
			profile = s.Profiles[0]
		}
		acct, err := openAccount(ctx, s, profile)
		if err != nil {
			return nil, err
		}
		return newSource(s, []Options{acct.opts}, acct.label, acct.note, nil), nil
	}
	var accounts []Options
	var notes []string
	for _, profile := range s.Profiles {
		acct, err := openAccount(ctx, s, profile)
		if err != nil {
			return nil, fmt.Errorf("profile %s: %v", model.Printable(profile), err)
		}
		acct.opts.Account = profile
		accounts = append(accounts, acct.opts)
		if acct.note != "" {
			notes = append(notes, profile+": "+acct.note)
		}
	}
	return newSource(s, accounts, fmt.Sprintf("%d accounts", len(accounts)), strings.Join(notes, "; "), nil), nil
}

// account is one AWS account as a profile reaches it.
type account struct {
	opts  Options // with its regions
	label string  // the profile and account id, for the status bar
	note  string
}

func openAccount(ctx context.Context, s Settings, profile string) (*account, error) {
	cfg, err := fetch.LoadConfig(ctx, profile)
	if err != nil {
		return nil, err
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		if s.EndpointURL == "" {
			return nil, fmt.Errorf("%s", fetch.ExplainFor(err, profile))
		}
		// A local or proxy endpoint does not check signatures; sign with
		// placeholders rather than refuse to start.
		cfg.Credentials = credentials.NewStaticCredentialsProvider("AKIDLOCAL", "local-secret", "")
	}
	label := profile
	if s.EndpointURL == "" {
		who, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return nil, fmt.Errorf("%s", fetch.ExplainFor(err, profile))
		}
		label = aws.ToString(who.Account)
		if profile != "" {
			label = profile + " (" + label + ")"
		}
	} else if label == "" {
		label = s.EndpointURL
	}
	regions, note, err := Regions(ctx, cfg, s.Region, s.EndpointURL)
	if err != nil {
		return nil, fmt.Errorf("%s", fetch.ExplainFor(err, profile))
	}
	return &account{
		label: label,
		note:  note,
		opts:  Options{AWS: cfg, EndpointURL: s.EndpointURL, Rate: s.Rate, Profile: profile, Regions: regions},
	}, nil
}
