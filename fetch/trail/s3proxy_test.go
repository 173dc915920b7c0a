package trail

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"lazytrail/fetch/localtrail/localtest"
	"lazytrail/fetch/trail/s3test"
)

// One moto_server serves every test of the package: started by the first
// test that needs it (through localtest.Moto), stopped after the last.
var motoShared struct {
	once     sync.Once
	url      string
	skip     string
	fatal    string
	cleanups []func()
	buckets  atomic.Int64
}

// s3PkgTB adapts the package's lifetime to the testing.TB localtest.Moto
// takes: its cleanups run when m.Run returns.
type s3PkgTB struct {
	testing.TB // nil: only the methods below are called
}

func (s3PkgTB) Helper() {}
func (s3PkgTB) Cleanup(f func()) {
	motoShared.cleanups = append(motoShared.cleanups, f)
}
func (s3PkgTB) Skip(args ...any) { motoShared.skip = fmt.Sprint(args...); runtime.Goexit() }
func (s3PkgTB) Fatal(args ...any) {
	motoShared.fatal = fmt.Sprint(args...)
	runtime.Goexit()
}
func (s3PkgTB) Fatalf(format string, args ...any) {
	motoShared.fatal = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func TestMain(m *testing.M) {
	code := m.Run()
	for i := len(motoShared.cleanups) - 1; i >= 0; i-- {
		motoShared.cleanups[i]()
	}
	os.Exit(code)
}

// s3Moto returns the package's moto_server URL, starting it on first use.
// The test is skipped when moto_server is not installed (.ci/run refuses
// to run without it).
func s3Moto(t testing.TB) string {
	t.Helper()
	motoShared.once.Do(func() {
		done := make(chan struct{})
		go func() {
			defer close(done)
			motoShared.url = localtest.Moto(s3PkgTB{})
		}()
		<-done
	})
	switch {
	case motoShared.fatal != "":
		t.Fatal(motoShared.fatal)
	case motoShared.skip != "":
		t.Skip(motoShared.skip)
	}
	return motoShared.url
}

// s3NewBucket creates a fresh bucket on the package's moto_server and a
// recording proxy in front of it: the store under test talks to the
// proxy, the test uploads straight to moto.
func s3NewBucket(t testing.TB) (bucket string, up *s3test.Uploader, proxy *s3test.Proxy) {
	t.Helper()
	url := s3Moto(t)
	bucket = fmt.Sprintf("trail-%d-%s", motoShared.buckets.Add(1), strings.ToLower(strings.NewReplacer("/", "-", "_", "-").Replace(t.Name())))
	if len(bucket) > 63 {
		bucket = strings.TrimRight(bucket[:63], "-")
	}
	up = s3test.NewUploader(t, url, bucket)
	return bucket, up, s3test.NewProxy(t, url)
}

// s3ProxiedStore is the store under test over the proxy.
func s3ProxiedStore(t testing.TB, p *s3test.Proxy, bucket, prefix string) Store {
	return newS3Store(s3test.Config(t, p.URL), bucket, prefix)
}

func TestProxyClassifiesWhatTheStoreSends(t *testing.T) {
	bucket, up, p := s3NewBucket(t)
	up.Put(t, map[string][]byte{"a/b.json": []byte(`{}`)})
	s := s3ProxiedStore(t, p, bucket, "")
	ctx := context.Background()
	if _, err := s.List(ctx, "a/"); err != nil {
		t.Fatal(err)
	}
	rc, err := s.Open(ctx, "a/b.json")
	if err != nil {
		t.Fatal(err)
	}
	rc.Close()
	got := fmt.Sprint(p.Requests())
	want := fmt.Sprint([]s3test.Request{
		{Op: "ListObjectsV2", Bucket: bucket, Prefix: "a/", Delimiter: "/"},
		{Op: "GetObject", Bucket: bucket, Key: "a/b.json"},
	})
	if got != want {
		t.Fatalf("proxy saw %s, want %s", got, want)
	}
}
