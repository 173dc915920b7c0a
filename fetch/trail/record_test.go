package trail

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"lazytrail/fetch/trail/s3test"
)

// A record read back is the file's text of it, byte for byte; a file is
// read once however many ask for its records at once; a missing record or
// file says which.
func TestOriginalsReadRecordsBack(t *testing.T) {
	records := []string{
		`{"eventID":"a","eventTime":"2026-11-01T10:00:00Z","eventName":"One",  "requestParameters":{"x":"<&>"}}`,
		`{"eventID":"b","eventTime":"2026-11-01T10:01:00Z","eventName":"Two"}`,
		`{"eventID":"c","eventTime":"2026-11-01T10:02:00Z","eventName":"Three","note":"é\u00e9"}`,
	}
	file := []byte(`{"Records":[` + strings.Join(records, ",") + `]}`)
	key := "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/01/111122223333_CloudTrail_eu-west-1_20261101T1005Z_x.json.gz"

	t.Run("s3", func(t *testing.T) {
		bucket, up, proxy := s3NewBucket(t)
		up.Put(t, map[string][]byte{key: s3test.Gzip(file)})
		o := NewOriginals(s3test.Config(t, proxy.URL), 4)
		path := "s3://" + bucket + "/" + key
		var wg sync.WaitGroup
		got := make([]string, 30)
		errs := make([]error, 30)
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i], errs[i] = o.Record(context.Background(), path, string(rune('a'+i%3)))
			}()
		}
		wg.Wait()
		for i := range got {
			if errs[i] != nil || got[i] != records[i%3] {
				t.Fatalf("record %d: %q, %v; want %q", i, got[i], errs[i], records[i%3])
			}
		}
		if n := proxy.Count("GetObject"); n != 1 {
			t.Errorf("30 records of one file took %d GETs, want 1", n)
		}
		if _, err := o.Record(context.Background(), path, "zzz"); err == nil || !strings.Contains(err.Error(), "no record with eventID zzz") {
			t.Errorf("missing record: %v", err)
		}
		if _, err := o.Record(context.Background(), "s3://"+bucket+"/AWSLogs/gone.json.gz", "a"); err == nil || !strings.Contains(err.Error(), "gone.json.gz") {
			t.Errorf("missing file: %v", err)
		}
	})
	t.Run("local", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "f.json")
		if err := os.WriteFile(path, file, 0o600); err != nil {
			t.Fatal(err)
		}
		o := NewOriginals(s3test.Config(t, "http://127.0.0.1:1"), 1)
		for i, want := range records {
			got, err := o.Record(context.Background(), path, fmt.Sprintf("%c", 'a'+i))
			if err != nil || got != want {
				t.Fatalf("local record %d: %q, %v", i, got, err)
			}
		}
	})
}

// Rows whose files interleave, as an organisation's do, read each file
// once when their batch is prefetched, however small the cache.
func TestOriginalsPrefetchReadsEachFileOnce(t *testing.T) {
	bucket, up, proxy := s3NewBucket(t)
	objects := map[string][]byte{}
	var paths []string
	for f := range 5 {
		key := fmt.Sprintf("AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/01/f%d.json.gz", f)
		objects[key] = s3test.Gzip([]byte(fmt.Sprintf(`{"Records":[{"eventID":"e%d","eventTime":"2026-11-01T10:00:00Z"}]}`, f)))
	}
	up.Put(t, objects)
	for i := range 40 {
		paths = append(paths, fmt.Sprintf("s3://%s/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/01/f%d.json.gz", bucket, i%5))
	}
	o := NewOriginals(s3test.Config(t, proxy.URL), 1)
	o.Prefetch(context.Background(), paths)
	for i, p := range paths {
		if raw, err := o.Record(context.Background(), p, fmt.Sprintf("e%d", i%5)); err != nil || !strings.Contains(raw, fmt.Sprintf(`"e%d"`, i%5)) {
			t.Fatalf("row %d: %q, %v", i, raw, err)
		}
	}
	if n := proxy.Count("GetObject"); n != 5 {
		t.Errorf("40 rows of 5 interleaved files took %d GETs, want 5", n)
	}
}
