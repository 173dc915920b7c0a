package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
)

var testNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func TestParseArgsAcceptsGoodCommandLines(t *testing.T) {
	cases := []struct {
		args  []string
		check func(*options) bool
	}{
		{[]string{"--demo"}, func(o *options) bool { return o.demo && o.start.Equal(testNow.Add(-90*24*time.Hour)) }},
		{[]string{"--since", "7d", "--until", "1d"}, func(o *options) bool {
			return o.start.Equal(testNow.Add(-7*24*time.Hour)) && o.end.Equal(testNow.Add(-24*time.Hour))
		}},
		{[]string{"--since", "2026-11-01", "--until", "2026-11-02T08:30:00Z"}, func(o *options) bool {
			return o.start.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)) && o.end.Equal(time.Date(2026, 11, 2, 8, 30, 0, 0, time.UTC))
		}},
		{[]string{"--region", "eu-west-1,us-east-1,us-gov-west-1"}, func(o *options) bool { return o.region == "eu-west-1,us-east-1,us-gov-west-1" }},
		{[]string{"--lookup", "eventname=RunInstances"}, func(o *options) bool {
			return o.attr != nil && o.attr.Key == "EventName" && o.attr.Value == "RunInstances"
		}},
		{[]string{"--print", "csv", "--limit", "5", "--user", "skeddly-"}, func(o *options) bool { return o.print == "csv" && o.limit == 5 && o.user == "skeddly-" }},
		{[]string{"--since", "36h"}, func(o *options) bool { return o.start.Equal(testNow.Add(-36 * time.Hour)) }},
		{[]string{"--since", "2w"}, func(o *options) bool { return o.start.Equal(testNow.Add(-14 * 24 * time.Hour)) }},
		{[]string{"--filter", "event:Authorize,Revoke -ro:true", "--user", "maria"}, func(o *options) bool {
			return o.filterText() == "event:Authorize,Revoke -ro:true maria"
		}},
		{[]string{"--profile", "prod, staging,prod,audit"}, func(o *options) bool {
			return slices.Equal(o.profiles, []string{"prod", "staging", "audit"})
		}},
		// --until alone: on trail files everything up to then; on Athena
		// the default day, ending then.
		{[]string{"--records", ".", "--until", "2020-01-01"}, func(o *options) bool {
			return !o.sinceSet && o.end.Equal(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)) && o.start.Before(o.end)
		}},
		{[]string{"--athena", "db.trail", "--until", "2020-01-01"}, func(o *options) bool {
			return o.start.Equal(time.Date(2019, 12, 31, 0, 0, 0, 0, time.UTC)) && o.end.Equal(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))
		}},
		{[]string{"--records", ".", "--records", "s3://trail-bucket/team", "--records", "-", "--profile", "audit"}, func(o *options) bool {
			return len(o.records) == 3 && !o.sinceSet && slices.Equal(o.profiles, []string{"audit"})
		}},
	}
	for _, c := range cases {
		o, err := parseArgs(c.args, &bytes.Buffer{}, testNow)
		if err != nil {
			t.Errorf("%q: unexpected error %v", c.args, err)
			continue
		}
		if !c.check(o) {
			t.Errorf("%q: parsed wrongly: %+v", c.args, o)
		}
	}
}

