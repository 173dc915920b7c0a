package trail

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"

	"lazytrail/fetch"
	"lazytrail/model"
)

// partSpec is one partition as discovery found it: region folders to list
// lazily, and loose files known already.
type partSpec struct {
	account, region string
	dirs            []string  // region folders (keys ending in "/")
	files           []fileRef // loose files
}

type fileRef struct {
	key   string
	size  int64
	name  LogName
	named bool // name holds what the file name says; else read whole
}

// maxStray is how many stray keys of one folder are named one by one.
const maxStray = 5

// walker discovers the partitions of one store.
type walker struct {
	ctx   context.Context
	st    Store
	local bool // loose files anywhere, every folder walked

	parts map[string]*partSpec // by account, region
	loose []*partSpec          // files without CloudTrail names, one each
	skips []fetch.Skip
}

func newWalker(ctx context.Context, st Store, local bool) *walker {
	return &walker{ctx: ctx, st: st, local: local, parts: map[string]*partSpec{}}
}

func (w *walker) skip(key, why string) {
	w.skips = append(w.skips, fetch.Skip{What: w.st.Name(key), Why: why})
}

// ignore notes a key that is not a log file: shown, but not a fault.
func (w *walker) ignore(key, why string) {
	w.skips = append(w.skips, fetch.Skip{What: w.st.Name(key), Why: why, Ignored: true})
}

// list lists dir; a failure below the root is a skip, at the root the
// error.
func (w *walker) list(dir string) ([]Entry, bool, error) {
	es, err := w.st.List(w.ctx, dir)
	if err != nil {
		if w.ctx.Err() != nil {
			return nil, false, w.ctx.Err()
		}
		if dir == "" {
			return nil, false, err
		}
		w.skip(dir, "cannot be listed: "+oneLine(err))
		return nil, false, nil
	}
	return es, true, nil
}

// base is the last element of a key, without a folder's "/".
func base(key string) string {
	return path.Base(strings.TrimSuffix(key, "/"))
}

// strays reports the entries of one folder that have no place in the
// layout: every one that could not be read by name; of those that are
// merely not log files, a few by name and the rest counted.
type strays struct {
	w              *walker
	dir            string
	n, moreIgnored int
}

func (s *strays) add(e Entry, why string) {
	if e.Irregular {
		why = e.Why
	}
	s.n++
	s.w.skip(e.Key, why)
}

// ignore is add for an entry that is merely not a log file (a README, a
// LICENSE): a regular file that is no one's fault. An irregular one (a
// FIFO, a looping link) is still a skip.
func (s *strays) ignore(e Entry, why string) {
	if e.Irregular {
		s.add(e, why)
		return
	}
	if s.n >= maxStray {
		s.moreIgnored++
		return
	}
	s.n++
	s.w.ignore(e.Key, why)
}

func (s *strays) done() {
	if s.moreIgnored > 0 {
		s.w.ignore(s.dir, fmt.Sprintf("%d more keys that are not CloudTrail log files", s.moreIgnored))
	}
}

// root walks the store from its root, starting from what the root's own
// path says it is (a root may point inside the layout:
// …/AWSLogs/123456789012/CloudTrail/us-east-1).
func (w *walker) root(rootPath string) error {
	elems := strings.Split(strings.Trim(rootPath, "/"), "/")
	at := func(i int) string {
		if i < len(elems) && i >= 0 {
			return elems[len(elems)-1-i]
		}
		return ""
	}
	b, p, g := at(0), at(1), at(2)
	switch {
	case b == "AWSLogs":
		return w.awsLogs("")
	case isOrgID(b) && p == "AWSLogs":
		return w.org("")
	case isAccount(b) && (p == "AWSLogs" || isOrgID(p)):
		return w.account("", b)
	case b == "CloudTrail" && isAccount(p):
		return w.cloudTrail("", p)
	case model.IsRegionName(b) && p == "CloudTrail" && isAccount(g):
		_, _, err := w.list("") // the root must be there
		if err == nil {
			w.part(g, b).dirs = append(w.part(g, b).dirs, "")
		}
		return err
	}
	return w.unknown("", 0)
}

func (w *walker) part(account, region string) *partSpec {
	k := account + "\x00" + region
	p := w.parts[k]
	if p == nil {
		p = &partSpec{account: account, region: region}
		w.parts[k] = p
	}
	return p
}

