package trail

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"

	"lazytrail/fetch"
	"lazytrail/fetch/trail/s3test"
	"lazytrail/fetch/trail/trailtest"
	"lazytrail/model"
)

// openS3 opens s3://bucket through the proxy and closes every pager when
// the test ends.
func openS3(t testing.TB, p *s3test.Proxy, root string) ([]fetch.Partition, []fetch.Skip) {
	t.Helper()
	parts, skips, err := Open(context.Background(), []string{root}, Options{AWS: s3test.Config(t, p.URL)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, part := range parts {
			part.Pager.Close()
		}
	})
	return parts, skips
}

func TestS3FirstScreenRequests(t *testing.T) {
	bucket, up, p := s3NewBucket(t)
	end := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	g := s3GenOrgTrail("", 4, end) // 2026-02-27 .. 2026-03-02
	up.Put(t, g.Objects)
	s3CheckFirstScreen(t, p, "s3://"+bucket, "", g.Org, g.Accounts, g.Regions, g.Logs)
}

// s3CheckFirstScreen opens root over an organisation trail, takes the
// first page of every partition and checks the requests: the discovery
// listings (the bucket root, AWSLogs/, o-…/, each account and its
// CloudTrail/), then in each partition its region, newest year, newest
// month and newest day; GETs only of the newest day's files, the newest
// file of each partition among them; nothing else, never a listing without
// a delimiter, never a digest or Insight folder.
func s3CheckFirstScreen(t *testing.T, p *s3test.Proxy, root, prefix, org string, accounts, regions, logs []string) {
	t.Helper()
	newestFile := map[string]LogName{}
	newestKey := map[string]string{}
	for _, k := range logs {
		ln, kind := ParseName(k)
		if kind != Log {
			t.Fatalf("generated log %s does not parse", k)
		}
		part := ln.Account + "/" + ln.Region
		if cur, ok := newestFile[part]; !ok || ln.Time.After(cur.Time) || ln.Time.Equal(cur.Time) && k > newestKey[part] {
			newestFile[part], newestKey[part] = ln, k
		}
	}
	parts, _ := openS3(t, p, root)
	if len(parts) != len(accounts)*len(regions) {
		t.Fatalf("%d partitions, want %d accounts × %d regions: %v", len(parts), len(accounts), len(regions), parts)
	}
	ctx := context.Background()
	for _, part := range parts {
		page, err := part.Pager.Next(ctx)
		if err != nil {
			t.Fatalf("%s/%s: %v", part.Account, part.Region, err)
		}
		if len(page.Events) == 0 {
			t.Fatalf("%s/%s: an empty first page", part.Account, part.Region)
		}
	}
	firstPages := p.Requests()
	// Let the pagers' read-ahead (started as each first page was handed
	// out) finish or stop before counting everything.
	for _, part := range parts {
		part.Pager.Close()
	}
	all := p.Requests()

	awsLogs := prefix + "AWSLogs/"
	orgDir := awsLogs + org + "/"
	want := map[string]bool{"": true, awsLogs: true, orgDir: true}
	if prefix != "" {
		want[prefix] = true
	}
	newestDay := map[string]bool{}
	for _, acct := range accounts {
		want[orgDir+acct+"/"] = true
		want[orgDir+acct+"/CloudTrail/"] = true
		for _, region := range regions {
			ln := newestFile[acct+"/"+region]
			r := orgDir + acct + "/CloudTrail/" + region + "/"
			want[r] = true
			want[r+ln.Time.Format("2006/")] = true
			want[r+ln.Time.Format("2006/01/")] = true
			want[r+ln.Time.Format("2006/01/02/")] = true
			for _, k := range logs {
				if strings.HasPrefix(k, r+ln.Time.Format("2006/01/02/")) {
					newestDay[k] = true
				}
			}
		}
	}
	count := func(reqs []s3test.Request) (lists, gets map[string]int) {
		lists, gets = map[string]int{}, map[string]int{}
		for _, r := range reqs {
			switch {
			case r.Op == "ListObjectsV2" && r.Delimiter == "/":
				lists[r.Prefix]++
			case r.Op == "GetObject":
				gets[r.Key]++
			default:
				t.Errorf("request %v: a first screen lists with a delimiter and gets log files, nothing else", r)
			}
		}
		return lists, gets
	}
	lists, gets := count(all)
	for prefix, n := range lists {
		if !want[prefix] {
			t.Errorf("listed %q: not on the way to a partition's newest day", prefix)
		}
		if n > 1 {
			t.Errorf("listed %q %d times", prefix, n)
		}
	}
	for prefix := range want {
		if lists[prefix] == 0 {
			t.Errorf("never listed %q", prefix)
		}
	}
	for key, n := range gets {
		if !newestDay[key] {
			t.Errorf("got %s: not among the newest day's files of its partition", key)
		}
		if n > 1 {
			t.Errorf("got %s %d times", key, n)
		}
	}
	_, firstGets := count(firstPages)
	for part, key := range newestKey {
		if firstGets[key] == 0 {
			t.Errorf("%s: the first page did not get %s, its newest file", part, key)
		}
	}
	discovery := 3 + 2*len(accounts)
	if prefix != "" {
		discovery++
	}
	t.Logf("first page of %d partitions: %d listings (%d to discover the partitions, %d inside them: region, year, month, day), "+
		"%d GETs when the last first page was handed out, %d with the read-ahead those pages started (all of the newest day)",
		len(parts), len(lists), discovery, len(lists)-discovery, len(firstGets), len(gets))
}

