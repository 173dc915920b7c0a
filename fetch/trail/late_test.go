package trail

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"lazytrail/fetch"
	"lazytrail/fetch/trail/s3test"
)

// lateTree is an account trail whose files are named by their first
// record's time (as some copies are), so they hold records newer than
// their name: keys -> records' times, gzipped by the caller.
func lateTree(files map[string][]time.Time) (map[string][]byte, map[string]time.Time) {
	const acct, region = "123456789012", "eu-west-1"
	objects := map[string][]byte{}
	events := map[string]time.Time{}
	n := 0
	for stamp, times := range files {
		at, err := time.Parse("20060102T1504Z", stamp)
		if err != nil {
			panic(err)
		}
		var recs []map[string]any
		for _, t := range times {
			n++
			id := fmt.Sprintf("late-%04d", n)
			events[id] = t
			recs = append(recs, map[string]any{"eventVersion": "1.11", "eventID": id, "eventTime": t.Format(time.RFC3339),
				"eventName": "GetObject", "eventSource": "s3.amazonaws.com", "awsRegion": region, "recipientAccountId": acct,
				"userIdentity": map[string]any{"type": "IAMUser", "userName": "ops"}})
		}
		body, _ := json.Marshal(map[string]any{"Records": recs})
		key := fmt.Sprintf("AWSLogs/%s/CloudTrail/%s/%s/%s_CloudTrail_%s_%s_%04d.json.gz", acct, region, at.Format("2006/01/02"), acct, region, stamp, n)
		objects[key] = s3test.Gzip(body)
	}
	return objects, events
}

// openBoth opens the same tree from disk and from S3 with opts.
func openBoth(t *testing.T, objects map[string][]byte, opts Options) map[string]Options {
	dir, bucket, s3Config := writeBoth(t, objects)
	s3Opts := opts
	s3Opts.AWS = s3Config
	return map[string]Options{dir: opts, "s3://" + bucket: s3Opts}
}

// writeBoth writes the same tree to a folder and to a bucket of a fresh
// moto_server, and returns the client config that reaches the bucket.
func writeBoth(t *testing.T, objects map[string][]byte) (dir, bucket string, s3Config aws.Config) {
	dir = t.TempDir()
	for k, v := range objects {
		f := filepath.Join(dir, filepath.FromSlash(k))
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, v, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bucket, up, p := s3NewBucket(t)
	up.Put(t, objects)
	return dir, bucket, s3test.Config(t, p.URL)
}

// readTree opens root and reads every partition to its end within a
// minute (a bound on a hang only): how often each event id came, and what
// discovery and paging skipped.
func readTree(t *testing.T, root string, opts Options) (map[string]int, []fetch.Skip) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	parts, skips, err := Open(ctx, []string{root}, opts)
	if err != nil {
		t.Fatal(err)
	}
	seen, pageSkips := readAllWithin(ctx, t, parts)
	for _, part := range parts {
		part.Pager.Close()
	}
	return seen, append(skips, pageSkips...)
}

func TestSinceFindsRecordsNewerThanTheirFileName(t *testing.T) {
	since := time.Date(2023, 7, 10, 0, 0, 0, 0, time.UTC)
	at := func(day, h, m int) time.Time { return time.Date(2023, 7, day, h, m, 0, 0, time.UTC) }
	t.Run("late within the tolerance: found, nothing said", func(t *testing.T) {
		objects, events := lateTree(map[string][]time.Time{
			"20230709T2200Z": {at(9, 22, 5), at(9, 22, 40)},                                // before since
			"20230709T2330Z": {at(9, 23, 40), at(9, 23, 50), at(10, 0, 10), at(10, 0, 20)}, // crosses midnight
			"20230710T0030Z": {at(10, 0, 35), at(10, 1, 5)},
		})
		for root, opts := range openBoth(t, objects, Options{Since: since}) {
			seen, skipped := readTree(t, root, opts)
			for id, when := range events {
				if want := !when.Before(since); (seen[id] == 1) != want {
					t.Errorf("%s: event %s at %v delivered %d times (since %v)", root, id, when, seen[id], since)
				}
			}
			if len(skipped) > 0 {
				t.Errorf("%s: skips %v", root, skipped)
			}
		}
	})
	t.Run("later than the tolerance: said, and what was read is delivered", func(t *testing.T) {
		objects, events := lateTree(map[string][]time.Time{
			"20230709T2200Z": {at(9, 22, 5), at(10, 0, 30)}, // pruned: its 00:30 record is lost
			"20230709T2330Z": {at(9, 23, 40), at(10, 1, 0)}, // read: 90 min newer than its name
			"20230710T0030Z": {at(10, 0, 35)},
		})
		for root, opts := range openBoth(t, objects, Options{Since: since}) {
			seen, skipped := readTree(t, root, opts)
			delivered := 0
			for id, when := range events {
				if seen[id] > 0 {
					delivered++
					if when.Before(since) {
						t.Errorf("%s: event %s at %v is before since", root, id, when)
					}
				}
			}
			if delivered != 2 {
				t.Errorf("%s: %d events delivered, want the 2 after since in the files read", root, delivered)
			}
			if all := skipped; len(all) != 1 || all[0].Ignored || !strings.Contains(all[0].What, "files named before 2023-07-09T23:00Z") ||
				!strings.Contains(all[0].Why, "20230709T2330Z") || !strings.Contains(all[0].Why, "1h30m0s newer") {
				t.Errorf("%s: want one skip naming the files not read and why, got %v", root, all)
			}
		}
	})
}
