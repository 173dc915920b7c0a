package trail

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"lazytrail/fetch"
	"lazytrail/model"
)

// BucketLayout is what one trail's S3 root holds, as delimiter listings
// found it: where its AWSLogs/ folder is, whose trail it is, and since
// when it delivers. It is what a table over the trail (an Athena table
// with partition projection) needs to be written.
type BucketLayout struct {
	Bucket string
	Prefix string // the key prefix before AWSLogs/: "" or ending in "/"
	Org    string // the organisation id (o-…) of an organisation trail, else ""

	// Accounts and Regions are sorted: every account with a CloudTrail
	// region folder, and every region folder of any of them.
	Accounts []string
	Regions  []string

	// Earliest is the earliest day folder (YYYY/MM/DD, midnight UTC)
	// found under the account × region folders probed; zero when none
	// holds a day folder. EarliestExact says every account × region was
	// probed; a large organisation has one region of each account probed
	// (up to MaxLayoutProbes), so an earlier day may exist elsewhere.
	Earliest      time.Time
	EarliestExact bool

	// Skips are the folders below the root that could not be listed
	// (their accounts or regions may be missing from the lists above).
	Skips []fetch.Skip

	// Lists is how many listings Layout made.
	Lists int
}

// Location is the AWSLogs/ folder of the trail, and the organisation's
// folder in it for an organisation trail: s3://bucket/prefix/AWSLogs/[o-…/].
// The account folders are directly under it.
func (l BucketLayout) Location() string {
	loc := "s3://" + l.Bucket + "/" + l.Prefix + "AWSLogs/"
	if l.Org != "" {
		loc += l.Org + "/"
	}
	return loc
}

// MaxLayoutProbes bounds the account × region folders Layout lists to
// find the earliest day (each costs a listing, and two more for those
// that hold the earliest year so far).
const MaxLayoutProbes = 200

// layoutWorkers is how many listings Layout keeps in flight.
const layoutWorkers = 16

// maxSearch bounds the folders listed looking for AWSLogs/ under a prefix
// outside the layout (as deep as Open looks: two levels below the root).
const maxSearch = 50

// Layout lists what the trail root s3://bucket[/prefix] holds: the
// AWSLogs/ folder (at the root, up to two folders below it, or the root
// itself, as Open finds it), the organisation folder of an organisation
// trail, every account with CloudTrail region folders and those regions,
// and the earliest day folder. A root inside the layout
// (…/AWSLogs/o-…, …/AWSLogs/<account>, …/<account>/CloudTrail/<region>)
// narrows the accounts and regions to what it names.
//
// It only makes delimiter listings, one a folder: the folders on the way
// to the account folders, each account's CloudTrail/, and, for the
// earliest day, each account × region's year folders, then the month and
// day folders of those that hold the earliest year and month (bounded by
// MaxLayoutProbes). It never lists a bucket without a delimiter.
//
// A root that cannot be listed, that holds no trail, or that holds more
// than one (an organisation trail beside account trails, two prefixes
// with an AWSLogs/ each) is an error of one line with a hint: the roots to
// name instead, for the last.
func Layout(ctx context.Context, cfg aws.Config, root string) (BucketLayout, error) {
	shown := model.Printable(root)
	rest, ok := strings.CutPrefix(root, "s3://")
	if !ok {
		return BucketLayout{}, fmt.Errorf("trail %s: not an S3 root (write s3://bucket or s3://bucket/prefix)", shown)
	}
	bucket, prefix, _ := strings.Cut(rest, "/")
	if bucket == "" {
		return BucketLayout{}, fmt.Errorf("trail %s: no bucket named (write s3://bucket or s3://bucket/prefix)", shown)
	}
	prefix = strings.TrimLeft(prefix, "/")
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	// Keys are the bucket's own: the store's prefix is the bucket root.
	lw := &layoutWalker{ctx: ctx, st: newS3Store(cfg, bucket, "")}
	l, err := lw.layout(bucket, prefix)
	if err != nil {
		return BucketLayout{}, layoutErr(ctx, shown, err)
	}
	return l, nil
}

// layoutErr is the one-line error of a root Layout cannot read: the
// package's root error, named as a trail rather than as records.
func layoutErr(ctx context.Context, shown string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("trail %s: %w", shown, ctx.Err())
	}
	var le *layoutError
	if errors.As(err, &le) {
		return fmt.Errorf("trail %s: %s", shown, le.msg)
	}
	e := rootErr(ctx, shown, err, "check the bucket name, the prefix, and s3:ListBucket on the bucket")
	var re *rootError
	if errors.As(e, &re) {
		re.msg = "trail " + strings.TrimPrefix(re.msg, "records ")
	}
	return e
}