// The other engineer's generator (trailtest), uploaded to moto: an
// organisation trail of 3 accounts × 3 regions over 5 days with late
// deliveries, digests, strays and folder markers. The first screen makes
// only the expected requests; the whole trail read through the ordered
// stream gives every event exactly once, newest first, as the ground truth
// has it.
func TestS3TrailtestOrgTrail(t *testing.T) {
	bucket, up, p := s3NewBucket(t)
	tree := trailtest.Generate(trailtest.Spec{
		Org: "o-z9y8x7w6v5", Accounts: []string{"210987654321", "333344445555", "987654321098"},
		Regions: []string{"eu-central-1", "sa-east-1", "us-east-1"}, Start: time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC),
		Days: 5, FilesPerDay: 6, RecordsPerFile: 20, LateEvery: 3, Digests: true, Strays: true, Markers: true, Seed: 9,
	})
	objects := map[string][]byte{}
	var logs []string
	for _, f := range tree.Files() {
		objects[f.Key] = f.Body
		if _, kind := ParseName(f.Key); kind == Log {
			logs = append(logs, f.Key)
		}
	}
	if len(logs) != tree.LogFiles() {
		t.Fatalf("%d log names parsed, the tree has %d log files", len(logs), tree.LogFiles())
	}
	up.Put(t, objects)
	t.Run("first screen", func(t *testing.T) {
		p.Reset()
		s3CheckFirstScreen(t, p, "s3://"+bucket, "", "o-z9y8x7w6v5",
			[]string{"210987654321", "333344445555", "987654321098"}, []string{"eu-central-1", "sa-east-1", "us-east-1"}, logs)
	})
	t.Run("everything, in order", func(t *testing.T) {
		p.Reset()
		ctx := context.Background()
		parts, skips, err := Open(ctx, []string{"s3://" + bucket}, Options{AWS: s3test.Config(t, p.URL)})
		if err != nil {
			t.Fatal(err)
		}
		st := fetch.OpenPartitions(ctx, parts, 20)
		defer st.Close()
		truth := tree.Events()
		st.Want(nil, len(truth)+1)
		var got []model.Event
		for {
			b, ok := st.Next(ctx)
			if !ok {
				break
			}
			got = append(got, b.Events...)
		}
		if len(got) != len(truth) {
			t.Errorf("%d events, the trail holds %d", len(got), len(truth))
		}
		// Newest first; events of the same second may come in any order.
		byID := map[string]trailtest.Event{}
		for _, w := range truth {
			byID[w.ID] = w
		}
		seen := map[string]int{}
		for i, g := range got {
			if i > 0 && g.Time.After(got[i-1].Time) {
				t.Errorf("event %d (%s at %v) is newer than the one before (%v)", i, g.ID, g.Time, got[i-1].Time)
			}
			seen[g.ID]++
			w, ok := byID[g.ID]
			if !ok || !g.Time.Equal(w.Time) || g.Username != w.Username || g.Account != w.Account || g.Region != w.Region {
				t.Errorf("event %s %v %s %s/%s, the ground truth has %+v", g.ID, g.Time, g.Username, g.Account, g.Region, w)
			}
		}
		for id := range byID {
			if seen[id] != 1 {
				t.Errorf("event %s delivered %d times, want once", id, seen[id])
			}
		}
		if len(skips) == 0 {
			t.Error("the stray keys were not reported")
		}
		for _, r := range p.Requests() {
			if r.Op == "ListObjectsV2" && r.Delimiter != "/" || r.Op != "ListObjectsV2" && r.Op != "GetObject" {
				t.Errorf("request %v", r)
			}
			if strings.Contains(r.Key+r.Prefix, "CloudTrail-Digest") {
				t.Errorf("%v: digests are not events", r)
			}
		}
		if n := p.Count("GetObject"); n != tree.LogFiles() {
			t.Errorf("%d GETs for %d log files", n, tree.LogFiles())
		}
		t.Logf("%d events from %d log files, %d requests", len(got), tree.LogFiles(), len(p.Requests()))
	})
}

