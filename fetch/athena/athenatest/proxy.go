package athenatest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"lazytrail/fetch/athena"
)

// Results computes the rows (without the header) a query's SQL selects:
// a real engine's answer (DuckDB) or an independent computation over the
// same records.
type Results func(sql string) ([][]*string, error)

// Proxy stands in front of moto_server. moto runs no SQL and returns a
// queued result whole, so the proxy, on each StartQueryExecution, asks
// Results for the SQL's rows and queues them in moto (with the header row
// real Athena puts first), then pages GetQueryResults by MaxResults with
// its own NextToken. Everything else is forwarded as it is.
type Proxy struct {
	URL string // the proxy on its own port; it is also an http.Handler

	handler  http.Handler
	server   *http.Server // when started by Listen
	starting sync.Mutex   // held while a query's results are queued and it starts
	moto     string
	region   string
	results  Results

	mu       sync.Mutex
	calls    map[string]int // by operation (StartQueryExecution, GetTable, …)
	sql      []string
	ids      []string
	throttle map[string]int        // operation -> how many more calls to throttle
	refuse   map[string]int        // operation -> how many more calls to refuse (not retried)
	fail     string                // GetQueryExecution reports FAILED with this reason
	scanned  int64                 // DataScannedInBytes reported
	hold     bool                  // report a SUCCEEDED query as RUNNING
	answers  map[string]*resultSet // by query execution id: moto's whole answers, kept
	answered []string              // the ids of answers, oldest first
	hangStop bool                  // StopQueryExecution never answers (until the caller gives up)
}

// NewProxy starts a proxy to moto for region, closed when the test ends.
func NewProxy(t testing.TB, moto, region string, results Results) *Proxy {
	p, err := newProxy(moto, region, results)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p.handler)
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

// Listen starts a proxy to moto for region on addr (host:port, port 0
// for a free one), for a program rather than a test; Close stops it.
func Listen(addr, moto, region string, results Results) (*Proxy, error) {
	p, err := newProxy(moto, region, results)
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	p.server = &http.Server{Handler: p.handler, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.server.Serve(l) }()
	p.URL = "http://" + l.Addr().String()
	return p, nil
}

// Close stops a proxy started by Listen.
func (p *Proxy) Close() error {
	if p.server == nil {
		return nil
	}
	return p.server.Close()
}

func newProxy(moto, region string, results Results) (*Proxy, error) {
	p := &Proxy{moto: moto, region: region, results: results, calls: map[string]int{}, throttle: map[string]int{}, refuse: map[string]int{}}
	target, err := url.Parse(moto)
	if err != nil {
		return nil, err
	}
	forward := httputil.NewSingleHostReverseProxy(target)
	p.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op := r.Header.Get("X-Amz-Target")
		op = op[strings.LastIndex(op, ".")+1:]
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if throttled, refused := p.count(op); op != "" && (throttled || refused) {
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			w.WriteHeader(http.StatusBadRequest)
			if refused {
				fmt.Fprint(w, `{"__type":"InvalidRequestException","Message":"refused by the test"}`)
				return
			}
			fmt.Fprint(w, `{"__type":"TooManyRequestsException","Message":"Rate exceeded"}`)
			return
		}
		if op == "StartQueryExecution" {
			// moto gives a new query the oldest queued results: queue
			// and start one query at a time, so that each gets its own.
			p.starting.Lock()
			defer p.starting.Unlock()
		}
		switch op {
		case "StopQueryExecution":
			p.mu.Lock()
			hang := p.hangStop
			p.mu.Unlock()
			if hang {
				<-r.Context().Done() // the client gave up and closed the connection
				return
			}
		case "StartQueryExecution":
			if err := p.queue(body); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
		case "GetQueryExecution":
			p.rewriteExecution(w, r, body)
			return
		case "GetQueryResults":
			p.page(w, r, body)
			return
		}
		rec := httptest.NewRecorder()
		forward.ServeHTTP(rec, r)
		if op == "StartQueryExecution" && rec.Code == http.StatusOK {
			var out struct{ QueryExecutionId string }
			_ = json.Unmarshal(rec.Body.Bytes(), &out)
			p.mu.Lock()
			p.ids = append(p.ids, out.QueryExecutionId)
			p.mu.Unlock()
		}
		copyResponse(w, rec)
	})
	return p, nil
}

