// Package trailtest generates CloudTrail trees for tests and benchmarks:
// the S3 layout of gzipped log files with realistic records, for given
// accounts × regions × days × files × records, optionally under an
// organisation id, with late-delivered records, records that break the
// name-time rule, digest files and stray keys. It computes the ground
// truth itself, independently of any reader. The same tree can be written
// to a folder (WriteDir) or uploaded to a bucket (Files).
package trailtest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Spec says what to generate. Zero fields take the defaults noted.
type Spec struct {
	Org            string    // "o-…" for an organisation trail; "" none
	Prefix         string    // a key prefix before AWSLogs/ ("" none; no trailing "/" needed)
	Accounts       []string  // default: one, 111122223333
	Regions        []string  // default: us-east-1
	Start          time.Time // the first (oldest) day, truncated to UTC midnight; default 2026-11-01
	Days           int       // default 1
	FilesPerDay    int       // per account × region; default 4
	RecordsPerFile int       // default 10
	// LateEvery puts, in every LateEvery-th file, one record delivered
	// late: its event time hours before the file's time (allowed by the
	// rule, just out of the file's window). 0: none.
	LateEvery int
	// BreakEvery puts, in every BreakEvery-th file, one record newer than
	// the file's name time: the rule broken (readers count them). 0: none.
	BreakEvery int
	Digests    bool // a digest file per account × region × day (not events)
	Strays     bool // stray keys: a README in each day folder, notes at the AWSLogs root
	Markers    bool // the 0-byte folder markers S3 consoles leave (Files only; WriteDir skips them)
	Seed       uint64
	Level      int // gzip level; 0 is gzip.DefaultCompression
}

// File is one object of the tree.
type File struct {
	Key  string
	Body []byte
}

// Event is one record written, as the ground truth knows it.
type Event struct {
	Time     time.Time
	ID       string
	Account  string
	Region   string
	Username string
	Key      string // the file that holds it
	Late     bool   // delivered late (older than its file's window)
	Breaks   bool   // newer than its file's name time
}

// Tree is a generated trail.
type Tree struct {
	files  []File
	events []Event
	logs   int
}

// Files are the objects of the tree, keys relative to the bucket.
func (t *Tree) Files() []File { return t.files }

// Events is the ground truth: every record written, newest first (ties
// by id).
func (t *Tree) Events() []Event { return t.events }

// LogFiles is how many log files the tree holds.
func (t *Tree) LogFiles() int { return t.logs }

// WriteDir writes the tree under dir (folder markers are skipped).
func (t *Tree) WriteDir(dir string) error {
	for _, f := range t.files {
		if strings.HasSuffix(f.Key, "/") {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(f.Key))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Body, 0o644); err != nil {
			return err
		}
	}
	return nil
}

var names = []struct{ source, name string }{
	{"ec2.amazonaws.com", "RunInstances"}, {"ec2.amazonaws.com", "DescribeInstances"},
	{"ec2.amazonaws.com", "StopInstances"}, {"sts.amazonaws.com", "AssumeRole"},
	{"s3.amazonaws.com", "GetBucketAcl"}, {"iam.amazonaws.com", "ListUsers"},
	{"secretsmanager.amazonaws.com", "GetSecretValue"}, {"cloudtrail.amazonaws.com", "LookupEvents"},
}

var users = []string{"adam", "christophe", "skeddly-scheduler", "terraform"}

