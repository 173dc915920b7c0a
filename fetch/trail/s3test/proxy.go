package s3test

import (
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// Request is one S3 request the proxy saw, as the operation S3 would
// serve (path-style addressing).
type Request struct {
	Op        string // ListObjectsV2, GetObject, HeadObject, PutObject, ...; "Other" when unknown
	Bucket    string
	Key       string // GetObject, HeadObject, PutObject
	Prefix    string // ListObjectsV2
	Delimiter string // ListObjectsV2
}

func (r Request) String() string {
	switch r.Op {
	case "ListObjectsV2":
		return fmt.Sprintf("List %s (delimiter %q)", r.Prefix, r.Delimiter)
	case "":
		return "?"
	}
	return r.Op + " " + r.Key
}

// Proxy forwards to an S3 endpoint and records every request. Its rules
// answer chosen keys itself: Deny with 403 AccessDenied (or the KMS
// denial), Stall sends half an object and then holds the connection
// until the client gives up; Inject spoils a share of the requests with a
// Fault, BeforeGet runs a test's hook (a deletion) before a GET.
type Proxy struct {
	URL string

	target *url.URL
	rp     *httputil.ReverseProxy

	mu      sync.Mutex
	reqs    []Request
	deny    map[string]string // key or list prefix -> message
	stall   map[string]chan struct{}
	maxKeys string

	faults    []*FaultRule
	draw      *rand.Rand // for faults with a rate, per request
	before    map[string]func()
	seen      map[string]int // requests per op and key, for Once
	applied   map[Fault]int
	appliedTo map[Fault][]string
}

// NewProxy starts a recording proxy in front of target until the test ends.
func NewProxy(t testing.TB, target string) *Proxy {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{target: u, deny: map[string]string{}, stall: map[string]chan struct{}{},
		draw: rand.New(rand.NewPCG(1, 16)), before: map[string]func(){}, seen: map[string]int{},
		applied: map[Fault]int{}, appliedTo: map[Fault][]string{}}
	p.rp = httputil.NewSingleHostReverseProxy(u)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	p.rp.Transport = tr
	srv := httptest.NewServer(p)
	p.URL = srv.URL
	t.Cleanup(func() {
		p.mu.Lock()
		for k, ch := range p.stall {
			close(ch)
			delete(p.stall, k)
		}
		p.mu.Unlock()
		srv.CloseClientConnections()
		srv.Close()
		tr.CloseIdleConnections()
	})
	return p
}

// Deny answers 403 AccessDenied for GetObject of key, or for a listing
// with key as its prefix. With kms set, the message is the one S3 gives
// for an SSE-KMS object the caller may not decrypt.
func (p *Proxy) Deny(key string, kms bool) {
	msg := "Access Denied"
	if kms {
		msg = "User: arn:aws:iam::111122223333:user/reader is not authorized to perform: kms:Decrypt on the resource associated with this ciphertext because no identity-based policy allows the kms:Decrypt action"
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.deny[key] = msg
}

// Stall makes GetObject of key send its headers and the first half of the
// object, then hang until the client closes the connection or the
// returned release is called.
func (p *Proxy) Stall(key string) (release func()) {
	ch := make(chan struct{})
	p.mu.Lock()
	p.stall[key] = ch
	p.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			p.mu.Lock()
			if p.stall[key] == ch {
				delete(p.stall, key)
				close(ch)
			}
			p.mu.Unlock()
		})
	}
}

// MaxKeys rewrites every listing's max-keys to n, so a small folder takes
// several pages.
func (p *Proxy) MaxKeys(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.maxKeys = fmt.Sprint(n)
}

// Requests returns the requests so far, in arrival order.
func (p *Proxy) Requests() []Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.reqs)
}

// Reset forgets the requests so far.
func (p *Proxy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.reqs = nil
}

// Count returns how many requests had operation op.
func (p *Proxy) Count(op string) int {
	n := 0
	for _, r := range p.Requests() {
		if r.Op == op {
			n++
		}
	}
	return n
}