// layoutError is what the root holds that is not one trail.
type layoutError struct{ msg string }

func (e *layoutError) Error() string { return e.msg }

// layoutWalker lists one bucket for Layout. The first listing's failure
// is the error (the root cannot be read); later ones are skips.
type layoutWalker struct {
	ctx context.Context
	st  Store

	mu     sync.Mutex
	listed bool
	lists  int
	skips  []fetch.Skip
}

// list lists dir; ok is false when it could not be (a skip), err is set
// only for the first listing or a cancellation.
func (w *layoutWalker) list(dir string) (es []Entry, ok bool, err error) {
	w.mu.Lock()
	first := !w.listed
	w.listed = true
	w.lists++
	w.mu.Unlock()
	es, err = w.st.List(w.ctx, dir)
	if err == nil {
		return es, true, nil
	}
	if w.ctx.Err() != nil {
		return nil, false, w.ctx.Err()
	}
	if first {
		return nil, false, err
	}
	w.mu.Lock()
	w.skips = append(w.skips, fetch.Skip{What: w.st.Name(dir), Why: "cannot be listed: " + oneLine(err)})
	w.mu.Unlock()
	return nil, false, nil
}

// subdirs are the names of the folders among es.
func subdirs(es []Entry) []string {
	var out []string
	for _, e := range es {
		if e.Dir && !e.Irregular {
			if b := base(e.Key); b != "" {
				out = append(out, b)
			}
		}
	}
	return out
}

// trailRoot is one trail found: an AWSLogs/ folder, or an organisation's
// folder in it, and its accounts.
type trailRoot struct {
	awsLogs  string // key of the AWSLogs/ folder
	org      string
	accounts []string            // candidates, before their CloudTrail/ is listed
	regions  map[string][]string // account -> region folders found
	onlyIn   string              // a region the root names, else ""
}

// dir is the key of the folder the account folders are in.
func (t *trailRoot) dir() string {
	if t.org != "" {
		return t.awsLogs + t.org + "/"
	}
	return t.awsLogs
}

func (t *trailRoot) withRegions() int {
	n := 0
	for _, rs := range t.regions {
		if len(rs) > 0 {
			n++
		}
	}
	return n
}

func (w *layoutWalker) layout(bucket, prefix string) (BucketLayout, error) {
	var roots []*trailRoot
	var err error
	elems := strings.Split(strings.Trim(prefix, "/"), "/")
	at := func(i int) string {
		if i < len(elems) {
			return elems[len(elems)-1-i]
		}
		return ""
	}
	// parent is the key of the folder i levels above the root's.
	parent := func(i int) string {
		if len(elems) <= i {
			return ""
		}
		return strings.Join(elems[:len(elems)-i], "/") + "/"
	}
	b, p, g := at(0), at(1), at(2)
	atAWSLogs := false
	switch {
	case prefix == "":
		roots, err = w.search("")
	case b == "AWSLogs":
		atAWSLogs = true
		roots, err = w.awsLogs(prefix)
	case isOrgID(b) && p == "AWSLogs":
		t := &trailRoot{awsLogs: parent(1), org: b}
		roots, err = []*trailRoot{t}, w.accountsOf(t)
	case isAccount(b) && p == "AWSLogs":
		roots = []*trailRoot{{awsLogs: parent(1), accounts: []string{b}}}
	case isAccount(b) && isOrgID(p) && g == "AWSLogs":
		roots = []*trailRoot{{awsLogs: parent(2), org: p, accounts: []string{b}}}
	case b == "CloudTrail" && isAccount(p) && g == "AWSLogs":
		roots = []*trailRoot{{awsLogs: parent(2), accounts: []string{p}}}
	case b == "CloudTrail" && isAccount(p) && isOrgID(g) && at(3) == "AWSLogs":
		roots = []*trailRoot{{awsLogs: parent(3), org: g, accounts: []string{p}}}
	case model.IsRegionName(b) && p == "CloudTrail" && isAccount(g) && at(3) == "AWSLogs":
		roots = []*trailRoot{{awsLogs: parent(3), accounts: []string{g}, onlyIn: b}}
	case model.IsRegionName(b) && p == "CloudTrail" && isAccount(g) && isOrgID(at(3)) && at(4) == "AWSLogs":
		roots = []*trailRoot{{awsLogs: parent(4), org: at(3), accounts: []string{g}, onlyIn: b}}
	default:
		roots, err = w.search(prefix)
	}
	if err != nil {
		return BucketLayout{}, err
	}
	if len(roots) == 0 {
		msg := "no AWSLogs/ folder there or up to two folders below " +
			"(name the bucket and prefix the trail delivers to: s3://bucket/prefix, above AWSLogs/)"
		if len(w.skips) > 0 {
			msg = "no AWSLogs/ folder could be read there: " + strings.TrimPrefix(w.skips[0].Why, "cannot be listed: ")
		}
		return BucketLayout{}, &layoutError{msg}
	}
	if err := w.regionsOf(roots); err != nil {
		return BucketLayout{}, err
	}
	var found []*trailRoot
	for _, t := range roots {
		if t.withRegions() > 0 {
			found = append(found, t)
		}
	}
	if len(found) > 1 && atAWSLogs {
		// The root names the AWSLogs/ folder itself: the accounts
		// directly in it, when there are any beside organisations.
		for _, t := range found {
			if t.org == "" {
				found = []*trailRoot{t}
				break
			}
		}
	}
	switch {
	case len(found) == 0:
		where := "s3://" + bucket + "/" + roots[0].dir()
		if len(roots) > 1 {
			where = fmt.Sprintf("%d AWSLogs/ folders", len(roots))
		}
		return BucketLayout{}, &layoutError{"no CloudTrail/<region>/ folder in any account under " + where +
			" (a trail delivers to AWSLogs/[o-…/]<account>/CloudTrail/<region>/; check the prefix, and s3:ListBucket on it)"}
	case len(found) > 1:
		return BucketLayout{}, &layoutError{"holds more than one trail; name one of them: " + w.choices(bucket, found)}
	}
	t := found[0]
	l := BucketLayout{Bucket: bucket, Prefix: strings.TrimSuffix(t.awsLogs, "AWSLogs/"), Org: t.org}
	for acct, rs := range t.regions {
		if len(rs) == 0 {
			continue
		}
		l.Accounts = append(l.Accounts, acct)
		for _, r := range rs {
			if !slices.Contains(l.Regions, r) {
				l.Regions = append(l.Regions, r)
			}
		}
	}
	sort.Strings(l.Accounts)
	sort.Strings(l.Regions)
	if err := w.earliest(t, &l); err != nil {
		return BucketLayout{}, err
	}
	sort.Slice(w.skips, func(i, j int) bool { return w.skips[i].What < w.skips[j].What })
	l.Skips, l.Lists = w.skips, w.lists
	return l, nil
}

