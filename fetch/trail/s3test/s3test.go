// Package s3test holds what tests need around an S3 endpoint (moto_server):
// an SDK config pointed at it, an uploader for a trail bucket, and a
// recording proxy that counts the requests a reader makes, denies or
// stalls chosen keys in S3's own error shape, and injects faults (a stall,
// a reset, a cut body, 503 SlowDown) into a share of the requests.
package s3test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Config is an SDK config for endpoint with static test credentials, as
// the default chain would load it with AWS_ENDPOINT_URL set. Its HTTP
// client's idle connections are closed when the test ends.
func Config(t testing.TB, endpoint string) aws.Config {
	hc := awshttp.NewBuildableClient()
	t.Cleanup(func() { hc.GetTransport().CloseIdleConnections() })
	return aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
		HTTPClient:   hc,
		BaseEndpoint: aws.String(endpoint),
	}
}

// Client is a path-style S3 client for endpoint, for a test's uploads.
func Client(t testing.TB, endpoint string) *s3.Client {
	return s3.NewFromConfig(Config(t, endpoint), func(o *s3.Options) { o.UsePathStyle = true })
}

// Uploader fills one bucket, straight at the endpoint (not through a
// proxy, so a test's uploads are not counted as the reader's requests).
type Uploader struct {
	Client *s3.Client
	Bucket string
}

// NewUploader creates bucket at endpoint.
func NewUploader(t testing.TB, endpoint, bucket string) *Uploader {
	t.Helper()
	c := Client(t, endpoint)
	if _, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatalf("create bucket %s: %v", bucket, err)
	}
	return &Uploader{Client: c, Bucket: bucket}
}

// Put uploads every object (key -> body) with a few workers.
func (u *Uploader) Put(t testing.TB, objects map[string][]byte) {
	t.Helper()
	type obj struct {
		key  string
		body []byte
	}
	work := make(chan obj)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for o := range work {
				_, err := u.Client.PutObject(context.Background(), &s3.PutObjectInput{
					Bucket: aws.String(u.Bucket), Key: aws.String(o.key), Body: bytes.NewReader(o.body),
				})
				if err != nil {
					select {
					case errs <- fmt.Errorf("put %s: %w", o.key, err):
					default:
					}
				}
			}
		}()
	}
	for k, b := range objects {
		work <- obj{k, b}
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errs:
		t.Fatal(err)
	default:
	}
}

// Delete removes one object.
func (u *Uploader) Delete(t testing.TB, key string) {
	t.Helper()
	if _, err := u.Client.DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String(u.Bucket), Key: aws.String(key)}); err != nil {
		t.Fatalf("delete %s: %v", key, err)
	}
}

// Gzip compresses b as CloudTrail delivers its files.
func Gzip(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}
