package trail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"

	"lazytrail/fetch/trail/s3test"
)

// s3OrgTrail is a generated organisation trail as its S3 objects, with the
// ground truth computed while writing them (not by reading them back).
type s3OrgTrail struct {
	Org      string
	Accounts []string
	Regions  []string
	Objects  map[string][]byte // key -> body (log files gzip'd)
	Events   map[string]time.Time
	// Newest is each partition's log files of the newest day, newest first
	// ("acct/region" -> keys).
	Newest map[string][]string
	Logs   []string // every log file key
}

// s3GenOrgTrail writes an organisation trail of accounts × regions over days
// days ending on end's day (UTC). Each partition gets four files a day,
// stamped on 5-minute boundaries with records of the minutes before the
// stamp; the first file of each day after the first also holds a record
// of the day before (a late delivery, under the next day's folder), and
// its third file holds a record older than its second file's stamp. Beside
// them: digest and Insight files, stray keys and 0-byte folder markers.
func s3GenOrgTrail(prefix string, days int, end time.Time) *s3OrgTrail {
	g := &s3OrgTrail{
		Org:      "o-a1b2c3d4e5",
		Accounts: []string{"111111111111", "222222222222", "333333333333"},
		Regions:  []string{"ap-southeast-2", "eu-west-1", "us-east-1"},
		Objects:  map[string][]byte{},
		Events:   map[string]time.Time{},
		Newest:   map[string][]string{},
	}
	n := 0
	record := func(acct, region string, at time.Time) map[string]any {
		n++
		id := fmt.Sprintf("e%07d-%s-%s", n, acct[:3], region)
		g.Events[id] = at
		return map[string]any{
			"eventVersion": "1.11", "eventID": id, "eventTime": at.Format(time.RFC3339),
			"eventName": "DescribeInstances", "eventSource": "ec2.amazonaws.com", "awsRegion": region,
			"eventType": "AwsApiCall", "readOnly": true, "recipientAccountId": acct,
			"sourceIPAddress": "198.51.100.7", "userAgent": "aws-cli/2.15.0",
			"userIdentity": map[string]any{"type": "IAMUser", "accountId": acct,
				"userName": fmt.Sprintf("ops-%d", n%5), "arn": fmt.Sprintf("arn:aws:iam::%s:user/ops-%d", acct, n%5)},
		}
	}
	put := func(key string, recs []map[string]any) {
		body, err := json.Marshal(map[string]any{"Records": recs})
		if err != nil {
			panic(err)
		}
		g.Objects[prefix+key] = s3test.Gzip(body)
	}
	root := "AWSLogs/" + g.Org + "/"
	g.Objects[prefix+"AWSLogs/"] = nil
	g.Objects[prefix+"AWSLogs/README.txt"] = []byte("stray\n")
	g.Objects[prefix+"index.html"] = []byte("<html></html>")
	first := time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -(days - 1))
	stamps := []time.Duration{5 * time.Minute, 9*time.Hour + 35*time.Minute, 17*time.Hour + 50*time.Minute, 23*time.Hour + 55*time.Minute}
	for ai, acct := range g.Accounts {
		g.Objects[prefix+root+acct+"/CloudTrail/"] = nil
		for ri, region := range g.Regions {
			part := acct + "/" + region
			for d := range days {
				day := first.AddDate(0, 0, d)
				folder := root + acct + "/CloudTrail/" + region + day.Format("/2006/01/02/")
				var keys []string
				for si, st := range stamps {
					// Partitions are offset by a few minutes so that
					// their files interleave in time.
					stamp := day.Add(st).Add(-time.Duration(ai*3+ri) * 5 * time.Minute)
					if si == 0 {
						stamp = day.Add(st)
					}
					var recs []map[string]any
					for k := range 3 {
						recs = append(recs, record(acct, region, stamp.Add(-time.Duration(40+k*70)*time.Second)))
					}
					if si == 0 && d > 0 {
						recs = append(recs, record(acct, region, day.Add(-150*time.Second)))
					}
					if si == 2 {
						recs = append(recs, record(acct, region, day.Add(stamps[1]).Add(-3*time.Hour)))
					}
					key := folder + fmt.Sprintf("%s_CloudTrail_%s_%s_%s%04d.json.gz", acct, region, stamp.Format("20060102T1504Z"), "Ab12", si)
					put(key, recs)
					keys = append(keys, prefix+key)
					g.Logs = append(g.Logs, prefix+key)
				}
				if d == days-1 {
					slices.Reverse(keys)
					g.Newest[part] = keys
				}
				digest := root + acct + "/CloudTrail-Digest/" + region + day.Format("/2006/01/02/") +
					fmt.Sprintf("%s_CloudTrail-Digest_%s_org-trail_us-east-1_%s.json.gz", acct, region, day.Add(time.Hour).Format("20060102T150405Z"))
				g.Objects[prefix+digest] = s3test.Gzip([]byte(`{"awsAccountId":"` + acct + `","digestStartTime":"x","logFiles":[]}`))
				insight := root + acct + "/CloudTrail-Insight/" + region + day.Format("/2006/01/02/") +
					fmt.Sprintf("%s_CloudTrail-Insight_%s_%s_Ab12.json.gz", acct, region, day.Add(time.Hour).Format("20060102T1504Z"))
				g.Objects[prefix+insight] = s3test.Gzip([]byte(`{"Records":[{"eventVersion":"1.07","eventTime":"` +
					day.Add(time.Hour).Format(time.RFC3339) + `","awsRegion":"` + region + `","eventID":"insight-` + acct + region +
					day.Format("0102") + `","eventType":"AwsCloudTrailInsight","recipientAccountId":"` + acct + `","sharedEventID":"s","insightDetails":{}}]}`))
				if d == 0 {
					g.Objects[prefix+folder+"notes.txt"] = []byte("a stray key among the logs")
					g.Objects[prefix+folder] = nil
				}
			}
		}
	}
	return g
}