// ServeHTTP serves a request as the proxy's own port does, for a test
// that puts the proxy behind its own recorder.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) { p.handler.ServeHTTP(w, r) }

// count records a call and says whether to throttle or refuse it.
func (p *Proxy) count(op string) (throttled, refused bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls[op]++
	if p.refuse[op] > 0 {
		p.refuse[op]--
		return false, true
	}
	if p.throttle[op] > 0 {
		p.throttle[op]--
		return true, false
	}
	return false, false
}

// queue asks Results for the SQL's rows and queues them in moto.
func (p *Proxy) queue(body []byte) error {
	var in struct{ QueryString string }
	if err := json.Unmarshal(body, &in); err != nil {
		return err
	}
	p.mu.Lock()
	p.sql = append(p.sql, in.QueryString)
	p.mu.Unlock()
	rows, err := p.results(in.QueryString)
	if err != nil {
		return fmt.Errorf("computing the rows of %s: %w", in.QueryString, err)
	}
	type datum struct {
		VarCharValue *string `json:",omitempty"`
	}
	type wireRow struct{ Data []datum }
	var wire []wireRow
	var info []map[string]any
	header := wireRow{}
	for i, col := range athena.ResultColumns(in.QueryString) {
		label := fmt.Sprintf("_col%d", i)
		if !strings.ContainsAny(col, "(\"") {
			label = col[strings.LastIndex(col, ".")+1:]
		}
		header.Data = append(header.Data, datum{&label})
		info = append(info, map[string]any{"Name": label, "Label": label, "Type": "varchar", "Nullable": "UNKNOWN"})
	}
	wire = append(wire, header)
	for _, r := range rows {
		var w wireRow
		for _, v := range r {
			w.Data = append(w.Data, datum{v})
		}
		wire = append(wire, w)
	}
	payload, _ := json.Marshal(map[string]any{
		"region":  p.region,
		"results": []any{map[string]any{"rows": wire, "column_info": info}},
	})
	resp, err := http.Post(p.moto+"/moto-api/static/athena/query-results", "application/json", bytes.NewReader(payload))
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("moto refused the queued results: %s", resp.Status)
	}
	return nil
}

// rewriteExecution forwards GetQueryExecution and applies the test's
// state: a failure, a hold, the bytes scanned.
func (p *Proxy) rewriteExecution(w http.ResponseWriter, r *http.Request, body []byte) {
	rec := p.forward(r, body)
	var out map[string]any
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &out) != nil {
		copyResponse(w, rec)
		return
	}
	qe, _ := out["QueryExecution"].(map[string]any)
	status, _ := qe["Status"].(map[string]any)
	stats, _ := qe["Statistics"].(map[string]any)
	p.mu.Lock()
	fail, hold, scanned := p.fail, p.hold, p.scanned
	p.mu.Unlock()
	if status != nil {
		switch {
		case fail != "" && status["State"] != "CANCELLED":
			status["State"], status["StateChangeReason"] = "FAILED", fail
		case hold && status["State"] == "SUCCEEDED":
			status["State"] = "RUNNING"
		}
	}
	if stats != nil {
		stats["DataScannedInBytes"] = scanned
	}
	writeJSON(w, out)
}