// Classify names the S3 operation of a path-style request.
func Classify(r *http.Request) Request {
	path := strings.TrimPrefix(r.URL.Path, "/")
	bucket, key, _ := strings.Cut(path, "/")
	q := r.URL.Query()
	req := Request{Op: "Other", Bucket: bucket, Key: key}
	switch {
	case r.Method == http.MethodGet && key == "" && q.Get("list-type") == "2":
		req.Op, req.Prefix, req.Delimiter = "ListObjectsV2", q.Get("prefix"), q.Get("delimiter")
	case r.Method == http.MethodGet && key == "" && !q.Has("location") && len(q) <= 4:
		req.Op, req.Prefix, req.Delimiter = "ListObjects", q.Get("prefix"), q.Get("delimiter")
	case r.Method == http.MethodGet && key != "":
		req.Op = "GetObject"
	case r.Method == http.MethodHead && key != "":
		req.Op = "HeadObject"
	case r.Method == http.MethodHead:
		req.Op = "HeadBucket"
	case r.Method == http.MethodPut && key != "":
		req.Op = "PutObject"
	case r.Method == http.MethodDelete && key != "":
		req.Op = "DeleteObject"
	}
	return req
}

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req := Classify(r)
	p.mu.Lock()
	p.reqs = append(p.reqs, req)
	denyMsg, denied := "", false
	switch req.Op {
	case "GetObject", "HeadObject":
		denyMsg, denied = p.deny[req.Key]
	case "ListObjectsV2", "ListObjects":
		denyMsg, denied = p.deny[req.Prefix]
	}
	stall := p.stall[req.Key]
	if req.Op != "GetObject" {
		stall = nil
	}
	fault := p.chooseFault(req)
	before := p.before[req.Key]
	if req.Op == "GetObject" && before != nil {
		delete(p.before, req.Key)
	}
	if p.maxKeys != "" && req.Op == "ListObjectsV2" {
		q := r.URL.Query()
		q.Set("max-keys", p.maxKeys)
		r.URL.RawQuery = q.Encode()
	}
	p.mu.Unlock()

	if denied {
		WriteError(w, http.StatusForbidden, "AccessDenied", denyMsg)
		return
	}
	if stall != nil {
		p.serveStalled(w, r, stall)
		return
	}
	if req.Op == "GetObject" && before != nil {
		before()
	}
	if fault != NoFault {
		p.serveFault(w, r, fault)
		return
	}
	p.rp.ServeHTTP(w, r)
}

