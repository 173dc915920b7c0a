package lookup

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/athena"

	"lazytrail/fetch"
)

// Athena throttled past its retries is explained as Athena's quota, not
// LookupEvents' (whose 2 requests/s the hint used to quote).
func TestExplainAthenaThrottling(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"__type":"TooManyRequestsException","Message":"Rate exceeded"}`))
	}))
	defer srv.Close()
	client := athena.New(athena.Options{
		Region:       "eu-west-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 2
			o.MaxBackoff = time.Millisecond
		}),
	})
	_, err := client.GetQueryExecution(context.Background(), &athena.GetQueryExecutionInput{QueryExecutionId: aws.String("q-1")})
	if err == nil {
		t.Fatal("a throttled call succeeded")
	}
	got := fetch.Explain(err)
	if !strings.Contains(got, "throttled on Athena: GetQueryExecution until the retries ran out") || strings.Contains(got, "LookupEvents") ||
		!strings.Contains(got, "Athena's API quota") {
		t.Errorf("Explain = %q", got)
	}
}
