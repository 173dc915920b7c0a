// Package localtest holds what tests of several packages need around the
// local endpoint: a synthetic account whose global order is unambiguous,
// the expected answer computed from a dataset alone, a URL nobody listens
// on, and moto_server for the EC2 and STS APIs.
package localtest

import (
	"encoding/json"
	"fmt"
	"net"
	"slices"
	"testing"
	"time"

	"lazytrail/fetch/localtrail"
	"lazytrail/model"
)

// Regions are the synthetic account's regions.
var Regions = []string{"ap-south-1", "eu-central-1", "eu-west-1", "sa-east-1", "us-east-1"}

// Record is synthetic raw CloudTrail record k in region: it happened k*7+1
// seconds before end, so every event has its own second and the global
// newest-first order has no ties to argue about.
func Record(k int, region string, end time.Time) string {
	at := end.Add(-time.Duration(k*7+1) * time.Second)
	rec := map[string]any{
		"eventVersion": "1.08", "eventID": fmt.Sprintf("0000%04d-fa17-4000-8000-%012d", k, k),
		"eventTime": at.Format(time.RFC3339), "eventName": "StopInstances", "eventSource": "ec2.amazonaws.com",
		"awsRegion": region, "eventType": "AwsApiCall", "readOnly": false, "sourceIPAddress": "198.51.100.4",
		"userAgent": "aws-cli/2.15.0", "recipientAccountId": "123456789012",
		"userIdentity": map[string]any{"type": "IAMUser", "userName": fmt.Sprintf("ops-%d", k%4),
			"arn": fmt.Sprintf("arn:aws:iam::123456789012:user/ops-%d", k%4), "accountId": "123456789012"},
		"requestParameters": map[string]any{"instancesSet": map[string]any{"items": []any{
			map[string]any{"instanceId": fmt.Sprintf("i-%017x", k)}}}},
	}
	raw, err := json.Marshal(rec)
	if err != nil {
		panic(err)
	}
	return string(raw)
}

// Dataset is perRegion events in each of Regions, interleaved in time and
// ending at end, built from raw records the way --records builds them.
func Dataset(t testing.TB, perRegion int, end time.Time) *localtrail.Dataset {
	t.Helper()
	var evs []model.Event
	for k := range perRegion * len(Regions) {
		e, err := model.FromRecord(Record(k, Regions[k%len(Regions)], end))
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, e)
	}
	return localtrail.NewDataset(evs)
}

// NewestFirstIDs is the ground truth, from the dataset alone: the ids of
// every event of the regions not excluded, newest first.
func NewestFirstIDs(ds *localtrail.Dataset, excluded ...string) []string {
	var all []model.Event
	for _, r := range ds.Regions() {
		if !slices.Contains(excluded, r) {
			all = append(all, ds.Events(r)...)
		}
	}
	slices.SortFunc(all, func(a, b model.Event) int { return b.Time.Compare(a.Time) })
	ids := make([]string, len(all))
	for i := range all {
		ids[i] = all[i].ID
	}
	return ids
}

// ClosedURL is an http URL on a loopback port where nothing listens, so
// connections to it are refused.
func ClosedURL(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}