// s3OneLevel is the reference listing: the immediate children of dir among
// keys, computed from the objects alone (folder markers left out).
func s3OneLevel(objects map[string][]byte, prefix, dir string) []Entry {
	full := prefix + dir
	seen := map[string]bool{}
	var out []Entry
	for k, body := range objects {
		rest, ok := strings.CutPrefix(k, full)
		if !ok || rest == "" {
			continue
		}
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			d := dir + rest[:i+1]
			if !seen[d] {
				seen[d] = true
				out = append(out, Entry{Key: d, Dir: true, Size: -1})
			}
			continue
		}
		out = append(out, Entry{Key: dir + rest, Size: int64(len(body))})
	}
	s3SortEntries(out)
	return out
}

func s3SortEntries(es []Entry) {
	slices.SortFunc(es, func(a, b Entry) int { return strings.Compare(a.Key, b.Key) })
}

// s3Folders is every folder of the objects, relative to prefix, root first.
func s3Folders(objects map[string][]byte, prefix string) []string {
	set := map[string]bool{"": true}
	for k := range objects {
		rel, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		for i := strings.IndexByte(rel, '/'); i >= 0; {
			set[rel[:i+1]] = true
			j := strings.IndexByte(rel[i+1:], '/')
			if j < 0 {
				break
			}
			i += 1 + j
		}
	}
	return slices.Sorted(maps.Keys(set))
}

func TestS3StoreListsEveryLevel(t *testing.T) {
	for _, tc := range []struct {
		name, prefix string
		maxKeys      int
	}{
		{"bucket root", "", 0},
		{"under a prefix, two keys a page", "trails/org/", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bucket, up, p := s3NewBucket(t)
			end := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
			g := s3GenOrgTrail(tc.prefix, 4, end)
			up.Put(t, g.Objects)
			if tc.maxKeys > 0 {
				p.MaxKeys(tc.maxKeys)
			}
			s := s3ProxiedStore(t, p, bucket, strings.TrimSuffix(tc.prefix, "/"))
			ctx := context.Background()
			dirs := s3Folders(g.Objects, tc.prefix)
			if len(dirs) < 100 {
				t.Fatalf("only %d s3Folders generated", len(dirs))
			}
			for _, dir := range dirs {
				got, err := s.List(ctx, dir)
				if err != nil {
					t.Fatalf("List(%q): %v", dir, err)
				}
				s3SortEntries(got)
				if want := s3OneLevel(g.Objects, tc.prefix, dir); !slices.Equal(got, want) {
					t.Fatalf("List(%q) =\n%v\nwant\n%v", dir, got, want)
				}
			}
			// The day folder of the first day holds a 0-byte marker of
			// itself: not listed as a file of its own.
			day := "AWSLogs/" + g.Org + "/111111111111/CloudTrail/us-east-1/2026/02/27/"
			got, _ := s.List(ctx, day)
			for _, e := range got {
				if e.Key == day || e.Size == 0 {
					t.Errorf("folder marker listed: %+v", e)
				}
			}
			lists := 0
			for _, r := range p.Requests() {
				if r.Op != "ListObjectsV2" || r.Delimiter != "/" || r.Bucket != bucket {
					t.Errorf("request %v: want only delimiter listings of %s", r, bucket)
				}
				lists++
			}
			if tc.maxKeys > 0 && lists <= len(dirs)+1 {
				t.Errorf("%d listings for %d s3Folders at %d keys a page: the paginator did not follow", lists, len(dirs)+1, tc.maxKeys)
			}
		})
	}
}

