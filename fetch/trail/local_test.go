package trail

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"lazytrail/fetch"
	"lazytrail/fetch/trail/trailtest"
	"lazytrail/model"
)

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

const goodName = "111122223333_CloudTrail_us-east-1_20240101T0010Z_good.json.gz"

func goodFile() []byte {
	return gzipped([]byte(`{"Records":[` + rec("good-1", "2024-01-01T00:05:00Z") + `,` + rec("good-2", "2024-01-01T00:04:00Z") + `]}`))
}

func write(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// openAll opens roots and drains every partition within a deadline (a
// hang fails the test instead of blocking it).
func openAll(t *testing.T, opts Options, roots ...string) (events []model.Event, skips []fetch.Skip) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	parts, sk, err := Open(ctx, roots, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll(parts)
	skips = sk
	for _, d := range drain(t, ctx, parts) {
		events = append(events, d.events...)
		skips = append(skips, d.skips...)
	}
	return events, skips
}

// oneSkip checks the good file loaded and exactly one skip names what and
// says why.
func oneSkip(t *testing.T, events []model.Event, skips []fetch.Skip, what, why string) {
	t.Helper()
	if !strings.Contains(ids(events), "good-1,good-2") {
		t.Errorf("the good file did not load: %q", ids(events))
	}
	n := 0
	for _, s := range skips {
		if strings.HasSuffix(s.What, what) && strings.Contains(s.Why, why) {
			n++
		} else {
			t.Errorf("unexpected skip %s: %s", s.What, s.Why)
		}
	}
	if n != 1 {
		t.Errorf("want one skip %q: …%s…; got:\n%s", what, why, whys(skips))
	}
}

func TestBadFilesInAFolder(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	good := goodFile()
	bomb := func() []byte {
		var buf bytes.Buffer
		w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zeros := make([]byte, 1<<20)
		for i := 0; i < 200; i++ { // 200 MB of zeros
			w.Write(zeros)
		}
		w.Close()
		return buf.Bytes()
	}
	corrupt := bytes.Clone(good)
	for i := 20; i < len(corrupt)-10; i++ {
		corrupt[i] ^= 0x55
	}
	cases := []struct {
		name  string
		setup func(t *testing.T, dir string) string // returns the bad name
		why   string
	}{
		{"fifo", func(t *testing.T, dir string) string {
			if err := syscall.Mkfifo(filepath.Join(dir, "pipe.json"), 0o644); err != nil {
				t.Skip("mkfifo:", err)
			}
			return "pipe.json"
		}, "not a regular file (a FIFO)"},
		{"gzip bomb", func(t *testing.T, dir string) string {
			write(t, filepath.Join(dir, "bomb.json.gz"), bomb())
			return "bomb.json.gz"
		}, "not JSON"},
		{"truncated gzip", func(t *testing.T, dir string) string {
			write(t, filepath.Join(dir, "111122223333_CloudTrail_us-east-1_20240101T0005Z_cut.json.gz"), good[:len(good)/2])
			return "111122223333_CloudTrail_us-east-1_20240101T0005Z_cut.json.gz"
		}, "not valid gzip: truncated"},
		{"corrupt gzip", func(t *testing.T, dir string) string {
			write(t, filepath.Join(dir, "bad.json.gz"), corrupt)
			return "bad.json.gz"
		}, "not valid gzip"},
		{"not json", func(t *testing.T, dir string) string {
			write(t, filepath.Join(dir, "notes.json"), []byte("these are not records\n"))
			return "notes.json"
		}, "not JSON"},
		{"self symlink", func(t *testing.T, dir string) string {
			if err := os.Symlink("loop.json", filepath.Join(dir, "loop.json")); err != nil {
				t.Skip(err)
			}
			return "loop.json"
		}, "a symlink loop"},
		{"broken symlink", func(t *testing.T, dir string) string {
			os.Symlink("nowhere.json", filepath.Join(dir, "gone.json"))
			return "gone.json"
		}, "a broken symlink"},
		{"symlinked folder", func(t *testing.T, dir string) string {
			os.Mkdir(filepath.Join(dir, "..", "elsewhere"), 0o755)
			os.Symlink(filepath.Join(dir, "..", "elsewhere"), filepath.Join(dir, "linked"))
			return "linked"
		}, "a symlink to a folder (not followed)"},
		{"unreadable", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "secret.json")
			write(t, p, good)
			os.Chmod(p, 0)
			if f, err := os.Open(p); err == nil {
				f.Close()
				t.Skip("running as root: a chmod 000 file is still readable")
			}
			return "secret.json"
		}, "permission denied"},
		{"stray name", func(t *testing.T, dir string) string {
			write(t, filepath.Join(dir, ".DS_Store"), []byte{0, 1, 2})
			return ".DS_Store"
		}, "not a CloudTrail log file (by its name)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "root")
			write(t, filepath.Join(dir, "sub", goodName), good)
			bad := tc.setup(t, dir)
			events, skips := openAll(t, Options{MaxFileBytes: 1 << 20}, dir)
			oneSkip(t, events, skips, bad, tc.why)
		})
	}
}

func TestBadRecordsThroughOpen(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, goodName), goodFile())
	write(t, filepath.Join(dir, "111122223333_CloudTrail_us-east-1_20240101T0000Z_odd.json"), []byte(`{"Records":[null,{"eventID":"x"},{"eventID":"y","eventTime":"31/12/2023"},`+rec("ok", "2023-12-31T23:58:00Z")+`]}`))
	events, skips := openAll(t, Options{}, dir)
	if ids(events) != "good-1,good-2,ok" {
		t.Errorf("ids %q", ids(events))
	}
	if len(skips) != 3 || !strings.HasSuffix(skips[0].What, "odd.json record 1") || !strings.Contains(skips[2].Why, "31/12/2023") {
		t.Errorf("skips:\n%s", whys(skips))
	}
}

