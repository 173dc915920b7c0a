package localtrail

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"lazytrail/model"
)

// ServeHTTP answers one awsJson1_1 request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.inflight.Add(1)
	defer s.inflight.Done()
	w.Header().Set("X-Amzn-Requestid", s.requestID())

	if r.Method != http.MethodPost || r.URL.Path != "/" {
		writeError(w, badRequest("UnknownOperationException",
			fmt.Sprintf("%s %s is not an operation: CloudTrail takes POST / with an X-Amz-Target header.", r.Method, r.URL.Path)))
		return
	}
	switch target := r.Header.Get("X-Amz-Target"); target {
	case lookupEventsTarget, lookupEventsTargetQualified:
	case getProductsTarget:
		if _, apiErr := signedRegion(r.Header.Get("Authorization")); apiErr != nil {
			writeError(w, apiErr)
			return
		}
		s.getProducts(w, r)
		return
	case "":
		writeError(w, badRequest("UnknownOperationException", "Missing X-Amz-Target header: expected "+lookupEventsTarget+"."))
		return
	default:
		writeError(w, badRequest("UnknownOperationException",
			fmt.Sprintf("Operation %q is not served here; this endpoint serves %s and %s only.", target, lookupEventsTarget, getProductsTarget)))
		return
	}
	region, apiErr := signedRegion(r.Header.Get("Authorization"))
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	s.lookupEvents(w, r, region)
}

func (s *Server) requestID() string {
	n := s.requests.Add(1)
	return fmt.Sprintf("10ca1000-0000-4000-8000-%012x", n)
}

// signedRegion reads the region from a SigV4 credential scope:
// "AWS4-HMAC-SHA256 Credential=AKID/20261123/eu-west-1/cloudtrail/aws4_request, …".
func signedRegion(auth string) (string, *apiError) {
	if auth == "" {
		return "", badRequest("MissingAuthenticationTokenException",
			"Missing Authentication Token: sign the request with SigV4 (the region is read from its credential scope).")
	}
	_, rest, found := strings.Cut(auth, "Credential=")
	if found {
		scope, _, _ := strings.Cut(rest, ",")
		parts := strings.Split(strings.TrimSpace(scope), "/")
		if len(parts) == 5 && parts[2] != "" && parts[4] == "aws4_request" {
			return parts[2], nil
		}
	}
	return "", badRequest("IncompleteSignatureException",
		"Authorization header has no SigV4 credential scope (Credential=KEY/DATE/REGION/cloudtrail/aws4_request).")
}

// maxMadeUpRegions bounds the per-region state a client can make the server
// keep by signing with region names of the right shape that are neither
// real (realRegions) nor the dataset's; those always have room.
const maxMadeUpRegions = 64

// knownRegion reports whether a region has state already, is a real one,
// or holds events; s.mu is held.
func (s *Server) knownRegion(region string) bool {
	if s.regions[region] != nil || realRegions[region] {
		return true
	}
	select {
	case <-s.ready: // s.data is there to read
		_, held := s.data.byRegion[region]
		return held
	default:
		return false
	}
}

