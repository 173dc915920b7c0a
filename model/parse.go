package model

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// record is the subset of a raw CloudTrail record that an Event keeps (the
// whole shape, as lazytrail writes records, is Record; TestRecordReadsBack
// holds the two to the same keys).
// Unknown fields are ignored and every field is optional. The large nested
// objects are held as borrowed bytes only while FromRecord runs: the detail
// pane re-parses Raw for the one event it shows (see Event.Details).
type record struct {
	EventID             string          `json:"eventID"`
	EventTime           string          `json:"eventTime"`
	EventName           string          `json:"eventName"`
	EventSource         string          `json:"eventSource"`
	AWSRegion           string          `json:"awsRegion"`
	RecipientAccountID  string          `json:"recipientAccountId"`
	ErrorCode           string          `json:"errorCode"`
	ErrorMessage        string          `json:"errorMessage"`
	SourceIPAddress     string          `json:"sourceIPAddress"`
	UserAgent           string          `json:"userAgent"`
	EventType           string          `json:"eventType"`
	ReadOnly            borrowedJSON    `json:"readOnly"` // JSON bool in records, but be lenient
	UserIdentity        *userIdentity   `json:"userIdentity"`
	Resources           []recordResrc   `json:"resources"`
	RequestParameters   borrowedJSON    `json:"requestParameters"`
	ResponseElements    borrowedJSON    `json:"responseElements"`
	AdditionalEventData borrowedJSON    `json:"additionalEventData"`
	InsightDetails      *insightSummary `json:"insightDetails"`
}

type recordResrc struct {
	ARN       string `json:"ARN"`
	ARNPrefix string `json:"ARNPrefix"`
	Type      string `json:"type"`
}

type insightSummary struct {
	EventName   string `json:"eventName"`
	EventSource string `json:"eventSource"`
}

type userIdentity struct {
	Type             string          `json:"type"`
	PrincipalID      string          `json:"principalId"`
	ARN              string          `json:"arn"`
	AccountID        string          `json:"accountId"`
	AccessKeyID      string          `json:"accessKeyId"`
	UserName         string          `json:"userName"`
	InvokedBy        string          `json:"invokedBy"`
	IdentityProvider string          `json:"identityProvider"`
	OnBehalfOf       *onBehalfOf     `json:"onBehalfOf"`
	SessionContext   *sessionContext `json:"sessionContext"`
}

type onBehalfOf struct {
	UserID string `json:"userId"`
}

type sessionContext struct {
	SessionIssuer  *sessionIssuer     `json:"sessionIssuer"`
	Attributes     *sessionAttributes `json:"attributes"`
	SourceIdentity string             `json:"sourceIdentity"`
}

type sessionIssuer struct {
	Type     string `json:"type"`
	ARN      string `json:"arn"`
	UserName string `json:"userName"`
}

type sessionAttributes struct {
	MFAAuthenticated borrowedJSON `json:"mfaAuthenticated"` // "true"/"false" as a string
}

// borrowedJSON keeps the bytes of a JSON value without copying them. It is
// only valid while the buffer given to json.Unmarshal is, which FromRecord
// guarantees by never letting a record outlive the call.
type borrowedJSON []byte

func (b *borrowedJSON) UnmarshalJSON(data []byte) error {
	*b = data
	return nil
}