// readAll pages every partition to its end, checks each keeps its
// promise (no event newer than an earlier page's horizon) and returns the
// events by id with how often each came.
func readAll(t testing.TB, parts []fetch.Partition) (map[string]int, []model.Event, []fetch.Skip) {
	t.Helper()
	ctx := context.Background()
	seen := map[string]int{}
	var all []model.Event
	var skips []fetch.Skip
	for _, part := range parts {
		var horizon time.Time
		for pages := 0; ; pages++ {
			page, err := part.Pager.Next(ctx)
			if err != nil {
				t.Fatalf("%s/%s page %d: %v", part.Account, part.Region, pages, err)
			}
			for _, e := range page.Events {
				if !horizon.IsZero() && e.Time.After(horizon) {
					t.Errorf("%s/%s: %s at %v after a page promised nothing newer than %v", part.Account, part.Region, e.ID, e.Time, horizon)
				}
				seen[e.ID]++
				all = append(all, e)
			}
			skips = append(skips, page.Skipped...)
			if page.Done {
				break
			}
			horizon = page.Horizon
		}
		if sp, ok := part.Pager.(StatsPager); ok && sp.Stats().Late != 0 {
			t.Errorf("%s/%s: %d late records in a trail that keeps the rule", part.Account, part.Region, sp.Stats().Late)
		}
	}
	return seen, all, skips
}

func TestS3ReadsTheWholeOrgTrail(t *testing.T) {
	bucket, up, p := s3NewBucket(t)
	g := s3GenOrgTrail("", 4, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))
	up.Put(t, g.Objects)
	parts, discoverySkips := openS3(t, p, "s3://"+bucket)
	seen, all, skips := readAll(t, parts)
	for id, at := range g.Events {
		if seen[id] != 1 {
			t.Errorf("event %s (%v) delivered %d times, want once", id, at, seen[id])
		}
	}
	for id := range seen {
		if _, ok := g.Events[id]; !ok {
			t.Errorf("event %s delivered, not in the trail's log files (an Insight or digest read as events?)", id)
		}
	}
	for _, e := range all {
		if at := g.Events[e.ID]; !e.Time.Equal(at) {
			t.Errorf("event %s at %v, want %v", e.ID, e.Time, at)
		}
	}
	skipped := fmt.Sprint(discoverySkips, skips)
	for _, stray := range []string{"README.txt", "notes.txt"} {
		if !strings.Contains(skipped, stray) {
			t.Errorf("the stray key %s is not reported as skipped: %s", stray, skipped)
		}
	}
	for _, r := range p.Requests() {
		if r.Op == "ListObjectsV2" && r.Delimiter != "/" {
			t.Errorf("a listing without a delimiter: %v", r)
		}
		if strings.Contains(r.Prefix, "CloudTrail-Digest/") || strings.Contains(r.Prefix, "CloudTrail-Insight/") ||
			strings.Contains(r.Key, "CloudTrail-Digest") || strings.Contains(r.Key, "CloudTrail-Insight") {
			t.Errorf("%v: digests and Insights are not read", r)
		}
	}
	if got := p.Count("GetObject"); got != len(g.Logs) {
		t.Errorf("%d GETs for %d log files", got, len(g.Logs))
	}
	t.Logf("%d events from %d log files in %d partitions, %d skips", len(all), len(g.Logs), len(parts), len(discoverySkips)+len(skips))
}

