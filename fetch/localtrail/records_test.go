package localtrail

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
)

func TestLoadRecordsTakesEveryShape(t *testing.T) {
	d, err := LoadRecords("testdata/s3", "testdata/array.json", "testdata/lines.jsonl", "testdata/lookup-events.json")
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 9 {
		t.Fatalf("%d events, want 3 (S3) + 2 (array) + 3 (lines) + 1 (lookup-events); the digest file skipped", d.Len())
	}
	if got := d.Regions(); !slices.Equal(got, []string{"ap-southeast-2", "eu-west-1", "us-east-1"}) {
		t.Fatalf("regions %v", got)
	}
	eu := d.Events("eu-west-1")
	want := []string{"11111111-0000-4000-8000-000000000001", "11111111-0000-4000-8000-000000000002", "44444444-0000-4000-8000-000000000001"}
	if !slices.Equal(eventIDs(eu), want) {
		t.Fatalf("eu-west-1 newest first: %v", eventIDs(eu))
	}
	if eu[0].Username != "skeddly-5f2e9a" || eu[0].Name != "StopInstances" {
		t.Errorf("S3 record: %+v", eu[0])
	}
	if strings.ContainsAny(eu[0].Raw, "\n ") {
		t.Errorf("raw record not compact: %q", eu[0].Raw[:60])
	}
	if run := eu[2]; run.Username != "adam" || len(run.Resources) != 1 || run.Resources[0].Name != "i-064bd95a9b9b0a4e6" {
		t.Errorf("lookup-events fields must win: %+v", run)
	}
	var users []string
	for _, e := range d.Events("us-east-1") {
		users = append(users, e.Username)
	}
	// A record without awsRegion (GetCallerIdentity) lands in us-east-1.
	if !slices.Equal(users, []string{"adam", "adam", "root"}) {
		t.Errorf("us-east-1 users %v", users)
	}
	// Loading the same file twice keeps each event once.
	twice, err := LoadRecords("testdata/array.json", "testdata/array.json")
	if err != nil || twice.Len() != 2 {
		t.Fatalf("twice: %d events, %v", twice.Len(), err)
	}
}

func TestLoadRecordsErrorsNameTheFile(t *testing.T) {
	for _, path := range []string{"testdata/bad", "testdata/bad/truncated.json", "testdata/missing.json"} {
		_, err := LoadRecords(path)
		if err == nil || !strings.Contains(err.Error(), filepath.Base(path)) || strings.Count(err.Error(), "\n") > 0 {
			t.Errorf("%s: %v; want one line naming the file", path, err)
		}
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "x.json"), []byte(`42`), 0o600)
	if _, err := LoadRecords(dir); err == nil || !strings.Contains(err.Error(), "x.json") {
		t.Errorf("a bare number: %v", err)
	}
}

func TestLoadedRecordsAreServed(t *testing.T) {
	d, err := LoadRecords("testdata/s3", "testdata/lookup-events.json")
	if err != nil {
		t.Fatal(err)
	}
	url := serve(t, New(d, Options{Quota: -1, Now: func() time.Time { return fixtureEnd.Add(24 * time.Hour) }}))
	got, _, err := pageAll(t, client(url, "eu-west-1", 1), &cloudtrail.LookupEventsInput{
		LookupAttributes: []types.LookupAttribute{{AttributeKey: types.LookupAttributeKeyUsername, AttributeValue: aws.String("adam")}},
	})
	if err != nil || len(got) != 1 || aws.ToString(got[0].EventName) != "RunInstances" {
		t.Fatalf("%v, %v", ids(got), err)
	}
	out, err := client(url, "eu-west-1", 1).LookupEvents(context.Background(), &cloudtrail.LookupEventsInput{})
	if err != nil || len(out.Events) != 3 {
		t.Fatalf("%d events, %v; want the region's 3", len(out.Events), err)
	}
}

// TestLoadSharedDatasets reads the real records in ../shared/datasets when
// they are present (they are not part of the project).
func TestLoadSharedDatasets(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "datasets")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("no shared datasets here")
	}
	d, err := LoadRecords(dir)
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() < 300 {
		t.Fatalf("%d events from %s; want its 310 records", d.Len(), dir)
	}
	for _, r := range d.Regions() {
		for _, e := range d.Events(r) {
			if e.ParseError != "" || e.ID == "" || e.Time.IsZero() {
				t.Errorf("%s: %+v", r, e)
			}
		}
	}
}