func TestS3StoreOpenAndName(t *testing.T) {
	bucket, up, p := s3NewBucket(t)
	g := s3GenOrgTrail("logs/", 2, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))
	up.Put(t, g.Objects)
	s := s3ProxiedStore(t, p, bucket, "logs")
	key := strings.TrimPrefix(g.Logs[5], "logs/")
	rc, err := s.Open(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	if err := rc.Close(); err != nil {
		t.Fatal(err)
	}
	if string(body) != string(g.Objects[g.Logs[5]]) {
		t.Fatalf("read %d bytes, want the %d uploaded (the SDK must not ungzip)", len(body), len(g.Objects[g.Logs[5]]))
	}
	if got, want := s.Name(key), "s3://"+bucket+"/"+g.Logs[5]; got != want {
		t.Errorf("Name = %q, want %q", got, want)
	}
	if got := newS3Store(s3test.Config(t, p.URL), bucket, "").Name("AWSLogs/x"); got != "s3://"+bucket+"/AWSLogs/x" {
		t.Errorf("Name without prefix = %q", got)
	}
}

// s3CheckOneLine asserts err is told in one line, names what failed, carries
// the hint and none of the SDK's wrapping.
func s3CheckOneLine(t *testing.T, err error, opName string, wants ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	t.Log(msg)
	if strings.ContainsAny(msg, "\n\r") {
		t.Errorf("error spans lines: %q", msg)
	}
	for _, raw := range []string{"operation error", "https response error", "StatusCode", "RequestID", "api error"} {
		if strings.Contains(msg, raw) {
			t.Errorf("error carries the SDK's %q: %q", raw, msg)
		}
	}
	if !strings.HasPrefix(msg, opName+": ") {
		t.Errorf("error %q does not start with %q", msg, opName)
	}
	var pe *fs.PathError
	if !errors.As(err, &pe) || strings.Contains(pe.Err.Error(), "s3://") {
		t.Errorf("error %q is not a PathError whose cause leaves out the name", msg)
	}
	for _, w := range wants {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q lacks %q", msg, w)
		}
	}
}

func TestS3StoreErrors(t *testing.T) {
	bucket, up, p := s3NewBucket(t)
	g := s3GenOrgTrail("", 1, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))
	up.Put(t, g.Objects)
	s := s3ProxiedStore(t, p, bucket, "")
	ctx := context.Background()
	day := "AWSLogs/" + g.Org + "/222222222222/CloudTrail/eu-west-1/2026/03/02/"

	t.Run("an object vanishes between List and Open", func(t *testing.T) {
		es, err := s.List(ctx, day)
		if err != nil || len(es) < 2 {
			t.Fatal(es, err)
		}
		up.Delete(t, es[0].Key)
		_, err = s.Open(ctx, es[0].Key)
		s3CheckOneLine(t, err, "get "+s.Name(es[0].Key), "no longer exists")
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("errors.Is(%v, fs.ErrNotExist) = false", err)
		}
		var se *S3Error
		if !errors.As(err, &se) || se.Code != "NoSuchKey" {
			t.Errorf("code: %+v", se)
		}
		if _, err := s.Open(ctx, es[1].Key); err != nil {
			t.Errorf("the next object: %v", err)
		}
	})
	t.Run("an object is denied", func(t *testing.T) {
		key := g.Newest["333333333333/us-east-1"][0]
		p.Deny(key, false)
		_, err := s.Open(ctx, key)
		s3CheckOneLine(t, err, "get "+s.Name(key), "access denied", "s3:GetObject", "arn:aws:s3:::"+bucket+"/*)")
		if !errors.Is(err, fs.ErrPermission) {
			t.Errorf("errors.Is(%v, fs.ErrPermission) = false", err)
		}
	})
	t.Run("an SSE-KMS object without kms:Decrypt", func(t *testing.T) {
		key := g.Newest["333333333333/eu-west-1"][0]
		p.Deny(key, true)
		_, err := s.Open(ctx, key)
		s3CheckOneLine(t, err, "get "+s.Name(key), "KMS", "kms:Decrypt")
		if strings.Contains(err.Error(), "s3:GetObject") {
			t.Errorf("a KMS denial blames s3:GetObject: %v", err)
		}
		if !errors.Is(err, fs.ErrPermission) {
			t.Errorf("errors.Is(%v, fs.ErrPermission) = false", err)
		}
	})
	t.Run("a listing is denied", func(t *testing.T) {
		dir := "AWSLogs/" + g.Org + "/333333333333/"
		p.Deny(dir, false)
		_, err := s.List(ctx, dir)
		s3CheckOneLine(t, err, "list "+s.Name(dir), "access denied", "s3:ListBucket", "arn:aws:s3:::"+bucket)
		if !errors.Is(err, fs.ErrPermission) {
			t.Errorf("errors.Is(%v, fs.ErrPermission) = false", err)
		}
	})
	t.Run("no such bucket", func(t *testing.T) {
		none := s3ProxiedStore(t, p, bucket+"-none", "")
		_, err := none.List(ctx, "")
		s3CheckOneLine(t, err, "list s3://"+bucket+"-none", "no such bucket")
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("errors.Is(%v, fs.ErrNotExist) = false", err)
		}
	})
	t.Run("nothing listening", func(t *testing.T) {
		cfg := s3test.Config(t, s3ClosedURL(t))
		cfg.RetryMaxAttempts = 1
		_, err := newS3Store(cfg, bucket, "").List(ctx, "")
		s3CheckOneLine(t, err, "list s3://"+bucket+"/", "connection refused")
	})
}

