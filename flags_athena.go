package main

import (
	"strings"
)

// athenaDefaultSince is --since for an Athena query that names none.
const athenaDefaultSince = "24h"

// validateAthena checks --athena and the flags that go with it.
func (o *options) validateAthena(set map[string]bool) error {
	if o.athena == "" {
		for _, f := range []string{"athena-workgroup", "athena-output"} {
			if set[f] {
				return usagef("--%s works with --athena only: add --athena TABLE", f)
			}
		}
		return nil
	}
	switch {
	case o.demo || len(o.records) > 0:
		return usagef("--athena and %s both choose what to browse: pass only one", localFlag(o))
	case set["lookup"]:
		return usagef("--lookup is a LookupEvents parameter; with --athena the whole --filter becomes the query's SQL")
	case set["endpoint-url"]:
		return usagef("--endpoint-url is CloudTrail's; with --athena set AWS_ENDPOINT_URL_ATHENA (and _GLUE, _S3) to point elsewhere")
	case set["region"]:
		return usagef("--region chooses LookupEvents regions; with --athena add region:eu-west-1 to --filter (it prunes the table's region partition), and set AWS_REGION to where the table is")
	case set["rate"]:
		return usagef("--rate paces LookupEvents; Athena runs one query at a time: drop --rate")
	case strings.Contains(o.profile, ","):
		return usagef("--athena reads one account's Glue catalogue: give one --profile (an organisation trail's table already holds every account)")
	}
	db, tbl, found := strings.Cut(o.athena, ".")
	if !found {
		tbl = db
	}
	if db == "" || tbl == "" || strings.ContainsAny(o.athena, "\"`' \t") || strings.Count(o.athena, ".") > 1 {
		return usagef("--athena %q is not a table name: give TABLE or DATABASE.TABLE as the Glue catalogue names it", o.athena)
	}
	if o.athenaOut != "" {
		rest, ok := strings.CutPrefix(o.athenaOut, "s3://")
		bucket, _, _ := strings.Cut(rest, "/")
		if !ok || !isBucketName(bucket) {
			return usagef("--athena-output %q is not an S3 location: give s3://bucket/prefix/", o.athenaOut)
		}
	}
	return nil
}