// The real records of the stratus-red-team dataset, uploaded in the
// layout CloudTrail writes, read back the same as the parser reads them.
func TestS3StratusDatasetMatchesTheParser(t *testing.T) {
	files, err := filepath.Glob("/work/shared/datasets/stratus-red-team/*.json")
	if err != nil || len(files) == 0 {
		t.Skip("the stratus-red-team dataset is not here")
	}
	bucket, up, p := s3NewBucket(t)
	objects := map[string][]byte{}
	want := map[string]model.Event{}
	for fi, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var recs []json.RawMessage
		if err := json.Unmarshal(raw, &recs); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		// One log file per account × region × delivery slot, named by
		// the newest record it holds, as CloudTrail would.
		type slot struct{ acct, region, stamp string }
		groups := map[slot][]json.RawMessage{}
		for _, r := range recs {
			r, err = json.Marshal(r) // compact, as it is written below
			if err != nil {
				t.Fatal(err)
			}
			e, err := model.FromRecord(string(r))
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			want[e.ID] = e
			var head struct {
				Account string `json:"recipientAccountId"`
				Region  string `json:"awsRegion"`
			}
			if err := json.Unmarshal(r, &head); err != nil {
				t.Fatal(err)
			}
			stamp := e.Time.UTC().Truncate(5 * time.Minute).Add(5 * time.Minute)
			k := slot{head.Account, head.Region, stamp.Format("20060102T1504Z")}
			groups[k] = append(groups[k], r)
		}
		n := 0
		for k, rs := range groups {
			n++
			body, err := json.Marshal(map[string]any{"Records": rs})
			if err != nil {
				t.Fatal(err)
			}
			day := k.stamp[:4] + "/" + k.stamp[4:6] + "/" + k.stamp[6:8]
			key := fmt.Sprintf("AWSLogs/%s/CloudTrail/%s/%s/%s_CloudTrail_%s_%s_S%02dx%03d.json.gz", k.acct, k.region, day, k.acct, k.region, k.stamp, fi, n)
			objects[key] = s3test.Gzip(body)
		}
	}
	up.Put(t, objects)
	parts, _ := openS3(t, p, "s3://"+bucket)
	seen, all, skips := readAll(t, parts)
	if len(skips) > 0 {
		t.Errorf("skipped: %v", skips)
	}
	if len(seen) != len(want) {
		t.Errorf("%d distinct events read, %d in the dataset", len(seen), len(want))
	}
	for _, e := range all {
		w, ok := want[e.ID]
		switch {
		case !ok:
			t.Errorf("event %s is not in the dataset", e.ID)
		case !e.Time.Equal(w.Time) || e.Username != w.Username || e.Name != w.Name || e.Region != w.Region || e.Account != w.Account:
			t.Errorf("event %s read as %v %q %q %q %q, the parser says %v %q %q %q %q",
				e.ID, e.Time, e.Username, e.Name, e.Region, e.Account, w.Time, w.Username, w.Name, w.Region, w.Account)
		case !reflect.DeepEqual(e, w):
			t.Errorf("event %s read as\n%+v\nthe parser says\n%+v", e.ID, e, w)
		}
	}
	t.Logf("%d records from %d dataset files, as %d log files in %d partitions", len(all), len(files), len(objects), len(parts))
}