// Generate builds the tree described by spec, deterministically.
func Generate(spec Spec) *Tree {
	if len(spec.Accounts) == 0 {
		spec.Accounts = []string{"111122223333"}
	}
	if len(spec.Regions) == 0 {
		spec.Regions = []string{"us-east-1"}
	}
	if spec.Start.IsZero() {
		spec.Start = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	}
	spec.Start = spec.Start.UTC().Truncate(24 * time.Hour)
	spec.Days = max(spec.Days, 1)
	if spec.FilesPerDay <= 0 {
		spec.FilesPerDay = 4
	}
	if spec.RecordsPerFile <= 0 {
		spec.RecordsPerFile = 10
	}
	if spec.Level == 0 {
		spec.Level = gzip.DefaultCompression
	}
	rng := rand.New(rand.NewPCG(spec.Seed, 0x7a11))
	root := "AWSLogs/"
	if spec.Prefix != "" {
		root = strings.Trim(spec.Prefix, "/") + "/" + root
	}
	awsLogs := root
	if spec.Org != "" {
		root += spec.Org + "/"
	}
	t := &Tree{}
	if spec.Strays {
		k := awsLogs + "notes.txt"
		t.files = append(t.files, File{Key: k, Body: []byte("not a log file\n")})
	}
	// Files of a day are spread over it on 5-minute stamps; the first is
	// at 00:05 and holds events from just before midnight.
	step := max((24*60/spec.FilesPerDay)/5*5, 5)
	seq := 0
	for _, acct := range spec.Accounts {
		if spec.Markers {
			t.files = append(t.files, File{Key: root + acct + "/CloudTrail/"})
		}
		for _, region := range spec.Regions {
			for d := 0; d < spec.Days; d++ {
				day := spec.Start.AddDate(0, 0, d)
				folder := fmt.Sprintf("%s%s/CloudTrail/%s/%s/", root, acct, region, day.Format("2006/01/02"))
				for f := 0; f < spec.FilesPerDay; f++ {
					seq++
					stamp := day.Add(time.Duration(5+f*step) * time.Minute)
					if stamp.Day() != day.Day() {
						stamp = day.Add(24*time.Hour - 5*time.Minute)
					}
					key := fmt.Sprintf("%s%s_CloudTrail_%s_%s_%s.json.gz", folder, acct, region, stamp.Format("20060102T1504Z"), unique(rng))
					recs := make([]map[string]any, 0, spec.RecordsPerFile)
					for r := 0; r < spec.RecordsPerFile; r++ {
						// within the 5 minutes before the stamp
						at := stamp.Add(-time.Duration(1+rng.IntN(299)) * time.Second)
						ev := Event{Account: acct, Region: region, Key: key}
						switch {
						case r == 0 && spec.LateEvery > 0 && seq%spec.LateEvery == 0:
							at = stamp.Add(-time.Duration(2+rng.IntN(5)) * time.Hour)
							ev.Late = true
						case r == 1 && spec.BreakEvery > 0 && seq%spec.BreakEvery == 0:
							at = stamp.Add(time.Duration(2+rng.IntN(50)) * time.Minute)
							ev.Breaks = true
						}
						ev.Time = at
						ev.ID = uuid(rng)
						ev.Username = users[rng.IntN(len(users))]
						recs = append(recs, record(rng, ev))
						t.events = append(t.events, ev)
					}
					body, err := json.Marshal(map[string]any{"Records": recs})
					if err != nil {
						panic(err)
					}
					t.files = append(t.files, File{Key: key, Body: gz(body, spec.Level)})
					t.logs++
				}
				if spec.Digests {
					k := fmt.Sprintf("%s%s/CloudTrail-Digest/%s/%s/%s_CloudTrail-Digest_%s_trail_us-east-1_%sZ.json.gz",
						root, acct, region, day.Format("2006/01/02"), acct, region, day.Add(time.Hour).Format("20060102T150405"))
					t.files = append(t.files, File{Key: k, Body: gz([]byte(`{"awsAccountId":"`+acct+`","digestStartTime":"`+day.Format(time.RFC3339)+`","logFiles":[]}`), spec.Level)})
				}
				if spec.Strays {
					t.files = append(t.files, File{Key: folder + "README.txt", Body: []byte("stray\n")})
				}
			}
		}
	}
	sort.Slice(t.events, func(i, j int) bool {
		if !t.events[i].Time.Equal(t.events[j].Time) {
			return t.events[i].Time.After(t.events[j].Time)
		}
		return t.events[i].ID < t.events[j].ID
	})
	return t
}

func unique(rng *rand.Rand) string {
	const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 16)
	for i := range b {
		b[i] = alpha[rng.IntN(len(alpha))]
	}
	return string(b)
}

func uuid(rng *rand.Rand) string {
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<12), 0x8000|rng.IntN(1<<14), rng.Uint64()&(1<<48-1))
}

func ip(rng *rand.Rand) string {
	return fmt.Sprintf("%d.%d.%d.%d", 1+rng.IntN(223), rng.IntN(256), rng.IntN(256), 1+rng.IntN(254))
}

// record is one management event shaped like the records of the
// stratus-red-team dataset (an IAM user's API call).
func record(rng *rand.Rand, ev Event) map[string]any {
	n := names[rng.IntN(len(names))]
	host := strings.Replace(n.source, ".amazonaws.com", "."+ev.Region+".amazonaws.com", 1)
	return map[string]any{
		"eventVersion": "1.10",
		"userIdentity": map[string]any{
			"type": "IAMUser", "principalId": "AIDA" + strings.ToUpper(unique(rng)),
			"arn":       "arn:aws:iam::" + ev.Account + ":user/" + ev.Username,
			"accountId": ev.Account, "accessKeyId": "AKIA" + strings.ToUpper(unique(rng)),
			"userName": ev.Username,
		},
		"eventTime":          ev.Time.UTC().Format(time.RFC3339),
		"eventSource":        n.source,
		"eventName":          n.name,
		"awsRegion":          ev.Region,
		"sourceIPAddress":    ip(rng),
		"userAgent":          "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/" + strings.ToLower(n.name),
		"requestParameters":  map[string]any{"maxResults": 50, "filterSet": map[string]any{"items": []any{map[string]any{"name": "instance-state-name", "valueSet": map[string]any{"items": []any{map[string]any{"value": "running"}}}}}}},
		"responseElements":   nil,
		"requestID":          uuid(rng),
		"eventID":            ev.ID,
		"readOnly":           strings.HasPrefix(n.name, "Describe") || strings.HasPrefix(n.name, "Get") || strings.HasPrefix(n.name, "List") || strings.HasPrefix(n.name, "Lookup"),
		"eventType":          "AwsApiCall",
		"managementEvent":    true,
		"recipientAccountId": ev.Account,
		"eventCategory":      "Management",
		"tlsDetails": map[string]any{
			"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256", "clientProvidedHostHeader": host,
		},
	}
}

func gz(b []byte, level int) []byte {
	var buf bytes.Buffer
	w, err := gzip.NewWriterLevel(&buf, level)
	if err != nil {
		panic(err)
	}
	w.Write(b)
	w.Close()
	return buf.Bytes()
}
