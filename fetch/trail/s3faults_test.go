package trail

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"lazytrail/fetch"
	"lazytrail/fetch/trail/s3test"
	"lazytrail/model"
)

// faultDeadline is how long each case of the fault matrix may take, as a
// context: a run that hangs ends there and fails the test. Without faults
// the trail reads in about a second.
const faultDeadline = 2 * time.Minute

// faultStall is the deadline on progress the matrix reads with (30 s in
// use), so that a stalled request is given up quickly.
const faultStall = 300 * time.Millisecond

// s3TruthIDs is the ground truth of a bucket's log files, computed apart
// from the reader: every eventID in every object, by key, decoded here
// with encoding/json.
func s3TruthIDs(t testing.TB, objects map[string][]byte) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for key, body := range objects {
		if _, kind := ParseName(key); kind != Log {
			continue
		}
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		raw, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		var env struct {
			Records []struct {
				EventID string `json:"eventID"`
			}
		}
		if err := json.Unmarshal(raw, &env); err != nil {
			t.Fatal(err)
		}
		for _, r := range env.Records {
			out[key] = append(out[key], r.EventID)
		}
	}
	return out
}

// readAllWithin reads every partition to its end within ctx and returns
// the events' ids with how often each came, and every skip; a partition
// that fails or a ctx that ends fails the test.
func readAllWithin(ctx context.Context, t testing.TB, parts []fetch.Partition) (map[string]int, []fetch.Skip) {
	t.Helper()
	seen := map[string]int{}
	var skips []fetch.Skip
	for _, part := range parts {
		for {
			page, err := part.Pager.Next(ctx)
			if err != nil {
				t.Fatalf("%s/%s: %v (within %s: a hang ends there)", part.Account, part.Region, err, faultDeadline)
			}
			for _, e := range page.Events {
				seen[e.ID]++
			}
			skips = append(skips, page.Skipped...)
			if page.Done {
				break
			}
		}
	}
	return seen, skips
}