// TestS3ReusesConnections reads a bucket of 240 log files to the end,
// every partition at once, from an endpoint that keeps connections alive
// (the proxy in front of moto): every body is read to its end and its
// connection goes back to the pool, which keeps as many as there are reads
// in flight (fetch.KeepConnections; its own test shows the bursts the
// SDK's 10 would dial again), so it dials about one connection per read
// in flight, not one per request, each of which against S3 would pay a
// TLS handshake.
func TestS3ReusesConnections(t *testing.T) {
	bucket, up, proxy := s3NewBucket(t)
	objects, total := benchTrail(240, 20, time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC))
	up.Put(t, objects)
	cfg, requests, dials := s3CountingConfig(t, proxy.URL)
	ctx := context.Background()
	parts, _, err := Open(ctx, []string{"s3://" + bucket}, Options{AWS: cfg})
	if err != nil {
		t.Fatal(err)
	}
	st := fetch.OpenPartitions(ctx, parts, 1000)
	defer st.Close()
	st.Want(nil, total+1)
	n := 0
	for {
		batch, ok := st.Next(ctx)
		if !ok {
			break
		}
		n += len(batch.Events)
	}
	if n != total {
		t.Fatalf("%d events, want %d", n, total)
	}
	// Listings may be in flight beside the GETs.
	if limit := int64(S3Workers + 16); dials.Load() > limit {
		t.Errorf("%d connections dialled for %d requests, want at most %d (one a request in flight)", dials.Load(), requests.Load(), limit)
	}
	t.Logf("%d requests over %d connections", requests.Load(), dials.Load())
}

// s3CountingClient counts the HTTP requests of an SDK client without
// replacing its transport: the benchmarks time moto itself, not a proxy.
type s3CountingClient struct {
	inner aws.HTTPClient
	n     atomic.Int64
}

func (c *s3CountingClient) Do(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.inner.Do(r)
}

// s3CountingConfig is s3test.Config with its HTTP requests (every attempt)
// counted in the SDK's middleware and the connections it dials counted in
// the transport's dialer: the HTTP client stays the SDK's buildable one,
// so that the store's own transport settings (the idle connections it
// keeps) apply, as they do to the config a user's profile loads.
func s3CountingConfig(tb testing.TB, endpoint string) (cfg aws.Config, requests, dials *atomic.Int64) {
	cfg = s3test.Config(tb, endpoint)
	requests, dials = new(atomic.Int64), new(atomic.Int64)
	cfg.APIOptions = append(cfg.APIOptions, func(st *middleware.Stack) error {
		return st.Deserialize.Add(middleware.DeserializeMiddlewareFunc("countRequests",
			func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
				requests.Add(1)
				return next.HandleDeserialize(ctx, in)
			}), middleware.Before)
	})
	cfg.HTTPClient = cfg.HTTPClient.(*awshttp.BuildableClient).WithTransportOptions(func(t *http.Transport) {
		dial := t.DialContext
		t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			dials.Add(1)
			return dial(ctx, network, addr)
		}
	})
	return cfg, requests, dials
}

// benchRecord is one realistic record (about 1 KB of JSON, like the
// management events of a real trail).
func benchRecord(acct, region string, k int, at time.Time) map[string]any {
	return map[string]any{
		"eventVersion": "1.11", "eventID": fmt.Sprintf("b%08d-0000-4000-8000-%s", k, acct),
		"eventTime": at.Format(time.RFC3339), "eventName": "AssumeRole", "eventSource": "sts.amazonaws.com",
		"awsRegion": region, "eventType": "AwsApiCall", "eventCategory": "Management", "readOnly": true,
		"managementEvent": true, "recipientAccountId": acct, "requestID": fmt.Sprintf("req-%08d", k),
		"sourceIPAddress": "ec2.amazonaws.com", "userAgent": "aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/sts#1.30.3",
		"userIdentity": map[string]any{"type": "AssumedRole", "principalId": "AROAEXAMPLE:skeddly-" + fmt.Sprint(k%17),
			"arn": fmt.Sprintf("arn:aws:sts::%s:assumed-role/ops/skeddly-%d", acct, k%17), "accountId": acct,
			"accessKeyId": "ASIAEXAMPLEKEY", "sessionContext": map[string]any{
				"sessionIssuer": map[string]any{"type": "Role", "principalId": "AROAEXAMPLE", "arn": "arn:aws:iam::" + acct + ":role/ops", "accountId": acct, "userName": "ops"},
				"attributes":    map[string]any{"creationDate": at.Add(-time.Hour).Format(time.RFC3339), "mfaAuthenticated": "false"}}},
		"requestParameters": map[string]any{"roleArn": "arn:aws:iam::" + acct + ":role/deploy", "roleSessionName": fmt.Sprintf("session-%d", k), "durationSeconds": 3600},
		"responseElements": map[string]any{"credentials": map[string]any{"accessKeyId": "ASIAEXAMPLE2", "sessionToken": "IQoJb3JpZ2luX2VjEXAMPLE", "expiration": at.Add(time.Hour).Format("Jan 2, 2006, 3:04:05 PM")},
			"assumedRoleUser": map[string]any{"assumedRoleId": "AROAEXAMPLE2:session", "arn": "arn:aws:sts::" + acct + ":assumed-role/deploy/session"}},
		"resources":  []any{map[string]any{"accountId": acct, "type": "AWS::IAM::Role", "ARN": "arn:aws:iam::" + acct + ":role/deploy"}},
		"tlsDetails": map[string]any{"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256", "clientProvidedHostHeader": "sts." + region + ".amazonaws.com"},
	}
}

