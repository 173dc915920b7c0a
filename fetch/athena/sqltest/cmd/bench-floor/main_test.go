package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"testing"
	"time"

	"lazytrail/fetch/trail/trailtest"
)

// TestDecodeAllReadsEveryRecord checks the floor against the generator's
// own account of the trail: every file, every record, each user's count,
// and the JSON's size as gunzipped independently.
func TestDecodeAllReadsEveryRecord(t *testing.T) {
	tree := trailtest.Generate(trailtest.Spec{
		Regions: []string{"eu-west-1", "us-east-1"}, Start: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC),
		Days: 2, FilesPerDay: 3, RecordsPerFile: 25, LateEvery: 2, Digests: true, Strays: true, Seed: 5,
	})
	dir := t.TempDir()
	if err := tree.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	files, err := logFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeAll(files)
	if err != nil {
		t.Fatal(err)
	}
	users := map[string]int{}
	for _, e := range tree.Events() {
		users[e.Username]++
	}
	if got.files != tree.LogFiles() || got.records != len(tree.Events()) {
		t.Errorf("read %d files, %d records; want %d, %d", got.files, got.records, tree.LogFiles(), len(tree.Events()))
	}
	for u, n := range users {
		if got.users[u] != n {
			t.Errorf("user %s: %d records, want %d", u, got.users[u], n)
		}
	}
	raw := 0
	for _, path := range files {
		raw += gunzippedSize(t, path)
	}
	if got.raw != raw {
		t.Errorf("read %d bytes of JSON, want %d", got.raw, raw)
	}
}

func gunzippedSize(t *testing.T, path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, zr)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}
