package trail

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"lazytrail/model"
)

// gzipLazily gzips what write writes, at the fastest level.
func gzipLazily(t *testing.T, path string, write func(w io.Writer)) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
	bw := bufio.NewWriterSize(zw, 1<<20)
	write(bw)
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// allocated runs f and returns the bytes it allocated (every goroutine's).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Gzip bombs cost bounded memory: 128 MiB of white space between two
// records, and one record of 8 MiB (over a limit made 1 MiB) between two
// good ones, each read through Open. The good records are all delivered,
// the giant one is named, and what is allocated is a small part of what
// was decompressed (reading a file whole allocated at least all of it).
// .ci/memory does the same at full size (2 GiB, 1 GiB) for peak RSS.
func TestBombsCostBoundedMemory(t *testing.T) {
	defer func(old int) { maxRecordBytes = old }(maxRecordBytes)
	maxRecordBytes = 1 << 20
	dir := t.TempDir()
	a, b := rec("a", "2024-01-01T00:00:03Z"), rec("b", "2024-01-01T00:00:01Z")
	spaces := bytes.Repeat([]byte(" "), 1<<20)
	gzipLazily(t, filepath.Join(dir, "white.json.gz"), func(w io.Writer) {
		io.WriteString(w, `{"Records":[`+a+`,`)
		for range 128 {
			w.Write(spaces)
		}
		io.WriteString(w, b+`]}`)
	})
	xs := bytes.Repeat([]byte("x"), 1<<20)
	gzipLazily(t, filepath.Join(dir, "giant.json.gz"), func(w io.Writer) {
		io.WriteString(w, `{"Records":[`+rec("c", "2024-01-01T00:00:04Z")+`,{"eventTime":"2024-01-01T00:00:00Z","x":"`)
		for range 8 {
			w.Write(xs)
		}
		io.WriteString(w, `"},`+rec("d", "2024-01-01T00:00:02Z")+`]}`)
	})
	var events []model.Event
	var skipText string
	alloc := allocated(func() {
		evs, skips := openAll(t, Options{}, dir)
		events, skipText = evs, whys(skips)
	})
	got := ids(events)
	for _, id := range []string{"a", "b", "c", "d"} {
		if !strings.Contains(","+got+",", ","+id+",") {
			t.Errorf("record %s lost: got %q; skips:\n%s", id, got, skipText)
		}
	}
	if !strings.Contains(skipText, "giant.json.gz record 2: larger than 1 MiB") || strings.Count(skipText, "\n") != 0 {
		t.Errorf("want one skip naming the giant record, got:\n%s", skipText)
	}
	t.Logf("allocated %d MiB", alloc>>20)
	if alloc > 40<<20 {
		t.Errorf("allocated %d MiB to read 136 MiB of bombs; want at most 40", alloc>>20)
	}
}

func events2ids(evs []model.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.ID)
	}
	return out
}

// A gzip file cut in the middle keeps the records before the cut and is
// named with how many were read.
func TestTruncatedGzipKeepsTheRecordsBefore(t *testing.T) {
	dir := t.TempDir()
	var whole bytes.Buffer
	whole.WriteString(`{"Records":[`)
	for i := range 3000 {
		if i > 0 {
			whole.WriteString(",")
		}
		whole.WriteString(rec(fmt.Sprintf("r%04d", i), time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i)*time.Second).Format(time.RFC3339)))
	}
	whole.WriteString(`]}`)
	zipped := gzipped(whole.Bytes())
	write(t, filepath.Join(dir, "cut.json.gz"), zipped[:len(zipped)*6/10])
	events, skips := openAll(t, Options{}, dir)
	if len(events) == 0 || len(events) >= 3000 {
		t.Fatalf("%d events kept of 3000 (cut at 60%%)", len(events))
	}
	// The kept ones are exactly the first records of the file.
	got := events2ids(events)
	slices.Sort(got)
	for i, id := range got {
		if want := fmt.Sprintf("r%04d", i); id != want {
			t.Fatalf("kept record %d is %s, want %s", i, id, want)
		}
	}
	want := fmt.Sprintf("cut short after record %d (not valid gzip: truncated (unexpected EOF)); the records before it are kept", len(events))
	if len(skips) != 1 || !strings.HasSuffix(skips[0].What, "cut.json.gz") || skips[0].Why != want {
		t.Errorf("skips:\n%s\nwant one: %s", whys(skips), want)
	}
}