// benchTrail is files × perFile records of one account over 4 regions,
// one file every 5 minutes per region ending at end; it returns the
// objects and the number of records.
func benchTrail(files, perFile int, end time.Time) (map[string][]byte, int) {
	const acct = "123456789012"
	regions := []string{"eu-west-1", "us-east-1", "us-west-2", "ap-south-1"}
	objects := map[string][]byte{}
	k := 0
	for f := range files {
		region := regions[f%len(regions)]
		stamp := end.Add(-time.Duration(f/len(regions)) * 5 * time.Minute)
		recs := make([]map[string]any, perFile)
		for i := range recs {
			recs[i] = benchRecord(acct, region, k, stamp.Add(-time.Duration(perFile-i)*250*time.Millisecond))
			k++
		}
		body, err := json.Marshal(map[string]any{"Records": recs})
		if err != nil {
			panic(err)
		}
		key := fmt.Sprintf("AWSLogs/%s/CloudTrail/%s/%s/%s_CloudTrail_%s_%s_%016x.json.gz",
			acct, region, stamp.Format("2006/01/02"), acct, region, stamp.Format("20060102T1504Z"), f)
		objects[key] = s3test.Gzip(body)
	}
	return objects, k
}

// syncToJSONL is the peer: what a Go tool that syncs a trail bucket to
// JSON lines does (written here for the comparison, after the shape of
// such tools): list the whole bucket, download with 50 workers, gunzip,
// decode the envelope and write every record as one line, in no order.
func syncToJSONL(ctx context.Context, c *s3.Client, bucket string, w io.Writer) (int, error) {
	keys := make(chan string, 1000)
	var listErr error
	go func() {
		defer close(keys)
		p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String("AWSLogs/")})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				listErr = err
				return
			}
			for _, o := range page.Contents {
				if k := aws.ToString(o.Key); len(k) > 8 && k[len(k)-8:] == ".json.gz" {
					keys <- k
				}
			}
		}
	}()
	var (
		mu      sync.Mutex
		out     = bufio.NewWriterSize(w, 1<<20)
		records atomic.Int64
		first   error
		once    sync.Once
		wg      sync.WaitGroup
	)
	fail := func(err error) { once.Do(func() { first = err }) }
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for key := range keys {
				obj, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
				if err != nil {
					fail(err)
					continue
				}
				zr, err := gzip.NewReader(obj.Body)
				if err != nil {
					obj.Body.Close()
					fail(err)
					continue
				}
				var env struct{ Records []json.RawMessage }
				err = json.NewDecoder(zr).Decode(&env)
				obj.Body.Close()
				if err != nil {
					fail(err)
					continue
				}
				mu.Lock()
				for _, r := range env.Records {
					out.Write(r)
					out.WriteByte('\n')
				}
				mu.Unlock()
				records.Add(int64(len(env.Records)))
			}
		}()
	}
	wg.Wait()
	if err := out.Flush(); err != nil && first == nil {
		first = err
	}
	if listErr != nil {
		return int(records.Load()), listErr
	}
	return int(records.Load()), first
}

// The benchmark's bucket: 100 files × 1,000 records on the package's
// moto_server, uploaded once per process.
var s3Bench struct {
	once    sync.Once
	bucket  string
	records int
	err     error
}