// unknown walks a folder outside the layout: it looks for AWSLogs/ (in S3
// at most two levels of such folders deep), and in a local store collects
// loose files anywhere.
func (w *walker) unknown(dir string, depth int) error {
	es, ok, err := w.list(dir)
	if !ok {
		return err
	}
	st := strays{w: w, dir: dir}
	for _, e := range es {
		if e.Key == dir || base(e.Key) == "" {
			continue
		}
		switch {
		case e.Irregular:
			w.skip(e.Key, e.Why)
		case e.Dir && base(e.Key) == "AWSLogs":
			if err := w.awsLogs(e.Key); err != nil {
				return err
			}
		case e.Dir && (w.local || depth < 2):
			if err := w.unknown(e.Key, depth+1); err != nil {
				return err
			}
		case e.Dir:
			// S3: not looked into, to never list a whole bucket.
		default:
			w.looseFile(e, &st, false)
		}
	}
	st.done()
	return nil
}

// looseFile files one file found outside a region folder: by its
// CloudTrail name into its account × region, else (in a local store, with
// a records extension, or named explicitly) into a partition of its own.
func (w *walker) looseFile(e Entry, st *strays, explicit bool) {
	if e.Irregular && !explicit {
		w.skip(e.Key, e.Why)
		return
	}
	n, kind := ParseName(base(e.Key))
	switch kind {
	case Log:
		p := w.part(n.Account, n.Region)
		p.files = append(p.files, fileRef{key: e.Key, size: e.Size, name: n, named: true})
	case Digest, Insight:
		// not events
	default:
		if explicit || w.local && isRecordFileName(base(e.Key)) {
			w.loose = append(w.loose, &partSpec{region: model.Printable(w.st.Name(e.Key)),
				files: []fileRef{{key: e.Key, size: e.Size}}})
			return
		}
		st.ignore(e, "not a CloudTrail log file (by its name)")
	}
}

// folder lists one folder of the layout and hands each sub-folder to
// sub, which says whether it knew what to do with it; a sub-folder it
// did not know is ignored (another service's logs share the bucket:
// AWSLogs/<account>/elasticloadbalancing/), and files go to looseFile.
func (w *walker) folder(dir, unknownWhy string, sub func(e Entry, name string) (bool, error)) error {
	es, ok, err := w.list(dir)
	if !ok {
		return err
	}
	st := strays{w: w, dir: dir}
	for _, e := range es {
		if e.Key == dir {
			continue
		}
		if !e.Dir {
			// Inside AWSLogs/ a records file (by its extension) is read
			// whatever its name, from S3 as from disk.
			w.looseFile(e, &st, !e.Irregular && isRecordFileName(base(e.Key)))
			continue
		}
		known, err := sub(e, base(e.Key))
		if err != nil {
			return err
		}
		if !known {
			w.ignore(e.Key, unknownWhy)
		}
	}
	st.done()
	return nil
}

func (w *walker) awsLogs(dir string) error {
	return w.folder(dir, "not an account or organisation folder", func(e Entry, b string) (bool, error) {
		switch {
		case isOrgID(b):
			return true, w.org(e.Key)
		case isAccount(b):
			return true, w.account(e.Key, b)
		case w.local:
			return true, w.unknown(e.Key, 1)
		}
		return false, nil
	})
}

func (w *walker) org(dir string) error {
	return w.folder(dir, "not an account folder", func(e Entry, b string) (bool, error) {
		if isAccount(b) {
			return true, w.account(e.Key, b)
		}
		return false, nil
	})
}

func (w *walker) account(dir, acct string) error {
	return w.folder(dir, "not a CloudTrail folder", func(e Entry, b string) (bool, error) {
		switch b {
		case "CloudTrail":
			return true, w.cloudTrail(e.Key, acct)
		case "CloudTrail-Digest", "CloudTrail-Insight":
			return true, nil // not events
		}
		return false, nil
	})
}

// cloudTrail lists the region folders: each is one partition, and is not
// looked into now.
func (w *walker) cloudTrail(dir, acct string) error {
	return w.folder(dir, "not a region folder", func(e Entry, b string) (bool, error) {
		// Every folder here is read as a region's, whatever its shape
		// (US-EAST-1, a copy's "us-east-1 (2)"): only CloudTrail writes
		// here, and what is in it is named if it cannot be read.
		p := w.part(acct, b)
		p.dirs = append(p.dirs, e.Key)
		return true, nil
	})
}

// specs returns the partitions found, named ones by account and region,
// then the loose files by path.
func (w *walker) specs() []*partSpec {
	out := make([]*partSpec, 0, len(w.parts)+len(w.loose))
	for _, p := range w.parts {
		sort.Slice(p.files, func(i, j int) bool { return p.files[i].name.Time.After(p.files[j].name.Time) })
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].account != out[j].account {
			return out[i].account < out[j].account
		}
		return out[i].region < out[j].region
	})
	return append(out, w.loose...)
}

// oneLine is an error's text on one line.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}
