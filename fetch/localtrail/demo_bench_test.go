package localtrail

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"testing"
	"time"
)

var demoEnd = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// BenchmarkDemo measures building the demo account, which every --demo
// start pays for.
func BenchmarkDemo(b *testing.B) {
	var d *Dataset
	for b.Loop() {
		d = Demo(demoEnd)
	}
	b.ReportMetric(float64(d.Len()), "events")
	b.ReportMetric(float64(len(d.Regions())), "regions")
}

// BenchmarkServeLookupEvents measures the handler alone: full 50-event
// pages of the demo's busiest region, paged with NextToken, and a Username
// lookup (indexed) and a ResourceName lookup (scanned).
func BenchmarkServeLookupEvents(b *testing.B) {
	s := New(Demo(demoEnd), Options{Quota: -1, Now: func() time.Time { return demoEnd }})
	auth := "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261120/eu-west-1/cloudtrail/aws4_request, SignedHeaders=host, Signature=0"
	for _, c := range []struct{ name, body string }{
		{"all", `{"MaxResults":50}`},
		{"username", `{"LookupAttributes":[{"AttributeKey":"Username","AttributeValue":"DatadogAWSIntegration"}]}`},
		{"resource", `{"LookupAttributes":[{"AttributeKey":"ResourceName","AttributeValue":"` + DemoAdamInstance + `"}]}`},
	} {
		b.Run(c.name, func(b *testing.B) {
			token, events := "", 0
			for b.Loop() {
				body := c.body
				if token != "" {
					body = body[:len(body)-1] + `,"NextToken":"` + token + `"}`
				}
				req := httptest.NewRequest("POST", "/", strings.NewReader(body))
				req.Header.Set("X-Amz-Target", lookupEventsTarget)
				req.Header.Set("Authorization", auth)
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
				// Read the answer cheaply, so the figure is the server's.
				answer := rec.Body.Bytes()
				events += bytes.Count(answer, []byte(`{"EventId":`))
				token = ""
				if i := bytes.LastIndex(answer, []byte(`"NextToken":"`)); i >= 0 {
					rest := answer[i+len(`"NextToken":"`):]
					token = string(rest[:bytes.IndexByte(rest, '"')])
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
			b.ReportMetric(float64(events)/float64(b.N), "events/req")
		})
	}
}

// BenchmarkSDKLookupEvents measures whole round trips of the real SDK
// client over loopback, paging a region of the demo.
func BenchmarkSDKLookupEvents(b *testing.B) {
	url := serve(b, New(Demo(demoEnd), Options{Quota: -1, Now: func() time.Time { return demoEnd }}))
	c := client(url, "eu-west-1", 1)
	in := &cloudtrail.LookupEventsInput{}
	events := 0
	for b.Loop() {
		out, err := c.LookupEvents(context.Background(), in)
		if err != nil {
			b.Fatal(err)
		}
		events += len(out.Events)
		in.NextToken = out.NextToken
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}
