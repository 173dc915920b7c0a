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

// FuzzLookupRequest drives the real handler with arbitrary methods,
// targets, Authorization headers and bodies, under each non-hanging fault
// knob: every answer carries a request id and is either a 200 page of
// well-formed events or an error in AWS's shape, and a 500 only ever comes
// from the InternalEvery knob. A panic or a hang fails the fuzzer itself.
func FuzzLookupRequest(f *testing.F) {
	const auth = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261120/eu-west-1/cloudtrail/aws4_request, SignedHeaders=host, Signature=0"
	s := New(NewDataset(fixture()), Options{Quota: -1, Now: func() time.Time { return fixtureEnd }})
	bodies := []string{`{}`, `{"MaxResults":2}`, `{"StartTime":1.5,"EndTime":2}`, `{"LookupAttributes":[{"AttributeKey":"Username","AttributeValue":"adam"}]}`,
		`{"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"a"},{"AttributeKey":"Username","AttributeValue":"b"}]}`,
		`{"NextToken":"AQ"}`, `{"EventCategory":"insight"}`, `[]`, `{"MaxResults":1e309}`, `{"MaxResults":51}`, `{"StartTime":2,"EndTime":1}`,
		`{"MaxResults":`, "\xff\x00", ``, `null`, `{"StartTime":"2026-11-20T00:00:00Z"}`}
	// A real NextToken, so the fuzzer starts from the paging path too.
	if tok := firstToken(s, auth); tok != "" {
		bodies = append(bodies, `{"MaxResults":1,"NextToken":"`+tok+`"}`, `{"MaxResults":2,"NextToken":"`+tok+`"}`)
	}
	for i, body := range bodies {
		f.Add("POST", lookupEventsTarget, auth, []byte(body), uint8(i))
	}
	f.Add("GET", lookupEventsTarget, auth, []byte(`{}`), uint8(0))
	f.Add("POST", "CloudTrail_20131101.DescribeTrails", auth, []byte(`{}`), uint8(0))
	f.Add("POST", "", auth, []byte(`{}`), uint8(0))
	f.Add("POST", lookupEventsTargetQualified, "", []byte(`{}`), uint8(0))
	f.Add("POST", lookupEventsTarget, "AWS4-HMAC-SHA256 Signature=0", []byte(`{}`), uint8(0))
	f.Add("POST", lookupEventsTarget, "AWS4-HMAC-SHA256 Credential=A/B/\x1b]0;x\x07/C/aws4_request", []byte(`{}`), uint8(1))

	f.Fuzz(func(t *testing.T, method, target, authorization string, body []byte, knob uint8) {
		region, _ := signedRegion(authorization)
		fault := fuzzFaults[int(knob)%len(fuzzFaults)]
		if region != "" {
			s.SetFault(region, fault)
			defer s.SetFault(region, Fault{})
		}
		req := httptest.NewRequest("POST", "/", bytes.NewReader(body))
		req.Method = method
		req.Header.Set("X-Amz-Target", target)
		req.Header.Set("Authorization", authorization)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		checkAnswer(t, rec, fault)
	})
}

// fuzzFaults are the knobs that answer at once; Hang is left out, since a
// hang waits for the client by design.
var fuzzFaults = []Fault{{}, {AccessDenied: true}, {UnrecognizedClient: true}, {ThrottleEvery: 1},
	{InternalEvery: 1}, {MalformedEvery: 1}, {DuplicateAcrossPages: true}, {ExpireTokenAfter: 1}}

func firstToken(s *Server, auth string) string {
	req := httptest.NewRequest("POST", "/", strings.NewReader(`{"MaxResults":1}`))
	req.Header.Set("X-Amz-Target", lookupEventsTarget)
	req.Header.Set("Authorization", auth)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	var page struct{ NextToken string }
	_ = json.Unmarshal(rec.Body.Bytes(), &page)
	return page.NextToken
}

// checkAnswer fails unless rec is an answer the SDK can read: a page whose
// events carry an id and a record string (valid JSON unless the
// MalformedEvery knob broke it), or an AWS error with a code and message.
func checkAnswer(t *testing.T, rec *httptest.ResponseRecorder, fault Fault) {
	t.Helper()
	if rec.Header().Get("X-Amzn-Requestid") == "" || rec.Header().Get("Content-Type") != jsonContentType || !json.Valid(rec.Body.Bytes()) {
		t.Fatalf("%d %v %q: no request id, wrong content type or not JSON", rec.Code, rec.Header(), rec.Body)
	}
	switch rec.Code {
	case http.StatusOK:
		var page struct {
			Events []struct {
				EventId         *string
				CloudTrailEvent *string
			}
			NextToken *string
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil || page.Events == nil || (page.NextToken != nil && *page.NextToken == "") {
			t.Fatalf("page does not decode as LookupEvents output: %v", err)
		}
		for _, e := range page.Events {
			if e.EventId == nil || *e.EventId == "" || e.CloudTrailEvent == nil ||
				(fault.MalformedEvery == 0 && !json.Valid([]byte(*e.CloudTrailEvent))) {
				t.Fatalf("malformed event in page")
			}
		}
	case http.StatusBadRequest, http.StatusInternalServerError:
		var answer struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil || answer.Type == "" || answer.Message == "" {
			t.Fatalf("%d %q is not an AWS error", rec.Code, rec.Body)
		}
		if rec.Code == http.StatusInternalServerError && (fault.InternalEvery == 0 || answer.Type != "InternalFailure") {
			t.Fatalf("500 %s without the InternalEvery knob", answer.Type)
		}
	default:
		t.Fatalf("status %d: %q", rec.Code, rec.Body)
	}
}
