package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// demo-server --records reads files with the trail reader --records uses:
// every shape (an S3 layout with a digest file, a JSON array, JSON lines,
// lookup-events output whose lookup fields win), each event once per
// region, a record without awsRegion served in us-east-1.
func TestDemoServerRecordsTakeEveryShape(t *testing.T) {
	td := func(p string) string { return filepath.Join("fetch", "localtrail", "testdata", p) }
	var stderr bytes.Buffer
	d, err := loadRecordsDataset(context.Background(), []string{td("s3"), td("array.json"), td("lines.jsonl"), td("lookup-events.json")}, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 9 || stderr.Len() != 0 {
		t.Fatalf("%d events (stderr %q), want 3 (S3) + 2 (array) + 3 (lines) + 1 (lookup-events), the digest file left out", d.Len(), stderr.String())
	}
	if got := d.Regions(); !slices.Equal(got, []string{"ap-southeast-2", "eu-west-1", "us-east-1"}) {
		t.Fatalf("regions %v", got)
	}
	eu := d.Events("eu-west-1")
	var ids []string
	for _, e := range eu {
		ids = append(ids, e.ID)
	}
	if want := []string{"11111111-0000-4000-8000-000000000001", "11111111-0000-4000-8000-000000000002", "44444444-0000-4000-8000-000000000001"}; !slices.Equal(ids, want) {
		t.Fatalf("eu-west-1 newest first: %v", ids)
	}
	if eu[0].Username != "skeddly-5f2e9a" || eu[0].Name != "StopInstances" || strings.ContainsAny(eu[0].Raw, "\n") {
		t.Errorf("S3 record: %+v", eu[0])
	}
	if run := eu[2]; run.Username != "adam" || len(run.Resources) != 1 || run.Resources[0].Name != "i-064bd95a9b9b0a4e6" {
		t.Errorf("lookup-events fields must win: %+v", run)
	}
	var users []string
	for _, e := range d.Events("us-east-1") {
		users = append(users, e.Username)
	}
	if !slices.Equal(users, []string{"adam", "adam", "root"}) {
		t.Errorf("us-east-1 users %v (a record without awsRegion lands there)", users)
	}
	twice, err := loadRecordsDataset(context.Background(), []string{td("array.json"), td("array.json")}, &stderr)
	if err != nil || twice.Len() != 2 {
		t.Fatalf("the same file twice: %d events, %v", twice.Len(), err)
	}
}

// A bad file is skipped and named in one line, the rest is served; with
// nothing readable the error names the root.
func TestDemoServerRecordsNameBadFiles(t *testing.T) {
	dir := t.TempDir()
	good, _ := os.ReadFile(filepath.Join("fetch", "localtrail", "testdata", "array.json"))
	os.WriteFile(filepath.Join(dir, "good.json"), good, 0o600)
	os.WriteFile(filepath.Join(dir, "x.json"), []byte(`42`), 0o600)
	var stderr bytes.Buffer
	d, err := loadRecordsDataset(context.Background(), []string{dir}, &stderr)
	if err != nil || d.Len() != 2 || !strings.Contains(stderr.String(), "x.json") || strings.Count(stderr.String(), "\n") != 1 {
		t.Fatalf("%v, stderr %q: want the good file served and one line naming x.json", err, stderr.String())
	}
	for _, root := range []string{filepath.Join("fetch", "localtrail", "testdata", "bad"), filepath.Join(dir, "missing.json")} {
		stderr.Reset()
		_, err := loadRecordsDataset(context.Background(), []string{root}, &stderr)
		if err == nil || !strings.Contains(err.Error()+stderr.String(), filepath.Base(root)) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v (stderr %q); want one line naming it", root, err, stderr.String())
		}
	}
}

// The real records of ../shared/datasets, served as they are read.
func TestDemoServerRecordsSharedDatasets(t *testing.T) {
	dir := filepath.Join("..", "shared", "datasets")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("no shared datasets here")
	}
	d, err := loadRecordsDataset(context.Background(), []string{dir}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() < 300 {
		t.Fatalf("%d events; want the 310 records", d.Len())
	}
	for _, r := range d.Regions() {
		for _, e := range d.Events(r) {
			if e.ParseError != "" || e.ID == "" || e.Time.IsZero() {
				t.Errorf("%s: %+v", r, e)
			}
		}
	}
}
