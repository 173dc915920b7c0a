package trail

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"lazytrail/fetch"
)

// The same trees, written to disk and uploaded to S3, give the same
// partitions and the same events from both stores, and S3's layout (what
// athena-ddl reads) finds their AWSLogs/ folder: one rule for both.
func TestStoresAcceptTheSameLayouts(t *testing.T) {
	end := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	trees := []struct {
		name     string
		awsLogs  string // where benchTrail's AWSLogs/<account>/ goes
		root     string // the root named, below the folder or bucket
		location string // the layout's AWSLogs/[o-…/] folder
	}{
		{"organisation with a short id", "AWSLogs/o-abc123/", "", "AWSLogs/o-abc123/"},
		{"rooted at a short organisation id", "AWSLogs/o-abc123/", "AWSLogs/o-abc123", "AWSLogs/o-abc123/"},
		{"organisation with an AWS-shaped id", "AWSLogs/o-a1b2c3d4e5/", "", "AWSLogs/o-a1b2c3d4e5/"},
		{"account trail under a prefix", "central/logs/AWSLogs/", "central", "central/logs/AWSLogs/"},
	}
	for _, tc := range trees {
		t.Run(tc.name, func(t *testing.T) {
			raw, _ := benchTrail(8, 5, end)
			objects := map[string][]byte{}
			for k, v := range raw {
				objects[tc.awsLogs+strings.TrimPrefix(k, "AWSLogs/")] = v
			}
			truth := map[string]bool{}
			for _, ids := range s3TruthIDs(t, objects) {
				for _, id := range ids {
					truth[id] = true
				}
			}
			dir, bucket, s3Config := writeBoth(t, objects)

			ctx := context.Background()
			read := func(root string, opts Options) ([]string, map[string]int, []fetch.Skip) {
				parts, skips, err := Open(ctx, []string{root}, opts)
				if err != nil {
					t.Fatalf("%s: %v", root, err)
				}
				defer func() {
					for _, part := range parts {
						part.Pager.Close()
					}
				}()
				var names []string
				for _, part := range parts {
					names = append(names, part.Account+"/"+part.Region)
				}
				seen, _, pageSkips := readAll(t, parts)
				return names, seen, append(skips, pageSkips...)
			}
			localRoot := filepath.Join(dir, filepath.FromSlash(tc.root))
			s3Root := strings.TrimSuffix("s3://"+bucket+"/"+tc.root, "/")
			localParts, localSeen, localSkips := read(localRoot, Options{})
			s3Parts, s3Seen, s3Skips := read(s3Root, Options{AWS: s3Config})
			if !slices.Equal(localParts, s3Parts) {
				t.Errorf("partitions: local %v, S3 %v", localParts, s3Parts)
			}
			if len(localParts) != 4 {
				t.Errorf("%d partitions, the tree has 1 account × 4 regions: %v", len(localParts), localParts)
			}
			for name, seen := range map[string]map[string]int{"local": localSeen, "S3": s3Seen} {
				if !maps.Equal(seen, func() map[string]int {
					m := map[string]int{}
					for id := range truth {
						m[id] = 1
					}
					return m
				}()) {
					t.Errorf("%s: %d distinct events, the tree holds %d (each once)", name, len(seen), len(truth))
				}
			}
			if len(localSkips)+len(s3Skips) > 0 {
				t.Errorf("skips: local %v, S3 %v", localSkips, s3Skips)
			}
			l, err := Layout(ctx, s3Config, s3Root)
			if err != nil {
				t.Fatalf("layout of %s: %v", s3Root, err)
			}
			if got, want := l.Location(), "s3://"+bucket+"/"+tc.location; got != want {
				t.Errorf("layout's location %s, want %s", got, want)
			}
			if !slices.Equal(l.Accounts, []string{"123456789012"}) || len(l.Regions) != 4 {
				t.Errorf("layout: accounts %v, regions %v", l.Accounts, l.Regions)
			}
		})
	}
}

// Log files whose names are not CloudTrail's, inside AWSLogs/ (a
// foo.json.gz in a day folder, a name in capitals, a region folder of
// another shape, a JSON lines file beside the account folders), are read
// from both stores, not ignored.
func TestStoresReadLogFilesWithOtherNames(t *testing.T) {
	end := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	raw, _ := benchTrail(4, 3, end) // one file in each of 4 regions
	objects := map[string][]byte{}
	i := 0
	for _, k := range slices.Sorted(maps.Keys(raw)) {
		dir, name := k[:strings.LastIndexByte(k, '/')+1], k[strings.LastIndexByte(k, '/')+1:]
		switch i {
		case 0:
			name = "foo.json.gz"
		case 1:
			name = strings.ToUpper(name)
		case 2:
			dir = strings.Replace(dir, "/us-east-1/", "/US_EAST_1 (copy)/", 1)
		}
		objects[dir+name] = raw[k]
		i++
	}
	objects["AWSLogs/123456789012/CloudTrail/eu-west-1/2026/03/02/README.txt"] = []byte("not a log\n")
	truth := map[string]int{}
	for _, ids := range s3TruthIDs(t, raw) {
		for _, id := range ids {
			truth[id] = 1
		}
	}
	for root, opts := range openBoth(t, objects, Options{}) {
		parts, skips, err := Open(context.Background(), []string{root}, opts)
		if err != nil {
			t.Fatal(err)
		}
		seen, pageSkips := readAllWithin(context.Background(), t, parts)
		for _, part := range parts {
			part.Pager.Close()
		}
		if !maps.Equal(seen, truth) {
			t.Errorf("%s: %d distinct events, want the %d of the 4 files, each once", root, len(seen), len(truth))
		}
		for _, sk := range append(skips, pageSkips...) {
			if !sk.Ignored || !strings.HasSuffix(sk.What, "README.txt") {
				t.Errorf("%s: skipped %s: %s", root, sk.What, sk.Why)
			}
		}
	}
}

// Every entry of a folder that cannot be read is named, not the first
// five and a count.
func TestEveryUnreadableEntryIsNamed(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, goodName), goodFile())
	const fifos = 12
	for i := range fifos {
		if err := syscall.Mkfifo(filepath.Join(dir, fmt.Sprintf("pipe%02d.json", i)), 0o644); err != nil {
			t.Skip("no FIFOs here:", err)
		}
	}
	_, skips := openAll(t, Options{}, dir)
	text := whys(skips)
	for i := range fifos {
		if !strings.Contains(text, fmt.Sprintf("pipe%02d.json", i)) {
			t.Errorf("pipe%02d.json not named:\n%s", i, text)
		}
	}
	if strings.Contains(text, " more ") {
		t.Errorf("a count in place of names:\n%s", text)
	}
}