// The fault matrix: each fault injected by a proxy in front of
// moto_server, while the whole trail is read through Open. Every case
// ends within faultDeadline (a context), delivers every record that one
// retry recovers (compared with the records uploaded, counted apart), and
// names what it could not read.
func TestS3FaultMatrix(t *testing.T) {
	end := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	ctrlKey := "AWSLogs/123456789012/CloudTrail/eu-west-1/2026/03/02/notes\x01\x1b[31m.txt"
	cases := []struct {
		name   string
		faults []s3test.FaultRule
		setup  func(t *testing.T, up *s3test.Uploader, p *s3test.Proxy, objects map[string][]byte) (lost []string)
		named  []string // in the skips
	}{
		{name: "stall once on 15% of requests", faults: []s3test.FaultRule{{Fault: s3test.StallFault, Rate: 0.15, Once: true}}},
		{name: "reset once on 10% of GETs", faults: []s3test.FaultRule{{Fault: s3test.ResetFault, Op: "GetObject", Rate: 0.10, Once: true}}},
		{name: "truncated once on 10% of GETs", faults: []s3test.FaultRule{{Fault: s3test.TruncateFault, Op: "GetObject", Rate: 0.10, Once: true}}},
		{name: "503 SlowDown on 30% of requests", faults: []s3test.FaultRule{{Fault: s3test.SlowDownFault, Rate: 0.30}}},
		{name: "a key with control characters beside the log files",
			setup: func(t *testing.T, up *s3test.Uploader, p *s3test.Proxy, objects map[string][]byte) []string {
				up.Put(t, map[string][]byte{ctrlKey: []byte("not a log\n")})
				return nil
			},
			named: []string{model.Printable("notes\x01\x1b[31m.txt")}},
		{name: "an object deleted between list and GET",
			setup: func(t *testing.T, up *s3test.Uploader, p *s3test.Proxy, objects map[string][]byte) []string {
				keys := slices.Sorted(maps.Keys(objects))
				gone := keys[len(keys)/2]
				p.BeforeGet(gone, func() { up.Delete(t, gone) })
				return []string{gone}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bucket, up, p := s3NewBucket(t)
			objects, _ := benchTrail(48, 40, end)
			up.Put(t, objects)
			truth := s3TruthIDs(t, objects)
			var lost []string
			if tc.setup != nil {
				lost = tc.setup(t, up, p, objects)
			}
			for _, f := range tc.faults {
				p.Inject(f)
			}
			ctx, cancel := context.WithTimeout(context.Background(), faultDeadline)
			defer cancel()
			cfg := s3test.Config(t, p.URL)
			parts, discoverySkips, err := Open(ctx, []string{"s3://" + bucket}, Options{AWS: cfg, S3Stall: faultStall})
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			defer func() {
				for _, part := range parts {
					part.Pager.Close()
				}
			}()
			seen, skips := readAllWithin(ctx, t, parts)
			skips = append(discoverySkips, skips...)

			want := 0
			for key, ids := range truth {
				if slices.Contains(lost, key) {
					for _, id := range ids {
						if seen[id] != 0 {
							t.Errorf("event %s of the deleted %s was delivered", id, key)
						}
					}
					continue
				}
				wrong := 0
				for _, id := range ids {
					want++
					if seen[id] != 1 {
						wrong++
					}
				}
				if wrong > 0 {
					t.Errorf("%d of the %d events of %s not delivered exactly once", wrong, len(ids), key)
				}
			}
			got := 0
			for _, n := range seen {
				got += n
			}
			var faulted []string
			for _, f := range tc.faults {
				n, _ := p.Applied(f.Fault)
				faulted = append(faulted, fmt.Sprintf("%s ×%d", f.Fault, n))
				if n == 0 {
					t.Errorf("the proxy never injected %s: the case proves nothing", f.Fault)
				}
			}
			// Every skip is expected: the lost object named with its cause,
			// the stray named, nothing else.
			var shown []string // as the stream shows them
			for _, sk := range skips {
				shown = append(shown, model.Printable(sk.What)+": "+model.Printable(sk.Why))
			}
			skipText := strings.Join(shown, "\n")
			for _, sk := range skips {
				expected := sk.Ignored && strings.Contains(sk.What, "notes")
				for _, key := range lost {
					expected = expected || strings.HasSuffix(sk.What, key) && strings.Contains(sk.Why, "no longer exists")
				}
				if !expected {
					t.Errorf("skipped %s: %s", sk.What, sk.Why)
				}
			}
			for _, key := range lost {
				if !strings.Contains(skipText, key) {
					t.Errorf("the lost %s is not named among the skips: %s", key, skipText)
				}
			}
			for _, name := range tc.named {
				if !strings.Contains(skipText, name) {
					t.Errorf("%q is not named (escaped) among the skips: %s", name, skipText)
				}
			}
			t.Logf("%d of %d records delivered, %d lost with their object, faults %v, %d requests, %d skips",
				got, want, len(lost), faulted, len(p.Requests()), len(skips))
		})
	}
}

// A body that breaks off is continued only from the same object: when the
// object was replaced in between, the resumed GET's If-Match fails and the
// read ends with an error that says so (the two halves would not make one
// file), instead of splicing two versions.
func TestS3ResumeRefusesAReplacedObject(t *testing.T) {
	bucket, up, p := s3NewBucket(t)
	const key = "AWSLogs/x.json.gz"
	first := bytes.Repeat([]byte("first version "), 20000)
	up.Put(t, map[string][]byte{key: first})
	p.Inject(s3test.FaultRule{Fault: s3test.ResetFault, Op: "GetObject", Rate: 1, Once: true})
	s := newS3StoreStall(s3test.Config(t, p.URL), bucket, "", faultStall)
	ctx, cancel := context.WithTimeout(context.Background(), faultDeadline)
	defer cancel()
	rc, err := s.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	up.Put(t, map[string][]byte{key: bytes.Repeat([]byte("second version "), 20000)})
	got, err := io.ReadAll(rc)
	if err == nil || !strings.Contains(err.Error(), "the object changed while it was read") {
		t.Fatalf("read %d bytes, error %v: want the replacement named", len(got), err)
	}
	if !bytes.HasPrefix(first, got) {
		t.Errorf("the %d bytes read are not the first version's", len(got))
	}
	if n := p.Count("GetObject"); n != 2 {
		t.Errorf("%d GETs, want the first and one resumed", n)
	}
}
