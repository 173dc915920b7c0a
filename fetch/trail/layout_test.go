package trail

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"lazytrail/fetch/trail/s3test"
)

// layoutLog is the key of one (empty) log file of account × region on
// day, under prefix and org ("" for an account trail).
func layoutLog(prefix, org, acct, region, day string) string {
	dir := prefix + "AWSLogs/"
	if org != "" {
		dir += org + "/"
	}
	t, err := time.Parse("2006/01/02", day)
	if err != nil {
		panic(err)
	}
	return fmt.Sprintf("%s%s/CloudTrail/%s/%s/%s_CloudTrail_%s_%s_Ab12.json.gz",
		dir, acct, region, day, acct, region, t.Add(13*time.Hour+5*time.Minute).Format(stampLayout))
}

// layoutOf runs Layout over the proxy and checks that it only made
// delimiter listings, as many as it says.
func layoutOf(t *testing.T, p *s3test.Proxy, root string) (BucketLayout, []string) {
	t.Helper()
	p.Reset()
	l, err := Layout(context.Background(), s3test.Config(t, p.URL), root)
	if err != nil {
		t.Fatalf("Layout(%s): %v", root, err)
	}
	var lists []string
	for _, r := range p.Requests() {
		if r.Op != "ListObjectsV2" || r.Delimiter != "/" {
			t.Errorf("%v: Layout only lists with a delimiter", r)
			continue
		}
		lists = append(lists, r.Prefix)
	}
	if l.Lists != len(lists) {
		t.Errorf("Lists = %d, the proxy saw %d", l.Lists, len(lists))
	}
	sort.Strings(lists)
	return l, lists
}