// Every mistake gets one line that names the problem and says what to do,
// and exit code 2.
func TestBadCommandLinesGiveOneLineAndExit2(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--bogus"}, "unknown flag -bogus"},
		{[]string{"--region"}, "needs a value"},
		{[]string{"--region", "mars-1"}, `"mars-1" is not a region name`},
		{[]string{"--region", "eu-west-1,,"}, "is not a region name"},
		{[]string{"--region", "eu-west-9", "--print", "jsonl"}, "no AWS partition serves eu-west-9 (aws has eu-west-1, eu-west-2, eu-west-3)"},
		{[]string{"--demo", "--region", "eu-west-1,eu-west-9", "--print", "jsonl"}, "no AWS partition serves eu-west-9"},
		{[]string{"--records", ".", "--region", "us-gov-west-9"}, "no AWS partition serves us-gov-west-9 (aws-us-gov has us-gov-west-1)"},
		{[]string{"--region", "us-est-1"}, "(aws has us-east-1, us-east-2, us-west-1, us-west-2)"},
		{[]string{"--region", "xy-west-1"}, "no AWS partition serves xy-west-1 (aws has ca-west-1, eu-west-1, me-west-1, sa-west-1, us-west-1): check the name, or use --region all"},
		{[]string{"--print", "xml"}, "use one of jsonl, json, csv, table"},
		{[]string{"--limit", "-3", "--print", "json"}, "--limit -3"},
		{[]string{"--limit", "ten", "--print", "json"}, `invalid value "ten" for flag -limit`},
		{[]string{"--limit", "5"}, "--limit works with --print only"},
		{[]string{"--since", "yesterday"}, `--since "yesterday" is not a time`},
		{[]string{"--since", "-5d"}, "positive duration"},
		{[]string{"--until", "2026-13-45"}, "is not a time"},
		{[]string{"--since", "1d", "--until", "2d"}, "is not before --until"},
		{[]string{"--lookup", "Colour=blue"}, "--lookup"},
		{[]string{"--lookup", "EventName"}, "--lookup"},
		{[]string{"--demo", "--profile", "prod"}, "--profile has no meaning with --demo"},
		{[]string{"--demo", "--endpoint-url", "http://x"}, "--endpoint-url has no meaning"},
		{[]string{"--demo", "--records", "."}, "pass only one"},
		{[]string{"--records", "/no/such/path"}, "no such file or folder"},
		{[]string{"--records", "s3://A_Bucket"}, "is not an S3 bucket name"},
		{[]string{"--records", "s3://"}, "is not an S3 bucket name"},
		{[]string{"--records", "-", "--records", "-"}, "can be given once only"},
		{[]string{"--records", ".", "--profile", "prod"}, "--profile has no meaning with --records"},
		{[]string{"--records", "s3://trail-bucket", "--profile", "a,b"}, "give one --profile"},
		{[]string{"--records", "s3://trail-bucket", "--endpoint-url", "http://x"}, "AWS_ENDPOINT_URL_S3"},
		{[]string{"--records", ".", "--lookup", "EventName=RunInstances"}, "--lookup is a LookupEvents parameter"},
		{[]string{"--profile", ", ,"}, "names no profile"},
		{[]string{"--filter", "evnt:Create"}, "unknown key evnt — did you mean event:?"},
		{[]string{"--filter", "EventNme=RunInstances", "--print", "jsonl"}, "unknown key EventNme — did you mean event=?"},
		{[]string{"--filter", "Colour=blue", "--print", "jsonl"}, "unknown key Colour"},
		{[]string{"--filter", "ReadOnly=perhaps", "--print", "jsonl"}, "ReadOnly= takes true or false"},
		{[]string{"--filter", "ro:perhaps", "--print", "jsonl"}, "ro: takes true or false"},
		{[]string{"--filter", "user:a\x1b[2J"}, "control character"},
		{[]string{"--endpoint-url", "localhost:4599"}, "must be a URL"},
		{[]string{"--rate", "0"}, "--rate 0"},
		{[]string{"--user", "a\x1b[2Jb"}, "control character"},
		{[]string{"stray"}, `unexpected argument "stray"`},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), c.args, &stdout, &stderr)
		if code != exitUsage {
			t.Errorf("%q: exit %d, want %d (stderr %q)", c.args, code, exitUsage, stderr.String())
		}
		msg := stderr.String()
		if strings.Count(msg, "\n") != 1 || !strings.HasPrefix(msg, "lazytrail: ") {
			t.Errorf("%q: want one line on stderr, got %q", c.args, msg)
		}
		if !strings.Contains(msg, c.want) {
			t.Errorf("%q: stderr %q does not say %q", c.args, msg, c.want)
		}
		if strings.ContainsAny(msg, "\x1b\x07") {
			t.Errorf("%q: stderr carries a control character: %q", c.args, msg)
		}
		if stdout.Len() != 0 {
			t.Errorf("%q: wrote to stdout: %q", c.args, stdout.String())
		}
	}
}

func TestHelpAndVersion(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"--help"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("--help exit %d", code)
	}
	if !strings.Contains(stderr.String(), "--demo") || !strings.Contains(stderr.String(), "demo-server") {
		t.Errorf("help does not list the flags and commands: %q", stderr.String())
	}
	// Flags are listed as the README writes them, with two dashes.
	for _, args := range [][]string{{"--help"}, {"demo-server", "--help"}, {"athena-ddl", "--help"}} {
		var help bytes.Buffer
		run(context.Background(), args, &help, &help)
		flags := 0
		for _, line := range strings.Split(help.String(), "\n") {
			if strings.HasPrefix(line, "  -") {
				flags++
				if !strings.HasPrefix(line, "  --") || strings.Contains(line, " value") {
					t.Errorf("%q lists a flag as %q: want --name and a named argument", args, line)
				}
			}
		}
		if flags < 2 {
			t.Errorf("%q lists %d flags:\n%s", args, flags, help.String())
		}
	}
	stdout.Reset()
	if code := run(context.Background(), []string{"--version"}, &stdout, &stderr); code != exitOK || !strings.HasPrefix(stdout.String(), "lazytrail ") {
		t.Errorf("--version: exit %d, %q", code, stdout.String())
	}
}

func TestDemoServerBadFlags(t *testing.T) {
	for _, args := range [][]string{{"--addr"}, {"--latency", "-1s"}, {"--quota", "0"}, {"--records", "/no/such"}, {"extra"}, {"--nope"}} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), append([]string{"demo-server"}, args...), &stdout, &stderr)
		if code != exitUsage {
			t.Errorf("demo-server %q: exit %d, want 2 (stderr %q)", args, code, stderr.String())
		}
		if strings.Count(stderr.String(), "\n") != 1 {
			t.Errorf("demo-server %q: want one line, got %q", args, stderr.String())
		}
	}
}

// A subcommand takes its flags before or after its arguments, and a bad
// flag points at that subcommand's own help.
func TestParseSubcommand(t *testing.T) {
	fs := flag.NewFlagSet("lazytrail athena-ddl", flag.ContinueOnError)
	table := fs.String("table", "", "")
	got, _, ok := parseSubcommand(fs, []string{"s3://a", "--table", "db.t", "s3://b"}, io.Discard)
	if !ok || *table != "db.t" || !slices.Equal(got, []string{"s3://a", "s3://b"}) {
		t.Fatalf("got %v, table %q, ok %v", got, *table, ok)
	}
	var stderr strings.Builder
	if _, code, ok := parseSubcommand(flag.NewFlagSet("lazytrail athena-ddl", flag.ContinueOnError), []string{"--nope"}, &stderr); ok || code != exitUsage ||
		stderr.String() != "lazytrail athena-ddl: unknown flag -nope: see lazytrail athena-ddl --help\n" {
		t.Errorf("bad flag: code %d, stderr %q", code, stderr.String())
	}
}
