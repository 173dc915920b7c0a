package localtrail

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestRawRequests covers what the SDK never sends: other targets, missing
// signatures, bad bodies, and the target form the AWS CLI sends.
func TestRawRequests(t *testing.T) {
	s, _, _ := fixtureServer(t, Options{})
	const auth = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261120/eu-west-1/cloudtrail/aws4_request, SignedHeaders=host, Signature=0"
	cases := []struct {
		name, method, target, auth, body string
		status                           int
		code                             string
	}{
		{"sdk target", "POST", lookupEventsTarget, auth, `{"MaxResults":2}`, 200, ""},
		{"cli target", "POST", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents", auth, `{}`, 200, ""},
		{"empty body", "POST", lookupEventsTarget, auth, ``, 200, ""},
		{"other operation", "POST", "CloudTrail_20131101.DescribeTrails", auth, `{}`, 400, "UnknownOperationException"},
		{"no target", "POST", "", auth, `{}`, 400, "UnknownOperationException"},
		{"GET", "GET", lookupEventsTarget, auth, ``, 400, "UnknownOperationException"},
		{"unsigned", "POST", lookupEventsTarget, "", `{}`, 400, "MissingAuthenticationTokenException"},
		{"no scope", "POST", lookupEventsTarget, "AWS4-HMAC-SHA256 Signature=0", `{}`, 400, "IncompleteSignatureException"},
		{"not JSON", "POST", lookupEventsTarget, auth, `{"MaxResults":`, 400, "SerializationException"},
		{"time as string", "POST", lookupEventsTarget, auth, `{"StartTime":"2026-11-20T00:00:00Z"}`, 400, "SerializationException"},
		{"fractional MaxResults", "POST", lookupEventsTarget, auth, `{"MaxResults":2.5}`, 400, "InvalidMaxResultsException"},
		{"insight category", "POST", lookupEventsTarget, auth, `{"EventCategory":"insight"}`, 200, ""},
		{"float times", "POST", lookupEventsTarget, auth, `{"StartTime":1763600000.5,"EndTime":1763640000}`, 200, ""},
	}
	for _, c := range cases {
		req := httptest.NewRequest(c.method, "/", strings.NewReader(c.body))
		if c.target != "" {
			req.Header.Set("X-Amz-Target", c.target)
		}
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		var answer struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
			Events  []json.RawMessage
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil {
			t.Errorf("%s: answer is not JSON: %q", c.name, rec.Body)
		}
		if rec.Code != c.status || answer.Type != c.code || rec.Header().Get("X-Amzn-Requestid") == "" ||
			rec.Header().Get("Content-Type") != jsonContentType || (c.code != "" && answer.Message == "") {
			t.Errorf("%s: %d %s %q; want %d %s with a message and a request id", c.name, rec.Code, answer.Type, answer.Message, c.status, c.code)
		}
		if c.status == http.StatusOK && answer.Events == nil {
			t.Errorf("%s: no Events list in %s", c.name, rec.Body)
		}
	}
}

// FuzzLookupRequest feeds arbitrary bodies to the handler: every answer is
// a 200 page or a 400 in AWS's error shape, never a panic or a 500.
func FuzzLookupRequest(f *testing.F) {
	for _, seed := range []string{`{}`, `{"MaxResults":2}`, `{"StartTime":1.5,"EndTime":2}`, `{"LookupAttributes":[{"AttributeKey":"Username","AttributeValue":"adam"}]}`,
		`{"NextToken":"AQ"}`, `{"EventCategory":"insight"}`, `[]`, `{"MaxResults":1e309}`} {
		f.Add([]byte(seed))
	}
	s := New(NewDataset(fixture()), Options{Quota: -1, Now: func() time.Time { return fixtureEnd }})
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest("POST", "/", bytes.NewReader(body))
		req.Header.Set("X-Amz-Target", lookupEventsTarget)
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261120/eu-west-1/cloudtrail/aws4_request, SignedHeaders=host, Signature=0")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if (rec.Code != 200 && rec.Code != 400) || !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%d %q for %q", rec.Code, rec.Body, body)
		}
	})
}
