package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"lazytrail/fetch/localtrail"
	"lazytrail/fetch/lookup"
	"lazytrail/model"
)

// localSource serves ds on an in-process endpoint without quota or
// latency, paged as the command line o says; tune adjusts the clients.
func localSource(t testing.TB, o *options, ds *localtrail.Dataset, label string, tune func(*lookup.Options)) (*lookup.Source, *localtrail.Server) {
	t.Helper()
	srv := localtrail.New(ds, localtrail.Options{Quota: -1})
	settings := o.lookupSettings()
	settings.Tune = tune
	src, err := lookup.Serve(srv, ds.Regions(), label, settings)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(src.Close)
	return src, srv
}

// oneEvent is a dataset of one event in eu-west-1, for tests of what a
// source says rather than what it pages.
func oneEvent(at time.Time) *localtrail.Dataset {
	return localtrail.NewRecordsDataset([]model.Event{{ID: "e1", Time: at, Region: "eu-west-1", Name: "RunInstances",
		Raw: `{"eventID":"e1","eventName":"RunInstances","awsRegion":"eu-west-1"}`}})
}

// --since past the 90 days LookupEvents keeps is accepted, and said: the
// source's notice names the oldest day there is and points at --records.
func TestSinceBeyondHistoryIsSaid(t *testing.T) {
	now := time.Now().UTC()
	o, err := parseArgs([]string{"--since", "120d"}, &bytes.Buffer{}, now)
	if err != nil {
		t.Fatal(err)
	}
	src, _ := localSource(t, o, oneEvent(now), "demo", nil)
	if _, note := src.Label(); !strings.Contains(note, "LookupEvents keeps 90 days") || !strings.Contains(note, "--records") || !strings.Contains(note, "--since 120d") {
		t.Errorf("note %q", note)
	}
	o, _ = parseArgs([]string{"--since", "30d"}, &bytes.Buffer{}, now)
	src, _ = localSource(t, o, oneEvent(now), "demo", nil)
	if _, note := src.Label(); note != "" {
		t.Errorf("a 30-day range got a note: %q", note)
	}
}

// A fresh query (r, a new pushed term) runs up to its own now: --since 7d
// slides with it, while a time the user named stays where it was put.
func TestSinceNamedStaysFixedOnAFreshQuery(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	later := now.Add(3 * time.Hour)
	for _, c := range []struct {
		since string
		want  time.Time
	}{
		{"2026-11-01", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)},
		{"2026-11-19T08:30:00Z", time.Date(2026, 11, 19, 8, 30, 0, 0, time.UTC)},
		{"7d", later.Add(-7 * 24 * time.Hour)},
		{"36h", later.Add(-36 * time.Hour)},
	} {
		o, err := parseArgs([]string{"--since", c.since}, &bytes.Buffer{}, now)
		if err != nil {
			t.Fatal(err)
		}
		settings := o.lookupSettings()
		settings.Now = func() time.Time { return later }
		src, err := lookup.Serve(localtrail.New(oneEvent(now), localtrail.Options{Quota: -1}), []string{"eu-west-1"}, "demo", settings)
		if err != nil {
			t.Fatal(err)
		}
		s, q := src.Open(t.Context(), model.Request{})
		s.Close()
		src.Close()
		if !q.Start.Equal(c.want) || !q.End.Equal(later) {
			t.Errorf("--since %s, queried again 3 h later: %v to %v, want %v to %v", c.since, q.Start, q.End, c.want, later)
		}
	}
}