func s3BenchBucket(b *testing.B) (string, int) {
	url := s3Moto(b)
	s3Bench.once.Do(func() {
		s3Bench.bucket = "bench-s3-read"
		objects, n := benchTrail(100, 1000, time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC))
		up := s3test.NewUploader(b, url, s3Bench.bucket)
		up.Put(b, objects)
		s3Bench.records = n
	})
	return s3Bench.bucket, s3Bench.records
}

// BenchmarkS3Read reads 100,000 records (100 files × 1,000) from
// moto_server S3: lazytrail through trail.Open and the ordered merge to
// the end, and the peer (an unordered 50-worker bucket-to-JSONL sync), in
// the same run; both write every record as a line to io.Discard.
func BenchmarkS3Read(b *testing.B) {
	bucket, total := s3BenchBucket(b)
	url := s3Moto(b)
	b.Run("lazytrail-ordered", func(b *testing.B) {
		cfg, requests, dials := s3CountingConfig(b, url)
		b.ResetTimer()
		for range b.N {
			ctx := context.Background()
			parts, _, err := Open(ctx, []string{"s3://" + bucket}, Options{AWS: cfg})
			if err != nil {
				b.Fatal(err)
			}
			st := fetch.OpenPartitions(ctx, parts, 1000)
			st.Want(nil, total+1)
			w := bufio.NewWriterSize(io.Discard, 1<<20)
			n := 0
			var last time.Time
			for {
				batch, ok := st.Next(ctx)
				if !ok {
					break
				}
				for i := range batch.Events {
					e := &batch.Events[i]
					if !last.IsZero() && e.Time.After(last) {
						b.Fatalf("out of order: %v after %v", e.Time, last)
					}
					last = e.Time
					w.WriteString(e.Raw)
					w.WriteByte('\n')
				}
				n += len(batch.Events)
			}
			w.Flush()
			st.Close()
			if n != total {
				b.Fatalf("%d events, want %d", n, total)
			}
		}
		b.ReportMetric(float64(total*b.N)/b.Elapsed().Seconds(), "events/s")
		b.ReportMetric(float64(requests.Load())/float64(b.N), "requests/op")
		b.ReportMetric(float64(dials.Load())/float64(b.N), "connections/op")
	})
	// The same files from local disk through the same reader: what the
	// decoding and the merge cost without S3.
	b.Run("lazytrail-ordered-same-files-local-disk", func(b *testing.B) {
		dir := b.TempDir()
		objects, _ := benchTrail(100, 1000, time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC))
		for k, v := range objects {
			f := filepath.Join(dir, filepath.FromSlash(k))
			if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(f, v, 0o644); err != nil {
				b.Fatal(err)
			}
		}
		b.ResetTimer()
		for range b.N {
			ctx := context.Background()
			parts, _, err := Open(ctx, []string{dir}, Options{})
			if err != nil {
				b.Fatal(err)
			}
			st := fetch.OpenPartitions(ctx, parts, 1000)
			st.Want(nil, total+1)
			w := bufio.NewWriterSize(io.Discard, 1<<20)
			n := 0
			for {
				batch, ok := st.Next(ctx)
				if !ok {
					break
				}
				for i := range batch.Events {
					w.WriteString(batch.Events[i].Raw)
					w.WriteByte('\n')
				}
				n += len(batch.Events)
			}
			w.Flush()
			st.Close()
			if n != total {
				b.Fatalf("%d events, want %d", n, total)
			}
		}
		b.ReportMetric(float64(total*b.N)/b.Elapsed().Seconds(), "events/s")
	})
	b.Run("peer-sync-50-workers-unordered", func(b *testing.B) {
		cfg := s3test.Config(b, url)
		cc := &s3CountingClient{inner: cfg.HTTPClient}
		cfg.HTTPClient = cc
		c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
		b.ResetTimer()
		for range b.N {
			n, err := syncToJSONL(context.Background(), c, bucket, io.Discard)
			if err != nil {
				b.Fatal(err)
			}
			if n != total {
				b.Fatalf("%d records, want %d", n, total)
			}
		}
		b.ReportMetric(float64(total*b.N)/b.Elapsed().Seconds(), "events/s")
		b.ReportMetric(float64(cc.n.Load())/float64(b.N), "requests/op")
	})
}