// FromRecord parses one raw CloudTrail record (an S3 log file's Records
// entry, or a LookupEvents CloudTrailEvent string) and derives Username and
// Resources the way LookupEvents reports them. On error the Event still
// carries Raw, a stable ID and whatever could be read, with ParseError set
// to the same one-line cause.
//
// What the Event's strings point into: the ones that need no unescaping
// (nearly all) are substrings of raw, not copies, and so are the derived
// ones cut from them (the user name from an ARN); interned ones are the
// intern table's own copies; the rest are new. So the Event keeps alive
// exactly the memory Raw keeps, and no more: a trail file's records are
// substrings of a chunk of the file shared with their neighbours
// (fetch/trail's window), which lives as long as any of its events does.
// That is what we want while the file's events are held together (the
// merge's lookahead, the TUI's timeline, which holds every record anyway).
// A consumer that copies Raw elsewhere to let the chunk go (an arena, a
// filter keeping one event in thirty) must copy, or intern, the other
// strings it keeps too, or it keeps the chunk after all; the trail decoder
// given a Keep filter copies each kept record before it is parsed.
func FromRecord(raw string) (Event, error) {
	e := Event{Raw: raw}
	err := decodeRecord(raw, &e)
	if e.ID == "" && raw != "" {
		e.ID = fallbackID(raw)
	}
	if err != nil {
		e.ParseError = err.Error()
	}
	return e, err
}

func decodeRecord(raw string, e *Event) error {
	trimmed := strings.TrimSpace(raw)
	if trimmed == "" {
		return errors.New("empty record")
	}
	if trimmed[0] != '{' {
		return errors.New("record is not a JSON object")
	}
	b := recordBufs.Get().(*recordBuf)
	defer func() {
		*b = recordBuf{} // let go of the record's strings
		recordBufs.Put(b)
	}()
	r := &b.r
	var err error
	if scanRecord(raw, r, &b.s) {
		link(r, &b.s)
		linkIdentity(&b.s)
	} else {
		// Anything the fast path does not read plainly: encoding/json
		// decides, with its messages.
		var fatal error
		if *r, err, fatal = stdRecord(raw); fatal != nil {
			return fatal
		}
	}
	return eventOf(r, e, err)
}

// recordBuf is a decoded record and what it points to, reused through
// recordBufs: whatever a record points to escapes to the heap in Go's
// analysis (it is stored through a pointer), so the buffers are pooled
// rather than allocated for every record.
type recordBuf struct {
	r record
	s recordScratch
}

var recordBufs = sync.Pool{New: func() any { return new(recordBuf) }}

// stdRecord decodes a record with encoding/json. fatal says why it could
// not be read at all (not JSON); typeErr names a field of the wrong type,
// which the decoder skipped, reading the rest.
// (It returns the record rather than filling the caller's, which would
// then escape to the heap on the fast path too.)
func stdRecord(raw string) (r record, typeErr, fatal error) {
	err := json.Unmarshal([]byte(raw), &r)
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &te):
		return r, fmt.Errorf("record field %s is a JSON %s, not a %s", te.Field, te.Value, te.Type), nil
	case err != nil:
		return r, nil, fmt.Errorf("record is not valid JSON: %w", err)
	}
	return r, nil, nil
}

// eventOf maps a decoded record onto e; err is the decoding's error so far.
func eventOf(r *record, e *Event, err error) error {
	e.ID = r.EventID
	e.Name = intern(r.EventName)
	e.Source = intern(r.EventSource)
	if r.EventName == "" && r.InsightDetails != nil {
		// Insight records name the API they are about only inside insightDetails.
		e.Name = intern(r.InsightDetails.EventName)
		e.Source = intern(r.InsightDetails.EventSource)
	}
	e.Region = intern(r.AWSRegion)
	e.ErrorCode = intern(r.ErrorCode)
	e.ErrorMessage = r.ErrorMessage
	e.SourceIP = intern(r.SourceIPAddress)
	e.UserAgent = intern(r.UserAgent)
	e.EventType = intern(r.EventType)
	e.ReadOnly = parseTristate(r.ReadOnly)
	if r.EventTime != "" {
		t, terr := parseEventTime(r.EventTime)
		if terr != nil && err == nil {
			err = terr
		}
		e.Time = t
	}
	if r.UserIdentity != nil {
		e.Identity = identityOf(r.UserIdentity)
	}
	if e.Identity.MFAAuthenticated == Unknown && r.EventName == "ConsoleLogin" {
		e.Identity.MFAAuthenticated = consoleLoginMFA(r.AdditionalEventData)
	}
	e.AccessKeyID = e.Identity.AccessKeyID
	e.Account = intern(r.RecipientAccountID)
	if e.Account == "" {
		e.Account = e.Identity.AccountID
	}
	e.Username = intern(DeriveUsername(&e.Identity))
	e.Resources = recordResources(r)
	return err
}