// choices names the roots to give instead of an ambiguous one.
func (w *layoutWalker) choices(bucket string, found []*trailRoot) string {
	var out []string
	for _, t := range found {
		n := t.withRegions()
		accounts := fmt.Sprintf("%d accounts", n)
		if n == 1 {
			accounts = "1 account"
		}
		if t.org != "" {
			out = append(out, fmt.Sprintf("s3://%s/%s (organisation trail, %s)", bucket, t.dir(), accounts))
		} else {
			out = append(out, fmt.Sprintf("s3://%s/%s (%s directly in it)", bucket, t.awsLogs, accounts))
		}
	}
	return model.Printable(strings.Join(out, ", "))
}

// search looks for AWSLogs/ folders in dir and up to two levels of
// folders below it, level by level: the first level that has any is
// where the trails are.
func (w *layoutWalker) search(dir string) ([]*trailRoot, error) {
	level := []string{dir}
	for depth := 0; depth <= 2 && len(level) > 0; depth++ {
		var next, found []string
		for _, d := range level {
			if w.lists >= maxSearch {
				return nil, &layoutError{fmt.Sprintf("no AWSLogs/ folder found in the %d folders listed under it "+
					"(name the prefix above AWSLogs/: s3://bucket/prefix)", w.lists)}
			}
			es, ok, err := w.list(d)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			for _, name := range subdirs(es) {
				if name == "AWSLogs" {
					found = append(found, d+name+"/")
				} else {
					next = append(next, d+name+"/")
				}
			}
		}
		if len(found) > 0 {
			var roots []*trailRoot
			for _, a := range found {
				rs, err := w.awsLogs(a)
				if err != nil {
					return nil, err
				}
				roots = append(roots, rs...)
			}
			return roots, nil
		}
		level = next
	}
	return nil, nil
}

