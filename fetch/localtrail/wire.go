package localtrail

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"lazytrail/model"
)

// The awsJson1_1 shapes of LookupEvents, as the SDK serialises and parses
// them (cloudtrail-api.md §1.2, §1.3).

const (
	lookupEventsTarget = "CloudTrail_20131101.LookupEvents"
	// The AWS CLI (botocore 1.43) sends the target qualified by the
	// Smithy namespace.
	lookupEventsTargetQualified = "com.amazonaws.cloudtrail.v20131101." + lookupEventsTarget
	jsonContentType             = "application/x-amz-json-1.1"
)

type lookupRequest struct {
	StartTime        *float64 // epoch seconds, integer or fractional
	EndTime          *float64
	EventCategory    *string
	LookupAttributes []lookupAttribute
	MaxResults       *float64 // a float so that 2.5 is rejected rather than a decode error
	NextToken        *string
}

type lookupAttribute struct {
	AttributeKey   *string
	AttributeValue *string
}

type wireEvent struct {
	EventId         string         `json:",omitempty"`
	EventName       string         `json:",omitempty"`
	ReadOnly        string         `json:",omitempty"` // "true"/"false": a string on the wire
	AccessKeyId     string         `json:",omitempty"`
	EventTime       *epochSeconds  `json:",omitempty"`
	EventSource     string         `json:",omitempty"`
	Username        string         `json:",omitempty"`
	Resources       []wireResource `json:",omitempty"`
	CloudTrailEvent string         `json:",omitempty"` // the record, as a JSON string
}

type wireResource struct {
	ResourceType string `json:",omitempty"`
	ResourceName string `json:",omitempty"`
}

// epochSeconds marshals as a JSON number of seconds, integral when the time
// has no fraction: the SDK refuses a timestamp string here.
type epochSeconds time.Time

func (t *epochSeconds) MarshalJSON() ([]byte, error) {
	tt := time.Time(*t)
	if tt.Nanosecond() == 0 {
		return strconv.AppendInt(nil, tt.Unix(), 10), nil
	}
	return strconv.AppendFloat(nil, float64(tt.UnixNano())/1e9, 'f', -1, 64), nil
}

func toWire(e *model.Event, record string) wireEvent {
	w := wireEvent{
		EventId:         e.ID,
		EventName:       e.Name,
		ReadOnly:        e.ReadOnly.String(),
		AccessKeyId:     e.AccessKeyID,
		EventSource:     e.Source,
		Username:        e.Username,
		CloudTrailEvent: record,
	}
	if !e.Time.IsZero() {
		t := epochSeconds(e.Time)
		w.EventTime = &t
	}
	if len(e.Resources) > 0 {
		w.Resources = make([]wireResource, len(e.Resources))
		for i, r := range e.Resources {
			w.Resources[i] = wireResource{ResourceType: r.Type, ResourceName: r.Name}
		}
	}
	return w
}

// encodeEvent appends one event's wire JSON to buf.
func encodeEvent(buf *bytes.Buffer, e *model.Event, record string) {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	w := toWire(e, record)
	if err := enc.Encode(&w); err != nil {
		panic(err) // strings and numbers only: cannot fail
	}
	buf.Truncate(buf.Len() - 1) // Encode's newline
}

// encoded returns the cached wire JSON of the ith event.
func (r *regionEvents) encoded(i int) []byte {
	if b := r.wire[i].Load(); b != nil {
		return *b
	}
	var buf bytes.Buffer
	encodeEvent(&buf, &r.events[i], r.raw(i))
	b := buf.Bytes()
	r.wire[i].Store(&b)
	return b
}

// writePage writes a LookupEvents answer from pre-encoded events.
func writePage(w http.ResponseWriter, events [][]byte, nextToken string) {
	n := len(`{"Events":[],"NextToken":""}`) + len(nextToken)
	for _, e := range events {
		n += len(e) + 1
	}
	body := make([]byte, 0, n)
	body = append(body, `{"Events":[`...)
	for i, e := range events {
		if i > 0 {
			body = append(body, ',')
		}
		body = append(body, e...)
	}
	body = append(body, ']')
	if nextToken != "" { // base64url: nothing to escape
		body = append(body, `,"NextToken":"`...)
		body = append(body, nextToken...)
		body = append(body, '"')
	}
	body = append(body, '}')
	h := w.Header()
	h.Set("Content-Type", jsonContentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

// apiError is an answer in AWS's error shape: {"__type":…,"message":…}.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func badRequest(code, message string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: code, message: message}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status, buf = http.StatusInternalServerError, *bytes.NewBufferString(`{"__type":"InternalFailure","message":"encoding the answer failed"}`)
	}
	body := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	h := w.Header()
	h.Set("Content-Type", jsonContentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.status, struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}{e.code, e.message})
}