func layoutDay(s string) time.Time {
	t, err := time.Parse("2006/01/02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// An organisation trail under a prefix, beside what is not its logs
// (digests, another service's logs, strays): the accounts, the union of
// their regions, and the earliest day, found with the listings on the way
// and those of the earliest year's and month's folders only.
func TestLayoutOrgTrail(t *testing.T) {
	bucket, up, p := s3NewBucket(t)
	const org, pre = "o-a1b2c3d4e5", "central/"
	a1, a2 := "111111111111", "222222222222"
	objects := map[string][]byte{}
	for _, k := range []string{
		layoutLog(pre, org, a1, "us-east-1", "2025/11/30"),
		layoutLog(pre, org, a1, "us-east-1", "2026/01/02"),
		layoutLog(pre, org, a1, "eu-west-1", "2025/03/04"),
		layoutLog(pre, org, a2, "eu-west-1", "2025/02/10"),
		layoutLog(pre, org, a2, "eu-west-1", "2025/02/11"),
		layoutLog(pre, org, a2, "ap-southeast-2", "2025/02/03"), // the earliest
		layoutLog(pre, org, a2, "ap-southeast-2", "2026/03/01"),
	} {
		objects[k] = nil
	}
	objects[pre+"AWSLogs/"+org+"/"+a1+"/CloudTrail-Digest/us-east-1/2024/01/01/d.json.gz"] = nil
	objects[pre+"AWSLogs/"+org+"/"+a1+"/elasticloadbalancing/us-east-1/2020/01/01/x.log"] = nil
	objects[pre+"AWSLogs/"+org+"/not-an-account/CloudTrail/us-east-1/2020/01/01/x.json.gz"] = nil
	objects[pre+"AWSLogs/"+org+"/"+a2+"/CloudTrail/us-east-1/README"] = nil // no day folder: a region still
	objects[pre+"README.md"] = nil
	objects["other/AWSLogs/readme"] = nil // not looked at: the prefix is named
	up.Put(t, objects)

	orgDir := pre + "AWSLogs/" + org + "/"
	want := BucketLayout{
		Bucket: bucket, Prefix: pre, Org: org,
		Accounts: []string{a1, a2}, Regions: []string{"ap-southeast-2", "eu-west-1", "us-east-1"},
		Earliest: layoutDay("2025/02/03"), EarliestExact: true,
	}
	l, lists := layoutOf(t, p, "s3://"+bucket+"/central")
	wantLists := []string{
		pre, pre + "AWSLogs/", orgDir,
		orgDir + a1 + "/CloudTrail/", orgDir + a2 + "/CloudTrail/",
		// years of every partition
		orgDir + a1 + "/CloudTrail/eu-west-1/", orgDir + a1 + "/CloudTrail/us-east-1/",
		orgDir + a2 + "/CloudTrail/ap-southeast-2/", orgDir + a2 + "/CloudTrail/eu-west-1/", orgDir + a2 + "/CloudTrail/us-east-1/",
		// months of those whose first year is 2025, days of those whose first month is 02
		orgDir + a1 + "/CloudTrail/eu-west-1/2025/", orgDir + a1 + "/CloudTrail/us-east-1/2025/", orgDir + a2 + "/CloudTrail/ap-southeast-2/2025/", orgDir + a2 + "/CloudTrail/eu-west-1/2025/",
		orgDir + a2 + "/CloudTrail/ap-southeast-2/2025/02/", orgDir + a2 + "/CloudTrail/eu-west-1/2025/02/",
	}
	sort.Strings(wantLists)
	wantGot := want
	wantGot.Lists = len(wantLists)
	if !reflect.DeepEqual(l, wantGot) {
		t.Errorf("Layout:\n%+v\nwant\n%+v", l, wantGot)
	}
	if !slices.Equal(lists, wantLists) {
		t.Errorf("listed\n%s\nwant\n%s", strings.Join(lists, "\n"), strings.Join(wantLists, "\n"))
	}
	if loc := l.Location(); loc != "s3://"+bucket+"/central/AWSLogs/"+org+"/" {
		t.Errorf("Location = %s", loc)
	}
	t.Logf("%d listings: %v", len(lists), l)

	// The same trail from the bucket's root (AWSLogs/ is one folder
	// down), and from the organisation's folder.
	// From the bucket's root, the first level's folders are all listed
	// (other/AWSLogs/ holds no account: not a trail).
	for root, diff := range map[string][]string{
		"s3://" + bucket:                                   {"+", "+other/", "+other/AWSLogs/"},
		"s3://" + bucket + "/central/AWSLogs":              {"-" + pre},
		"s3://" + bucket + "/central/AWSLogs/" + org + "/": {"-" + pre, "-" + pre + "AWSLogs/"},
	} {
		l, lists := layoutOf(t, p, root)
		l.Lists = 0
		if !reflect.DeepEqual(l, want) {
			t.Errorf("Layout(%s):\n%+v\nwant\n%+v", root, l, want)
		}
		want := slices.Clone(wantLists)
		for _, d := range diff {
			if d[0] == '+' {
				want = append(want, d[1:])
			} else {
				want = slices.DeleteFunc(want, func(s string) bool { return s == d[1:] })
			}
		}
		sort.Strings(want)
		if !slices.Equal(lists, want) {
			t.Errorf("Layout(%s) listed\n%s\nwant\n%s", root, strings.Join(lists, "\n"), strings.Join(want, "\n"))
		}
	}

	// A root inside the layout narrows it to what it names.
	l, _ = layoutOf(t, p, "s3://"+bucket+"/"+orgDir+a1)
	if !slices.Equal(l.Accounts, []string{a1}) || !slices.Equal(l.Regions, []string{"eu-west-1", "us-east-1"}) ||
		l.Org != org || l.Prefix != pre || !l.Earliest.Equal(layoutDay("2025/03/04")) {
		t.Errorf("an account's root: %+v", l)
	}
	l, lists = layoutOf(t, p, "s3://"+bucket+"/"+orgDir+a2+"/CloudTrail/eu-west-1/")
	if !slices.Equal(l.Accounts, []string{a2}) || !slices.Equal(l.Regions, []string{"eu-west-1"}) ||
		l.Org != org || l.Prefix != pre || !l.Earliest.Equal(layoutDay("2025/02/10")) {
		t.Errorf("a region's root: %+v", l)
	}
	if len(lists) != 4 { // CloudTrail/, the region, its year, its month
		t.Errorf("a region's root: listed %v", lists)
	}
}

// An account trail at the bucket's root: no organisation, the earliest
// year shared by both regions, the earliest month in one.
func TestLayoutAccountTrail(t *testing.T) {
	bucket, up, p := s3NewBucket(t)
	acct := "123456789012"
	up.Put(t, map[string][]byte{
		layoutLog("", "", acct, "us-east-1", "2026/03/01"):   nil,
		layoutLog("", "", acct, "us-west-2", "2026/02/27"):   nil,
		layoutLog("", "", acct, "us-west-2", "2026/02/28"):   nil,
		"AWSLogs/" + acct + "/CloudTrail-Digest/x/y.json.gz": nil,
	})
	l, lists := layoutOf(t, p, "s3://"+bucket)
	want := BucketLayout{Bucket: bucket, Accounts: []string{acct}, Regions: []string{"us-east-1", "us-west-2"},
		Earliest: layoutDay("2026/02/27"), EarliestExact: true, Lists: 8}
	if !reflect.DeepEqual(l, want) {
		t.Errorf("Layout:\n%+v\nwant\n%+v", l, want)
	}
	ct := "AWSLogs/" + acct + "/CloudTrail/"
	wantLists := []string{"", "AWSLogs/", ct, ct + "us-east-1/", ct + "us-east-1/2026/", ct + "us-west-2/", ct + "us-west-2/2026/", ct + "us-west-2/2026/02/"}
	sort.Strings(wantLists)
	if !slices.Equal(lists, wantLists) {
		t.Errorf("listed %q, want %q", lists, wantLists)
	}
	if loc := l.Location(); loc != "s3://"+bucket+"/AWSLogs/" {
		t.Errorf("Location = %s", loc)
	}
}

// More account × region folders than MaxLayoutProbes: one region of each
// account is probed (us-east-1), and the earliest day says it is not
// exact; the listings stay bounded.
func TestLayoutLargeOrgProbesASample(t *testing.T) {
	bucket, up, p := s3NewBucket(t)
	const org = "o-z9y8x7w6v5"
	objects := map[string][]byte{}
	n := MaxLayoutProbes/2 + 1
	for i := range n {
		acct := fmt.Sprintf("%012d", 100000000000+i)
		objects[layoutLog("", org, acct, "us-east-1", "2025/06/01")] = nil
		objects[layoutLog("", org, acct, "eu-west-1", "2025/05/01")] = nil
	}
	up.Put(t, objects)
	l, lists := layoutOf(t, p, "s3://"+bucket)
	if len(l.Accounts) != n || !slices.Equal(l.Regions, []string{"eu-west-1", "us-east-1"}) {
		t.Fatalf("%d accounts, regions %v", len(l.Accounts), l.Regions)
	}
	if l.EarliestExact || !l.Earliest.Equal(layoutDay("2025/06/01")) {
		t.Errorf("Earliest = %v, exact %v; want 2025/06/01 from us-east-1, not exact", l.Earliest, l.EarliestExact)
	}
	// root, AWSLogs/, the org, each CloudTrail/, then each us-east-1
	// three levels down.
	if max := 3 + n + 3*n; len(lists) > max {
		t.Errorf("%d listings, want at most %d", len(lists), max)
	}
}

// layoutFails runs Layout and returns its error, which must be one line.
func layoutFails(t *testing.T, p *s3test.Proxy, root string, wants ...string) error {
	t.Helper()
	cfg := s3test.Config(t, p.URL)
	cfg.RetryMaxAttempts = 1
	l, err := Layout(context.Background(), cfg, root)
	if err == nil {
		t.Fatalf("Layout(%s) = %+v, want an error", root, l)
	}
	msg := err.Error()
	if strings.ContainsAny(msg, "\n\r") {
		t.Errorf("not one line: %q", msg)
	}
	if !strings.HasPrefix(msg, "trail ") {
		t.Errorf("%q does not start with trail <root>:", msg)
	}
	for _, w := range wants {
		if !strings.Contains(msg, w) {
			t.Errorf("%q does not say %q", msg, w)
		}
	}
	t.Logf("%s", msg)
	return err
}

func TestLayoutErrors(t *testing.T) {
	bucket, up, p := s3NewBucket(t)
	acct, org := "123456789012", "o-a1b2c3d4e5"
	up.Put(t, map[string][]byte{
		layoutLog("both/", "", acct, "us-east-1", "2026/01/01"):                         nil,
		layoutLog("both/", org, "210987654321", "us-east-1", "2026/01/01"):              nil,
		"digests/AWSLogs/" + acct + "/CloudTrail-Digest/us-east-1/2026/01/01/d.json.gz": nil,
		"data/2026/01/01/part-0000.parquet":                                             nil,
		layoutLog("denied/", "", acct, "us-east-1", "2026/01/01"):                       nil,
		layoutLog("denied/", "", "999999999999", "us-east-1", "2026/01/02"):             nil,
		layoutLog("walled/", "", acct, "us-east-1", "2026/01/01"):                       nil,
	})

	t.Run("no such bucket", func(t *testing.T) {
		layoutFails(t, p, "s3://"+bucket+"-none", "trail s3://"+bucket+"-none: no such bucket (check the bucket name")
	})
	t.Run("a prefix with no AWSLogs", func(t *testing.T) {
		layoutFails(t, p, "s3://"+bucket+"/data", "no AWSLogs/ folder", "s3://bucket/prefix")
		layoutFails(t, p, "s3://"+bucket+"/nothing/here", "no AWSLogs/ folder")
	})
	t.Run("AWSLogs without CloudTrail logs", func(t *testing.T) {
		layoutFails(t, p, "s3://"+bucket+"/digests", "no CloudTrail/<region>/ folder", "s3://"+bucket+"/digests/AWSLogs/")
	})
	t.Run("two trails", func(t *testing.T) {
		layoutFails(t, p, "s3://"+bucket+"/both", "more than one trail",
			"s3://"+bucket+"/both/AWSLogs/"+org+"/ (organisation trail, 1 account)",
			"s3://"+bucket+"/both/AWSLogs/ (1 account directly in it)")
		// Either, named, is one trail.
		l, _ := layoutOf(t, p, "s3://"+bucket+"/both/AWSLogs/"+org)
		if l.Org != org || !slices.Equal(l.Accounts, []string{"210987654321"}) {
			t.Errorf("the organisation's root: %+v", l)
		}
		l, _ = layoutOf(t, p, "s3://"+bucket+"/both/AWSLogs/")
		if l.Org != "" || !slices.Equal(l.Accounts, []string{acct}) {
			t.Errorf("the AWSLogs/ root: %+v", l)
		}
	})
	t.Run("the root's listing is denied", func(t *testing.T) {
		p.Deny("denied/", false)
		err := layoutFails(t, p, "s3://"+bucket+"/denied", "access denied", "s3:ListBucket")
		if strings.Contains(err.Error(), "records") {
			t.Errorf("%v: names records, not the trail", err)
		}
	})
	t.Run("the AWSLogs folder is denied", func(t *testing.T) {
		p.Deny("walled/AWSLogs/", false)
		layoutFails(t, p, "s3://"+bucket+"/walled", "no AWSLogs/ folder could be read there: list s3://"+bucket+"/walled/AWSLogs/: access denied (needs s3:ListBucket")
	})
	t.Run("an account's folder is denied", func(t *testing.T) {
		denied := "denied/AWSLogs/999999999999/CloudTrail/"
		p.Deny(denied, false)
		l, _ := layoutOf(t, p, "s3://"+bucket+"/denied/AWSLogs")
		if !slices.Equal(l.Accounts, []string{acct}) || len(l.Skips) != 1 ||
			l.Skips[0].What != "s3://"+bucket+"/"+denied || !strings.Contains(l.Skips[0].Why, "access denied") {
			t.Errorf("%+v", l)
		}
	})
	t.Run("not S3", func(t *testing.T) {
		for _, root := range []string{"/var/log/trail", "s3://", "s3:///x"} {
			if _, err := Layout(context.Background(), s3test.Config(t, p.URL), root); err == nil || strings.Contains(err.Error(), "\n") {
				t.Errorf("Layout(%q): %v", root, err)
			}
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := Layout(ctx, s3test.Config(t, p.URL), "s3://"+bucket)
		if err == nil || !strings.HasPrefix(err.Error(), "trail s3://"+bucket+": context canceled") || !errors.Is(err, context.Canceled) {
			t.Errorf("Layout with a cancelled context: %v", err)
		}
	})
}