// serveStalled sends the object's headers and first half, then holds.
func (p *Proxy) serveStalled(w http.ResponseWriter, r *http.Request, release chan struct{}) {
	resp, body, ok := p.fetchWhole(w, r, "")
	if !ok {
		return
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(body[:len(body)/2])
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	select {
	case <-r.Context().Done():
	case <-release:
		_, _ = w.Write(body[len(body)/2:])
	}
}

// WriteError answers as S3 does when it refuses a request.
func WriteError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("X-Amz-Request-Id", "0A1B2C3D4E5F6789")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>%s</Code><Message>%s</Message><RequestId>0A1B2C3D4E5F6789</RequestId><HostId>aG9zdGlk</HostId></Error>`, code, message)
}

// RegionFront stands for S3 in front of a bucket that lives in one region:
// a request signed for another region gets S3's 301 PermanentRedirect
// with the bucket's region in X-Amz-Bucket-Region; the others pass.
type RegionFront struct {
	URL       string
	redirects atomic.Int64
}

// NewRegionFront serves target as a bucket of region until the test ends.
func NewRegionFront(t testing.TB, target, region string) *RegionFront {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	f := &RegionFront{}
	rp := httputil.NewSingleHostReverseProxy(u)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	rp.Transport = tr
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Credential=AKID/20260302/REGION/s3/aws4_request
		auth := r.Header.Get("Authorization")
		if !strings.Contains(auth, "/"+region+"/s3/aws4_request") {
			f.redirects.Add(1)
			w.Header().Set("X-Amz-Bucket-Region", region)
			WriteError(w, http.StatusMovedPermanently, "PermanentRedirect",
				"The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.")
			return
		}
		rp.ServeHTTP(w, r)
	}))
	f.URL = srv.URL
	t.Cleanup(func() { srv.Close(); tr.CloseIdleConnections() })
	return f
}

// Redirects is how many requests were sent to the wrong region.
func (f *RegionFront) Redirects() int { return int(f.redirects.Load()) }

// Fault is how the proxy spoils an answer.
type Fault int8

// The faults a FaultRule injects.
const (
	NoFault Fault = iota
	// StallFault sends the headers and half the body, then nothing until
	// the client gives up (closes the connection).
	StallFault
	// ResetFault sends the headers and half the body, then resets the
	// connection (a TCP RST).
	ResetFault
	// TruncateFault sends the headers (the full Content-Length) and half
	// the body, then closes the connection cleanly.
	TruncateFault
	// SlowDownFault answers 503 SlowDown, S3's throttling.
	SlowDownFault
)

func (f Fault) String() string {
	return [...]string{"none", "stall", "reset", "truncate", "503 SlowDown"}[f]
}

// FaultRule chooses the requests a fault spoils.
type FaultRule struct {
	Fault Fault
	Op    string // "GetObject", "ListObjectsV2"; "" for any
	// Rate is the share of requests spoiled. With Once it is the share
	// of keys (or listing prefixes), chosen by a hash of the key, whose
	// first request is spoiled and the next ones pass (what one retry
	// recovers); without, each request is drawn (seeded) independently.
	Rate float64
	Once bool
}

// Inject adds a fault rule; the first rule that chooses a request wins.
func (p *Proxy) Inject(r FaultRule) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults = append(p.faults, &r)
}

// BeforeGet runs f once, before the first GetObject of key is forwarded
// (a test deletes the object there: it vanishes between list and GET).
func (p *Proxy) BeforeGet(key string, f func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.before[key] = f
}

// Applied returns how many requests each fault spoiled, and the keys (or
// listing prefixes) it spoiled.
func (p *Proxy) Applied(f Fault) (int, []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.applied[f], slices.Clone(p.appliedTo[f])
}

// chooseFault picks the fault for req, with p.mu held.
func (p *Proxy) chooseFault(req Request) Fault {
	what := req.Key
	if req.Op == "ListObjectsV2" || req.Op == "ListObjects" {
		what = req.Prefix
	}
	id := req.Op + " " + what
	p.seen[id]++
	for _, r := range p.faults {
		if r.Op != "" && r.Op != req.Op {
			continue
		}
		hit := false
		if r.Once {
			h := fnv.New64a()
			h.Write([]byte(id))
			hit = p.seen[id] == 1 && float64(h.Sum64()%10000) < r.Rate*10000
		} else {
			hit = p.draw.Float64() < r.Rate
		}
		if hit {
			p.applied[r.Fault]++
			p.appliedTo[r.Fault] = append(p.appliedTo[r.Fault], what)
			return r.Fault
		}
	}
	return NoFault
}

// serveFault answers r spoiled by f.
func (p *Proxy) serveFault(w http.ResponseWriter, r *http.Request, f Fault) {
	if f == SlowDownFault {
		WriteError(w, http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate.")
		return
	}
	resp, body, ok := p.fetchWhole(w, r, r.URL.RawQuery)
	if !ok {
		return
	}
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(body[:len(body)/2])
	if fl, ok := w.(http.Flusher); ok {
		fl.Flush()
	}
	if f == StallFault {
		<-r.Context().Done()
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("s3test: the proxy's connection cannot be hijacked")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok && f == ResetFault {
		_ = tc.SetLinger(0) // close with a RST
	}
	conn.Close()
}

// fetchWhole asks moto for what r asks (with query, when not ""), reads
// the whole body and copies the headers to w, for a fault to serve as it
// likes; it answers w itself and says false when moto cannot be reached.
func (p *Proxy) fetchWhole(w http.ResponseWriter, r *http.Request, query string) (*http.Response, []byte, bool) {
	out, err := http.NewRequestWithContext(r.Context(), r.Method, p.target.ResolveReference(&url.URL{Path: r.URL.Path, RawQuery: query}).String(), nil)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return nil, nil, false
	}
	out.Header = r.Header.Clone()
	resp, err := p.rp.Transport.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return nil, nil, false
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	return resp, body, true
}