func identityOf(u *userIdentity) Identity {
	id := Identity{
		Type:             intern(u.Type),
		ARN:              intern(u.ARN),
		AccountID:        intern(u.AccountID),
		PrincipalID:      intern(u.PrincipalID),
		UserName:         intern(u.UserName),
		AccessKeyID:      intern(u.AccessKeyID),
		InvokedBy:        intern(u.InvokedBy),
		IdentityProvider: intern(u.IdentityProvider),
	}
	if u.OnBehalfOf != nil {
		id.OnBehalfOfUserID = intern(u.OnBehalfOf.UserID)
	}
	if sc := u.SessionContext; sc != nil {
		id.SourceIdentity = intern(sc.SourceIdentity)
		if si := sc.SessionIssuer; si != nil {
			id.SessionIssuerType = intern(si.Type)
			id.SessionIssuerName = intern(si.UserName)
			id.SessionIssuerARN = intern(si.ARN)
		}
		if sc.Attributes != nil {
			id.MFAAuthenticated = parseTristate(sc.Attributes.MFAAuthenticated)
		}
	}
	return id
}

// consoleLoginMFA reads additionalEventData.MFAUsed ("Yes"/"No"), which is
// where a console sign-in records MFA when there is no session context yet.
func consoleLoginMFA(data borrowedJSON) Tristate {
	var extra struct {
		MFAUsed json.RawMessage `json:"MFAUsed"`
	}
	if len(data) == 0 || json.Unmarshal(data, &extra) != nil {
		return Unknown
	}
	switch strings.ToLower(strings.Trim(string(extra.MFAUsed), `"`)) {
	case "yes":
		return True
	case "no":
		return False
	}
	return Unknown
}

// eventTimeLayouts are the shapes eventTime takes: RFC 3339 (Go's parser
// also accepts fractional seconds here), a zone-less form some exporters
// write, and the ISO 8601 basic form seen in creationDate.
var eventTimeLayouts = [...]string{time.RFC3339, "2006-01-02T15:04:05", "20060102T150405Z"}

func parseEventTime(s string) (time.Time, error) {
	if t, ok := plainTime(s); ok {
		return t, nil
	}
	for _, layout := range eventTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	// RFC 3339 allows "t" and "z" in lower case (section 5.6), which Go's
	// parser refuses: 2026-11-20T10:00:00z is the same time.
	if upper := strings.ToUpper(s); upper != s {
		for _, layout := range eventTimeLayouts {
			if t, err := time.Parse(layout, upper); err == nil {
				return t.UTC(), nil
			}
		}
	}
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return time.Time{}, fmt.Errorf("eventTime %q is not an RFC 3339 time", s)
}

// fallbackID names a record that has no eventID (eventVersion 1.0) by a
// hash of its bytes, so that the same record fetched twice de-duplicates.
func fallbackID(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return "sha256-" + hex.EncodeToString(sum[:16])
}

// parseTristate reads a boolean written either as JSON true/false or as
// the string "true"/"false" (CloudTrail uses both, field by field).
func parseTristate(b []byte) Tristate {
	s := strings.TrimSpace(string(b))
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	switch {
	case strings.EqualFold(s, "true"):
		return True
	case strings.EqualFold(s, "false"):
		return False
	}
	return Unknown
}

// ParseTristate reads a boolean written as JSON true/false or as the
// string "true"/"false", as sources other than records report it.
func ParseTristate(s string) Tristate { return parseTristate([]byte(s)) }