func (s *Server) lookupEvents(w http.ResponseWriter, r *http.Request, region string) {
	s.mu.Lock()
	if !s.knownRegion(region) {
		if !model.IsRegionName(region) {
			// What AWS answers a scope naming no region at all; nothing
			// is kept for it.
			s.mu.Unlock()
			writeError(w, badRequest("InvalidSignatureException", "Credential should be scoped to a valid region."))
			return
		}
		if s.madeUp >= maxMadeUpRegions {
			// Too many names that may be regions this endpoint does not
			// know: answer as AWS does in a region not enabled for the
			// account.
			s.mu.Unlock()
			writeError(w, badRequest("UnrecognizedClientException", "The security token included in the request is invalid."))
			return
		}
		s.madeUp++
	}
	st := s.state(region)
	st.stats.Requests++
	st.faultN++
	n, f := st.faultN, st.fault
	latency := s.opts.Latency
	if st.latency != nil {
		latency = *st.latency
	}
	limiter := st.limiter
	s.mu.Unlock()

	// Read the body before any wait: net/http notices a client that went
	// away (and cancels r.Context) only once the body has been consumed.
	body, readErr := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))

	select {
	case <-s.ready:
	case <-r.Context().Done():
		return
	case <-s.closing:
		return
	}
	if !s.wait(r.Context(), latency) {
		return
	}
	count := func(c *int) {
		s.mu.Lock()
		*c++
		s.mu.Unlock()
	}
	switch {
	case f.AccessDenied:
		count(&st.stats.Faulted)
		writeError(w, badRequest("AccessDeniedException",
			fmt.Sprintf("User: arn:aws:sts::123456789012:assumed-role/lazytrail/local is not authorized to perform: cloudtrail:LookupEvents in %s with an explicit deny in a service control policy", region)))
		return
	case f.UnrecognizedClient:
		count(&st.stats.Faulted)
		writeError(w, badRequest("UnrecognizedClientException", "The security token included in the request is invalid."))
		return
	case !limiter.Allow() || every(f.ThrottleEvery, n):
		count(&st.stats.Throttled)
		writeError(w, badRequest("ThrottlingException", "Rate exceeded"))
		return
	case every(f.InternalEvery, n):
		count(&st.stats.Faulted)
		writeError(w, &apiError{status: http.StatusInternalServerError, code: "InternalFailure",
			message: "The request processing has failed because of an unknown error, exception or failure."})
		return
	case f.Hang || every(f.HangEvery, n):
		s.mu.Lock()
		st.stats.Faulted++
		st.stats.Hung++
		s.mu.Unlock()
		select {
		case <-r.Context().Done():
		case <-s.closing:
		}
		panic(http.ErrAbortHandler) // drop the connection without an answer
	}

	var req lookupRequest
	err := readErr
	if err == nil && len(strings.TrimSpace(string(body))) > 0 {
		err = json.Unmarshal(body, &req)
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		count(&st.stats.Rejected)
		writeError(w, &apiError{status: http.StatusRequestEntityTooLarge, code: "SerializationException",
			message: fmt.Sprintf("The request body is over %d bytes; a LookupEvents request is a few hundred.", maxBodyBytes)})
		return
	}
	if err != nil {
		count(&st.stats.Rejected)
		writeError(w, badRequest("SerializationException", "The request body is not a valid LookupEvents request: "+err.Error()))
		return
	}
	defStart, defEnd := s.data.defaultRange(s.opts.Now().UTC())
	q, apiErr := validate(&req, defStart, defEnd)
	if apiErr == nil {
		apiErr = s.servePage(w, region, st, f, q)
	}
	if apiErr != nil {
		if apiErr.code == "InvalidNextTokenException" && f.ExpireTokenAfter > 0 {
			count(&st.stats.Faulted)
		} else {
			count(&st.stats.Rejected)
		}
		writeError(w, apiErr)
	}
}

// wait sleeps for the answer latency; false means the client or the
// server gave up first and nothing should be answered.
func (s *Server) wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.closing:
		panic(http.ErrAbortHandler)
	}
}

func (s *Server) servePage(w http.ResponseWriter, region string, st *regionState, f Fault, q *query) *apiError {
	events := s.data.region(region)
	bind := binding(region, q)
	from, pages, repeat := 0, uint32(0), false
	if q.token != "" {
		c, ok := s.openToken(q.token, bind)
		if !ok {
			return badRequest("InvalidNextTokenException",
				"A token that is not valid, or a token that was previously used in a request with different parameters.")
		}
		if f.ExpireTokenAfter > 0 && c.pages >= uint32(f.ExpireTokenAfter) {
			return badRequest("InvalidNextTokenException", "The NextToken has expired; start the query again.")
		}
		// A repeat needs room for one new event too, or a page of one
		// would repeat the same event forever.
		repeat = f.DuplicateAcrossPages && q.limit >= 2
		from, pages = events.positionAfter(c, repeat), c.pages
	}
	page, more := events.page(q, from)

	encoded := make([][]byte, len(page))
	s.mu.Lock()
	malformed := make([]bool, len(page))
	for i := range page {
		st.servedN++
		if every(f.MalformedEvery, st.servedN) {
			malformed[i] = true
			st.stats.Malformed++
		}
	}
	st.stats.Served++
	st.stats.Events += len(page)
	if repeat && len(page) > 0 {
		st.stats.Duplicated++
	}
	s.mu.Unlock()
	for i, k := range page {
		if malformed[i] {
			var buf bytes.Buffer
			encodeEvent(&buf, &events.events[k], breakJSON(events.raw(k)))
			encoded[i] = buf.Bytes()
		} else {
			encoded[i] = events.encoded(k)
		}
	}
	var next string
	if more {
		last := &events.events[page[len(page)-1]]
		next = s.sealToken(bind, cursor{pages: pages + 1, time: last.Time, id: last.ID})
	}
	writePage(w, encoded, next)
	return nil
}

// breakJSON cuts a record in half, which can never leave valid JSON.
func breakJSON(record string) string {
	if len(record) < 2 {
		return "{"
	}
	return record[:len(record)/2]
}