// page answers GetQueryResults with one page of moto's whole result.
func (p *Proxy) page(w http.ResponseWriter, r *http.Request, body []byte) {
	var in struct {
		QueryExecutionId string
		MaxResults       int
		NextToken        string
	}
	if err := json.Unmarshal(body, &in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	out, ok := p.answer(in.QueryExecutionId)
	if !ok {
		whole, _ := json.Marshal(map[string]any{"QueryExecutionId": in.QueryExecutionId})
		rec := p.forward(r, whole)
		var read struct{ ResultSet resultSet }
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &read) != nil {
			copyResponse(w, rec)
			return
		}
		out = &read.ResultSet
		p.keepAnswer(in.QueryExecutionId, out)
	}
	from, _ := strconv.Atoi(in.NextToken)
	size := in.MaxResults
	if size <= 0 {
		size = 1000
	}
	rows := out.Rows
	from = min(from, len(rows))
	to := min(from+size, len(rows))
	reply := map[string]any{"ResultSet": map[string]any{"Rows": rows[from:to], "ResultSetMetadata": out.ResultSetMetadata}}
	if to < len(rows) {
		reply["NextToken"] = strconv.Itoa(to)
	}
	writeJSON(w, reply)
}

// resultSet is moto's whole answer to a query.
type resultSet struct {
	Rows              []json.RawMessage
	ResultSetMetadata json.RawMessage
}

// keptAnswers is how many queries' whole answers the proxy keeps, so that
// paging a big answer does not fetch all of it from moto for every page.
const keptAnswers = 4

func (p *Proxy) answer(id string) (*resultSet, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	rs, ok := p.answers[id]
	return rs, ok
}

func (p *Proxy) keepAnswer(id string, rs *resultSet) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.answers == nil {
		p.answers = map[string]*resultSet{}
	}
	if _, ok := p.answers[id]; !ok {
		p.answered = append(p.answered, id)
	}
	p.answers[id] = rs
	for len(p.answered) > keptAnswers {
		delete(p.answers, p.answered[0])
		p.answered = p.answered[1:]
	}
}

func (p *Proxy) forward(r *http.Request, body []byte) *httptest.ResponseRecorder {
	req, _ := http.NewRequest(r.Method, p.moto+r.URL.Path, bytes.NewReader(body))
	req.Header = r.Header.Clone()
	req.Header.Del("Content-Length")
	rec := httptest.NewRecorder()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		rec.WriteHeader(http.StatusBadGateway)
		return rec
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		rec.Header()[k] = v
	}
	rec.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(rec, resp.Body)
	return rec
}

func copyResponse(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

func writeJSON(w http.ResponseWriter, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_, _ = w.Write(b)
}

// Throttle answers the next n calls of op with TooManyRequestsException.
func (p *Proxy) Throttle(op string, n int) { p.mu.Lock(); p.throttle[op] += n; p.mu.Unlock() }

// Refuse answers the next n calls of op with InvalidRequestException,
// which the SDK does not retry.
func (p *Proxy) Refuse(op string, n int) { p.mu.Lock(); p.refuse[op] += n; p.mu.Unlock() }

// Fail makes every query report FAILED with reason.
func (p *Proxy) Fail(reason string) { p.mu.Lock(); p.fail = reason; p.mu.Unlock() }

// Hold keeps queries RUNNING (until released with Hold(false)).
func (p *Proxy) Hold(on bool) { p.mu.Lock(); p.hold = on; p.mu.Unlock() }

// Scanned sets the DataScannedInBytes every query reports.
func (p *Proxy) Scanned(n int64) { p.mu.Lock(); p.scanned = n; p.mu.Unlock() }

// HangStop makes StopQueryExecution hang: no answer until the client
// gives up.
func (p *Proxy) HangStop(on bool) { p.mu.Lock(); p.hangStop = on; p.mu.Unlock() }

// Calls is how often op was called (throttled calls included).
func (p *Proxy) Calls(op string) int { p.mu.Lock(); defer p.mu.Unlock(); return p.calls[op] }

// SQL lists the queries started, in order.
func (p *Proxy) SQL() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.sql...)
}

// IDs lists the query execution ids started, in order.
func (p *Proxy) IDs() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.ids...)
}