func TestHugeFileWithinLimits(t *testing.T) {
	tree := trailtest.Generate(trailtest.Spec{FilesPerDay: 1, RecordsPerFile: 30000, Level: gzip.BestSpeed})
	dir := t.TempDir()
	if err := tree.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	events, skips := openAll(t, Options{}, dir)
	if len(events) != 30000 || len(skips) != 0 {
		t.Errorf("%d events, skips %s", len(events), whys(skips))
	}
}

func TestExplicitFIFOWithoutWriterIsCancellable(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	p := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skip("mkfifo:", err)
	}
	parts, _, err := Open(context.Background(), []string{p}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 1 {
		t.Fatalf("%d partitions", len(parts))
	}
	// As a SIGINT does: cancel the context of a Next blocked on the read.
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	_, err = parts[0].Pager.Next(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Next = %v, want cancelled", err)
	}
	parts[0].Pager.Close() // must unblock the read in flight
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("cancelling took %v", d)
	}
}

func TestExplicitFIFOIsReadWhenWritten(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	p := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skip("mkfifo:", err)
	}
	go func() {
		time.Sleep(100 * time.Millisecond) // the reader waits for a writer
		f, err := os.OpenFile(p, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		f.Write(goodFile())
		f.Close()
	}()
	events, skips := openAll(t, Options{}, p)
	if ids(events) != "good-1,good-2" || len(skips) != 0 {
		t.Errorf("ids %q, skips %s", ids(events), whys(skips))
	}
}

func TestStdin(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	old := stdinFile
	stdinFile = r
	defer func() { stdinFile = old }()
	go func() {
		w.Write(goodFile())
		w.Close()
	}()
	events, skips := openAll(t, Options{}, "-")
	if ids(events) != "good-1,good-2" || len(skips) != 0 {
		t.Errorf("ids %q, skips %s", ids(events), whys(skips))
	}
}

func TestRootErrors(t *testing.T) {
	_, _, err := Open(context.Background(), []string{filepath.Join(t.TempDir(), "nope")}, Options{})
	if err == nil || !strings.Contains(err.Error(), "nope") || !strings.Contains(err.Error(), "no such file or folder") {
		t.Errorf("err = %v", err)
	}
	_, _, err = Open(context.Background(), []string{t.TempDir()}, Options{})
	if err == nil || !strings.Contains(err.Error(), "no CloudTrail log files there") {
		t.Errorf("empty folder: err = %v", err)
	}
	_, _, err = Open(context.Background(), []string{"s3://"}, Options{})
	if err == nil || !strings.Contains(err.Error(), "no bucket") {
		t.Errorf("s3://: err = %v", err)
	}
}

func TestLooseFilesAreGroupedByName(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, goodName), goodFile())
	write(t, filepath.Join(dir, "copy", "111122223333_CloudTrail_us-east-1_20240101T0020Z_b.json"), []byte(`{"Records":[`+rec("b", "2024-01-01T00:15:00Z")+`]}`))
	write(t, filepath.Join(dir, "222233334444_CloudTrail_eu-west-1_20240101T0020Z_c.json.gz"), gzipped([]byte(`{"Records":[`+rec("c", "2024-01-01T00:15:00Z")+`]}`)))
	write(t, filepath.Join(dir, "export.jsonl"), []byte(rec("d", "2024-01-01T00:15:00Z")+"\n"))
	parts, skips, err := Open(context.Background(), []string{dir}, Options{})
	if err != nil || len(skips) != 0 {
		t.Fatal(err, whys(skips))
	}
	defer closeAll(parts)
	var got []string
	for _, d := range drain(t, context.Background(), parts) {
		got = append(got, d.part.Account+"/"+model.Printable(filepath.Base(d.part.Region))+":"+ids(d.events))
	}
	want := "111122223333/us-east-1:b,good-1,good-2 222233334444/eu-west-1:c /export.jsonl:d"
	if strings.Join(got, " ") != want {
		t.Errorf("partitions %q, want %q", strings.Join(got, " "), want)
	}
}

// The stratus-red-team records read from their folder give the same
// events as model.FromRecord over the same records split by encoding/json.
func TestStratusDatasetMatchesFromRecord(t *testing.T) {
	const dir = "/work/shared/datasets/stratus-red-team"
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) == 0 {
		t.Skip("dataset absent")
	}
	type key struct{ id, time, user, account string }
	want := map[key]int{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var recs []json.RawMessage
		if err := json.Unmarshal(b, &recs); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, r := range recs {
			var c bytes.Buffer
			json.Compact(&c, r)
			e, _ := model.FromRecord(c.String())
			want[key{e.ID, e.Time.String(), e.Username, e.Account}]++
		}
	}
	events, skips := openAll(t, Options{}, dir)
	for _, s := range skips {
		if !strings.HasSuffix(s.What, "LICENSE") && !strings.HasSuffix(s.What, "README.md") {
			t.Errorf("skip %s: %s", s.What, s.Why)
		}
	}
	if len(events) == 0 {
		t.Fatal("no events")
	}
	for _, e := range events {
		k := key{e.ID, e.Time.String(), e.Username, e.Account}
		if want[k] == 0 {
			t.Errorf("event %+v not in the dataset", k)
		}
		want[k]--
		if strings.ContainsAny(e.Raw, "\n\r\t") || !json.Valid([]byte(e.Raw)) {
			t.Errorf("%s: Raw not one line of JSON", e.ID)
		}
	}
	for k, n := range want {
		if n != 0 {
			t.Errorf("event %+v: %d missing", k, n)
		}
	}
}

var _ io.Reader = (*pollReader)(nil)
