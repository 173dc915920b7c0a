package athenalocal_test

import (
	"cmp"
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/logging"

	"lazytrail/fetch/athena"
	"lazytrail/fetch/athena/sqltest/athenalocal"
	"lazytrail/fetch/localtrail/localtest"
	"lazytrail/fetch/trail"
	"lazytrail/model"
)

// The local Athena as the command serves it, tried the way its printed
// command tries it: the SDK's default config from the printed
// environment (each service's endpoint variable), lazytrail's athena
// source over the printed table, output and range, and the JSON pane's
// reader for the originals. The rows must be the events the stream's
// filter selects from the served records, and each row's "$path" must
// name an uploaded log file that holds the row's record as it was.
func TestTheLocalAthenaAnswersLazytrail(t *testing.T) {
	moto := localtest.Moto(t)
	end := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	l, err := athenalocal.Start(context.Background(), athenalocal.Options{Moto: moto, End: end})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	args := flags(l.Args())
	since, err := time.Parse(time.RFC3339, args["--since"])
	if err != nil {
		t.Fatal(err)
	}
	until, err := time.Parse(time.RFC3339, args["--until"])
	if err != nil {
		t.Fatal(err)
	}
	raw := map[string]string{}
	for _, e := range l.Events {
		raw[e.ID] = e.Raw
		if e.Time.Before(since) || e.Time.After(until) {
			t.Fatalf("record %s at %v is outside the printed range %v to %v", e.ID, e.Time, since, until)
		}
	}

	for _, env := range []struct {
		name string
		vars []string
	}{
		{"each service's endpoint variable", l.Env()},
		// The proxy forwards Glue and S3 to moto: one variable for all.
		{"AWS_ENDPOINT_URL for all", []string{"AWS_ENDPOINT_URL=" + l.Athena, "AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=x", "AWS_REGION=" + athenalocal.Region}},
	} {
		t.Run(env.name, func(t *testing.T) {
			isolate(t, env.vars)
			// As lazytrail loads it (loadConfig), without the SDK's
			// debug lines in the test's output.
			cfg, err := config.LoadDefaultConfig(context.Background(), config.WithLogger(logging.Nop{}))
			if err != nil {
				t.Fatal(err)
			}
			src, err := athena.NewSource(context.Background(), cfg, athena.Options{Table: args["--athena"], Output: args["--athena-output"]})
			if err != nil {
				t.Fatal(err)
			}
			originals := trail.NewOriginals(cfg, 8)
			for _, filter := range []string{"user:skeddly- -ro:true", "event:Authorize,Revoke res:sg-"} {
				f := model.ParseFilter(filter)
				got := query(t, src, f, since, until)
				var want []model.Event
				for _, e := range l.Events {
					if f.Match(&e) {
						want = append(want, e)
					}
				}
				slices.SortFunc(want, func(a, b model.Event) int { return cmp.Or(b.Time.Compare(a.Time), cmp.Compare(b.ID, a.ID)) })
				if len(want) == 0 {
					t.Fatalf("%q selects nothing from the demo: the test proves nothing", filter)
				}
				if !slices.Equal(ids(got), ids(want)) {
					t.Fatalf("%q: %d rows from the local Athena, the stream selects %d from the same records", filter, len(got), len(want))
				}
				for i, e := range got {
					if i > 40 && i%25 != 0 { // every row's file would read most of the bucket
						continue
					}
					prefix := "s3://" + athenalocal.TrailBucket + "/AWSLogs/" + e.Account + "/CloudTrail/" + e.Region + "/"
					if !strings.HasPrefix(e.Origin, prefix) {
						t.Fatalf("row %s: $path %q, want a log file under %s", e.ID, e.Origin, prefix)
					}
					original, err := originals.Record(context.Background(), e.Origin, e.ID)
					if err != nil {
						t.Fatalf("row %s: %v", e.ID, err)
					}
					if original != raw[e.ID] {
						t.Fatalf("row %s: %s holds\n%s\nnot the record served\n%s", e.ID, e.Origin, original, raw[e.ID])
					}
				}
				t.Logf("%q: %d rows, as the stream selects them, originals read back from their files", filter, len(got))
			}
		})
	}
}

// flags reads "--name value" pairs.
func flags(args []string) map[string]string {
	out := map[string]string{}
	for i := 0; i+1 < len(args); i += 2 {
		out[args[i]] = args[i+1]
	}
	return out
}

// isolate sets vars as the whole AWS environment: no profile, no shared
// files, no other endpoint, no instance metadata.
func isolate(t *testing.T, vars []string) {
	for _, name := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ATHENA",
		"AWS_ENDPOINT_URL_GLUE", "AWS_ENDPOINT_URL_S3", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION"} {
		t.Setenv(name, "")
		os.Unsetenv(name)
	}
	empty := t.TempDir() + "/empty"
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", empty)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", empty)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, v := range vars {
		name, value, _ := strings.Cut(v, "=")
		t.Setenv(name, value)
	}
}

// query pages a filter's query to its end and keeps what the stream's
// filter keeps, as every source's events are filtered again.
func query(t *testing.T, src *athena.Source, f model.Filter, since, until time.Time) []model.Event {
	t.Helper()
	parts, err := src.Partitions(f, since, until)
	if err != nil {
		t.Fatal(err)
	}
	p := parts[0].Pager
	defer p.Close()
	var got []model.Event
	for {
		pg, err := p.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range pg.Events {
			if f.Match(&e) {
				got = append(got, e)
			}
		}
		if pg.Done {
			return got
		}
	}
}

func ids(events []model.Event) []string {
	out := make([]string, len(events))
	for i := range events {
		out[i] = events[i].ID
	}
	return out
}