// awsLogs lists an AWSLogs/ folder: the accounts directly in it are one
// trail, each organisation folder another.
func (w *layoutWalker) awsLogs(dir string) ([]*trailRoot, error) {
	es, ok, err := w.list(dir)
	if err != nil || !ok {
		return nil, err
	}
	direct := &trailRoot{awsLogs: dir}
	var orgs []*trailRoot
	for _, name := range subdirs(es) {
		switch {
		case isAccount(name):
			direct.accounts = append(direct.accounts, name)
		case isOrgID(name):
			orgs = append(orgs, &trailRoot{awsLogs: dir, org: name})
		}
	}
	var out []*trailRoot
	if len(direct.accounts) > 0 {
		out = append(out, direct)
	}
	for _, t := range orgs {
		if err := w.accountsOf(t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// accountsOf lists an organisation's folder for its accounts.
func (w *layoutWalker) accountsOf(t *trailRoot) error {
	es, ok, err := w.list(t.dir())
	if err != nil || !ok {
		return err
	}
	for _, name := range subdirs(es) {
		if isAccount(name) {
			t.accounts = append(t.accounts, name)
		}
	}
	return nil
}

// regionsOf lists every candidate account's CloudTrail/ folder, a few at
// once (its account folder is not listed first: a missing CloudTrail/ is
// an empty listing).
func (w *layoutWalker) regionsOf(roots []*trailRoot) error {
	type job struct {
		t    *trailRoot
		acct string
	}
	var jobs []job
	for _, t := range roots {
		t.regions = map[string][]string{}
		for _, acct := range t.accounts {
			jobs = append(jobs, job{t, acct})
		}
	}
	var mu sync.Mutex
	return w.each(len(jobs), func(i int) error {
		j := jobs[i]
		es, ok, err := w.list(j.t.dir() + j.acct + "/CloudTrail/")
		if err != nil || !ok {
			return err
		}
		var rs []string
		for _, name := range subdirs(es) {
			if model.IsRegionName(name) && (j.t.onlyIn == "" || name == j.t.onlyIn) {
				rs = append(rs, name)
			}
		}
		sort.Strings(rs)
		mu.Lock()
		j.t.regions[j.acct] = rs
		mu.Unlock()
		return nil
	})
}

// each runs f(0) … f(n-1), layoutWorkers at once, and returns the first
// error. The first call runs alone, so that the root's first listing is
// always made before any other.
func (w *layoutWalker) each(n int, f func(i int) error) error {
	if n == 0 {
		return nil
	}
	if err := f(0); err != nil {
		return err
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		next  = 1
	)
	for range min(layoutWorkers, n-1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				stop := first != nil
				mu.Unlock()
				if stop || i >= n {
					return
				}
				if err := f(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// earliest finds the earliest day folder: each probed account × region's
// first year folder, then the month folders of those whose first year is
// the earliest, then the day folders of those whose first month is.
func (w *layoutWalker) earliest(t *trailRoot, l *BucketLayout) error {
	var dirs []string
	total := 0
	for _, acct := range l.Accounts {
		total += len(t.regions[acct])
	}
	l.EarliestExact = total <= MaxLayoutProbes
	for _, acct := range l.Accounts {
		rs := t.regions[acct]
		if !l.EarliestExact {
			// One region an account: us-east-1 (where a multi-region
			// trail delivers global events) when it has it.
			r := rs[0]
			if slices.Contains(rs, "us-east-1") {
				r = "us-east-1"
			}
			rs = []string{r}
		}
		for _, r := range rs {
			if len(dirs) < MaxLayoutProbes {
				dirs = append(dirs, t.dir()+acct+"/CloudTrail/"+r+"/")
			}
		}
	}
	var parts [3]int // year, month, day
	for lv, width := range [3]int{4, 2, 2} {
		firsts := make([]int, len(dirs))
		err := w.each(len(dirs), func(i int) error {
			es, ok, err := w.list(dirs[i])
			if err != nil || !ok {
				return err
			}
			for _, name := range subdirs(es) {
				if v, ok := dateElem(name, width, lv); ok && (firsts[i] == 0 || v < firsts[i]) {
					firsts[i] = v
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		least := 0
		for _, v := range firsts {
			if v != 0 && (least == 0 || v < least) {
				least = v
			}
		}
		if least == 0 {
			break // what was found so far, the rest at its first: 1 or 01
		}
		parts[lv] = least
		var narrowed []string
		for i, v := range firsts {
			if v == least {
				narrowed = append(narrowed, dirs[i]+fmt.Sprintf("%0*d/", width, v))
			}
		}
		dirs = narrowed
	}
	if parts[0] != 0 {
		l.Earliest = time.Date(parts[0], time.Month(max(parts[1], 1)), max(parts[2], 1), 0, 0, 0, 0, time.UTC)
	}
	return nil
}

// dateElem parses one element of a YYYY/MM/DD folder path: width digits,
// in range for its level (0 year, 1 month, 2 day).
func dateElem(s string, width, level int) (int, bool) {
	if len(s) != width {
		return 0, false
	}
	v, err := strconv.Atoi(s)
	if err != nil || strings.ContainsAny(s, "+-") {
		return 0, false
	}
	switch level {
	case 0:
		return v, v >= 2000
	case 1:
		return v, v >= 1 && v <= 12
	}
	return v, v >= 1 && v <= 31
}