// s3ClosedURL is a loopback URL where nothing listens.
func s3ClosedURL(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return "http://" + l.Addr().String()
}

func TestS3StoreReadEndsOnCancelAndClose(t *testing.T) {
	bucket, up, p := s3NewBucket(t)
	big := make([]byte, 256<<10)
	for i := range big {
		big[i] = byte(i * 7)
	}
	up.Put(t, map[string][]byte{"stall/a.json.gz": big, "stall/b.json.gz": big})
	s := s3ProxiedStore(t, p, bucket, "")
	for _, how := range []string{"cancel", "close"} {
		t.Run(how, func(t *testing.T) {
			key := "stall/a.json.gz"
			if how == "close" {
				key = "stall/b.json.gz"
			}
			defer p.Stall(key)()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			rc, err := s.Open(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			got := make([]byte, len(big)/2)
			if _, err := io.ReadFull(rc, got); err != nil {
				t.Fatalf("first half: %v", err)
			}
			done := make(chan error, 1)
			go func() {
				_, err := io.ReadAll(rc)
				done <- err
			}()
			select {
			case err := <-done:
				t.Fatalf("the stalled read returned early: %v", err)
			case <-time.After(100 * time.Millisecond):
			}
			start := time.Now()
			if how == "cancel" {
				cancel()
			} else {
				rc.Close()
			}
			select {
			case err := <-done:
				if err == nil {
					t.Fatal("the stalled read ended without an error")
				}
				if how == "cancel" && !errors.Is(err, context.Canceled) {
					t.Errorf("after cancel: %v, want context.Canceled", err)
				}
				if how == "cancel" {
					s3CheckOneLine(t, err, "read "+s.Name(key))
				}
				t.Logf("%s ended the read in %v: %v", how, time.Since(start), err)
			case <-time.After(10 * time.Second):
				t.Fatalf("%s did not end the stalled read", how)
			}
			rc.Close()
		})
	}
}

// The SDK resolves AWS_ENDPOINT_URL_S3 and AWS_ENDPOINT_URL from the
// environment into the config itself: the store must follow them, with
// path-style addressing, and use the virtual hosts of AWS without them.
func TestS3StoreFollowsTheSDKsEndpointSettings(t *testing.T) {
	bucket, up, p := s3NewBucket(t)
	up.Put(t, map[string][]byte{"AWSLogs/x.json": []byte(`{"Records":[]}`)})
	// localhost, not 127.0.0.1: the SDK would pick path style by
	// itself for an IP address.
	local := strings.Replace(p.URL, "127.0.0.1", "localhost", 1)
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
	}{
		{"AWS_ENDPOINT_URL_S3, over AWS_ENDPOINT_URL", map[string]string{"AWS_ENDPOINT_URL_S3": local, "AWS_ENDPOINT_URL": s3ClosedURL(t)}},
		{"AWS_ENDPOINT_URL", map[string]string{"AWS_ENDPOINT_URL": local}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"} {
				t.Setenv(k, "")
				os.Unsetenv(k)
			}
			t.Setenv("AWS_CONFIG_FILE", empty)
			t.Setenv("AWS_SHARED_CREDENTIALS_FILE", empty)
			t.Setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
			t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
			t.Setenv("AWS_REGION", "eu-west-1")
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			cfg, err := config.LoadDefaultConfig(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			p.Reset()
			es, err := newS3Store(cfg, bucket, "").List(context.Background(), "AWSLogs/")
			if err != nil {
				t.Fatal(err)
			}
			if len(es) != 1 || es[0].Key != "AWSLogs/x.json" {
				t.Fatalf("listed %v", es)
			}
			reqs := p.Requests()
			if len(reqs) != 1 || reqs[0].Bucket != bucket || reqs[0].Op != "ListObjectsV2" {
				t.Fatalf("proxy saw %v, want one path-style listing of %s", reqs, bucket)
			}
		})
	}
	t.Run("no override: virtual hosts, the config's HTTP client", func(t *testing.T) {
		cfg := s3test.Config(t, "")
		cfg.BaseEndpoint = nil
		// What a profile's ca_bundle and the proxy variables load.
		roots := x509.NewCertPool()
		proxyURL, _ := url.Parse("http://proxy.example:3128")
		cfg.HTTPClient = cfg.HTTPClient.(*awshttp.BuildableClient).WithTransportOptions(func(tr *http.Transport) {
			tr.TLSClientConfig = &tls.Config{RootCAs: roots}
			tr.Proxy = http.ProxyURL(proxyURL)
		})
		s := newS3Store(cfg, bucket, "").(*s3Store)
		o := s.client.Options()
		if o.UsePathStyle {
			t.Error("path style without an endpoint override")
		}
		// Wrapped for the deadline on progress; a copy of the config's
		// client with its settings (CA bundle, proxy), keeping an idle
		// connection for each read in flight.
		pc, ok := o.HTTPClient.(*progressClient)
		if !ok || pc.stall != DefaultS3Stall {
			t.Fatalf("the store replaced the config's HTTP client: %#v", o.HTTPClient)
		}
		inner, ok := pc.inner.(*awshttp.BuildableClient)
		if !ok {
			t.Fatalf("the store's HTTP client is a %T, not the config's buildable client", pc.inner)
		}
		tr := inner.GetTransport()
		if tr.TLSClientConfig == nil || tr.TLSClientConfig.RootCAs != roots {
			t.Error("the store's HTTP client lost the config's CA bundle")
		}
		if got, err := tr.Proxy(&http.Request{URL: &url.URL{Scheme: "https", Host: "s3.amazonaws.com"}}); err != nil || got == nil || got.String() != proxyURL.String() {
			t.Errorf("the store's HTTP client goes through proxy %v (%v), want %v", got, err, proxyURL)
		}
		if tr.MaxIdleConnsPerHost < S3Workers {
			t.Errorf("the store's HTTP client keeps %d idle connections a host, fewer than the %d reads in flight", tr.MaxIdleConnsPerHost, S3Workers)
		}
		if o.Region != "us-east-1" {
			t.Errorf("region %q", o.Region)
		}
	})
}

// A bucket in another region than the config's: S3 answers 301 with the
// bucket's region, and the store follows it once.
func TestS3StoreFollowsTheBucketsRegion(t *testing.T) {
	bucket, up, p := s3NewBucket(t)
	up.Put(t, map[string][]byte{"AWSLogs/x.json": []byte(`{}`)})
	front := s3test.NewRegionFront(t, p.URL, "eu-central-1")
	cfg := s3test.Config(t, front.URL)
	cfg.Region = "us-west-2"
	s := newS3Store(cfg, bucket, "")
	for range 2 {
		if es, err := s.List(context.Background(), "AWSLogs/"); err != nil || len(es) != 1 {
			t.Fatal(es, err)
		}
	}
	if rc, err := s.Open(context.Background(), "AWSLogs/x.json"); err != nil {
		t.Fatal(err)
	} else {
		rc.Close()
	}
	if got := front.Redirects(); got != 1 {
		t.Errorf("%d redirects, want 1 (the region is remembered)", got)
	}
}
