package localtrail

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"

	"lazytrail/model"
)

// recordsDataset makes n records, one a day from first, alternately in
// eu-west-1 and us-east-1, into a records dataset, and returns it with the
// ids of each region's records newest first.
func recordsDataset(t *testing.T, first time.Time, n int) (*Dataset, map[string][]string) {
	t.Helper()
	var recs []string
	want := map[string][]string{}
	for i := range n {
		region := []string{"eu-west-1", "us-east-1"}[i%2]
		id := fmt.Sprintf("20230000-0000-4000-8000-%012d", i)
		at := first.Add(time.Duration(i) * 24 * time.Hour)
		recs = append(recs, fmt.Sprintf(`{"eventVersion":"1.09","eventID":"%s","eventTime":"%s","eventName":"StopInstances","eventSource":"ec2.amazonaws.com","awsRegion":"%s","userIdentity":{"type":"IAMUser","userName":"adam"}}`,
			id, at.Format(time.RFC3339), region))
		want[region] = append([]string{id}, want[region]...)
	}
	var events []model.Event
	for _, r := range recs {
		e, err := model.FromRecord(r)
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, e)
	}
	return NewRecordsDataset(events), want
}

// Records years older than the 90 days of Event history are all served
// when a query names no time range, and a query's own range still bounds
// what it gets.
func TestRecordsOlderThan90DaysAreServed(t *testing.T) {
	first := time.Date(2023, 1, 15, 10, 0, 0, 0, time.UTC)
	d, want := recordsDataset(t, first, 300) // 2023-01-15 .. 2023-11-10
	oldest, newest := d.Span()
	if !oldest.Equal(first) || !newest.Equal(first.Add(299*24*time.Hour)) {
		t.Fatalf("Span = %s .. %s", oldest, newest)
	}
	url := serve(t, New(d, Options{Quota: -1})) // the real clock: 2023 is long past 90 days
	for region, ids_ := range want {
		got, _, err := pageAll(t, client(url, region, 1), &cloudtrail.LookupEventsInput{})
		if err != nil || !slices.Equal(ids(got), ids_) {
			t.Fatalf("%s without a range: %d events, %v; want all %d records", region, len(got), err, len(ids_))
		}
	}
	// StartTime and EndTime still bound the results, inclusively.
	from, to := first.Add(100*24*time.Hour), first.Add(109*24*time.Hour)
	got, _, err := pageAll(t, client(url, "eu-west-1", 1), &cloudtrail.LookupEventsInput{StartTime: aws.Time(from), EndTime: aws.Time(to)})
	if err != nil || len(got) != 5 {
		t.Fatalf("days 100..109 in eu-west-1: %d events, %v; want 5 (the even days)", len(got), err)
	}
	for _, e := range got {
		if at := aws.ToTime(e.EventTime); at.Before(from) || at.After(to) {
			t.Errorf("%s at %s is outside %s..%s", aws.ToString(e.EventId), at, from, to)
		}
	}
	// Only one end given: the other is the records' own.
	got, _, err = pageAll(t, client(url, "us-east-1", 1), &cloudtrail.LookupEventsInput{EndTime: aws.Time(first.Add(9 * 24 * time.Hour))})
	if err != nil || len(got) != 5 {
		t.Fatalf("EndTime day 9 in us-east-1: %d events, %v; want the 5 odd days before it", len(got), err)
	}
	got, _, err = pageAll(t, client(url, "us-east-1", 1), &cloudtrail.LookupEventsInput{StartTime: aws.Time(first.Add(290 * 24 * time.Hour))})
	if err != nil || len(got) != 5 {
		t.Fatalf("StartTime day 290 in us-east-1: %d events, %v; want the 5 odd days from it", len(got), err)
	}
}

// The demo account and NewDataset keep AWS's default of the 90 days
// before now.
func TestDefaultRangeOfADatasetIs90Days(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	old := fixture()[0]
	old.ID, old.Time = "old", now.Add(-100*24*time.Hour)
	url := serve(t, New(NewDataset(append(fixture(), old)), Options{Quota: -1, Now: func() time.Time { return now }}))
	got, _, err := pageAll(t, client(url, "eu-west-1", 1), &cloudtrail.LookupEventsInput{})
	if err != nil || len(got) != 173 || slices.Contains(ids(got), "old") {
		t.Fatalf("%d events, %v; want the 173 of the last 90 days", len(got), err)
	}
}