// A file whose events are more than a file may keep in memory is sorted
// in runs on disk and paged out: every event once, newest first exactly,
// the pages' horizons never broken, and no page bigger than pageMemory
// allows.
func TestBigFileIsSortedOnDiskAndPagedInOrder(t *testing.T) {
	for _, v := range []*int64{&fileMemory, &spillFloor, &pageMemory} {
		old := *v
		defer func() { *v = old }()
	}
	fileMemory, spillFloor, pageMemory = 256<<10, 64<<10, 64<<10
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 5000
	var lines []string
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		// Times in no order, some shared, ids unique.
		tm := base.Add(time.Duration(rng.IntN(n/2)) * time.Second).Format(time.RFC3339)
		lines = append(lines, rec(fmt.Sprintf("id-%05d", i), tm))
	}
	write(t, filepath.Join(dir, "big.jsonl"), []byte(strings.Join(lines, "\n")+"\n"))

	// The expected order, computed independently: parse each line's
	// eventTime with encoding/json's help, sort newest first, ties by id.
	type key struct {
		t  time.Time
		id string
	}
	var want []key
	for i, l := range lines {
		tm, _ := time.Parse(time.RFC3339, l[strings.Index(l, `"eventTime":"`)+13:][:20])
		want = append(want, key{tm, fmt.Sprintf("id-%05d", i)})
	}
	slices.SortFunc(want, func(a, b key) int {
		if c := b.t.Compare(a.t); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	parts, _, err := Open(ctx, []string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll(parts)
	d := drain(t, ctx, parts)
	if len(d) != 1 {
		t.Fatalf("%d partitions", len(d))
	}
	if len(d[0].pages) < 5 {
		t.Errorf("%d pages: the file was not paged out in parts", len(d[0].pages))
	}
	var prev time.Time
	for i, pg := range d[0].pages {
		for _, e := range pg.Events {
			if !prev.IsZero() && e.Time.After(prev) {
				t.Fatalf("page %d: event %s at %v is newer than the horizon %v promised before", i, e.ID, e.Time, prev)
			}
		}
		prev = pg.Horizon
	}
	if len(d[0].events) != n || len(d[0].skips) != 0 {
		t.Fatalf("%d events of %d, skips %s", len(d[0].events), n, whys(d[0].skips))
	}
	for i, e := range d[0].events {
		if e.ID != want[i].id || !e.Time.Equal(want[i].t) {
			t.Fatalf("event %d is %s at %v, want %s at %v", i, e.ID, e.Time, want[i].id, want[i].t)
		}
		if e.Raw != lines[idNumber(t, e.ID)] {
			t.Fatalf("event %s: Raw changed on its way through the disk", e.ID)
		}
	}
}

func idNumber(t *testing.T, id string) int {
	var n int
	if _, err := fmt.Sscanf(id, "id-%05d", &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Every field of model.Event survives the spill file: a field added to
// Event and not to the spill's encoding fails here.
func TestSpillKeepsEveryField(t *testing.T) {
	var e model.Event
	n := 0
	var fill func(v reflect.Value)
	fill = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.String:
			n++
			v.SetString(fmt.Sprintf("s%d\x00\n", n))
		case reflect.Int8, reflect.Int, reflect.Int64:
			v.SetInt(-1)
		case reflect.Struct:
			if v.Type() == reflect.TypeOf(time.Time{}) {
				v.Set(reflect.ValueOf(time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC)))
				return
			}
			for i := range v.NumField() {
				fill(v.Field(i))
			}
		case reflect.Slice:
			s := reflect.MakeSlice(v.Type(), 2, 2)
			for i := range 2 {
				fill(s.Index(i))
			}
			v.Set(s)
		default:
			t.Fatalf("a field of kind %s: teach the spill file and this test about it", v.Kind())
		}
	}
	fill(reflect.ValueOf(&e).Elem())
	var buf bytes.Buffer
	bw := bufio.NewWriter(&buf)
	cw := &countWriter{w: bw}
	writeEvent(cw, &e)
	bw.Flush()
	var back model.Event
	if err := readEvent(bufio.NewReader(&buf), &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(e, back) {
		t.Errorf("through the spill file:\n%+v\nbecame\n%+v", e, back)
	}
}
