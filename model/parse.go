package model

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"errors"
	"fmt"
	gojson "github.com/goccy/go-json"
	"strings"
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
	Type             string `json:"type"`
	PrincipalID      string `json:"principalId"`
	ARN              string `json:"arn"`
	AccountID        string `json:"accountId"`
	AccessKeyID      string `json:"accessKeyId"`
	UserName         string `json:"userName"`
	InvokedBy        string `json:"invokedBy"`
	IdentityProvider string `json:"identityProvider"`
	OnBehalfOf       *struct {
		UserID string `json:"userId"`
	} `json:"onBehalfOf"`
	SessionContext *struct {
		SessionIssuer *struct {
			Type     string `json:"type"`
			ARN      string `json:"arn"`
			UserName string `json:"userName"`
		} `json:"sessionIssuer"`
		Attributes *struct {
			MFAAuthenticated borrowedJSON `json:"mfaAuthenticated"` // "true"/"false" as a string
		} `json:"attributes"`
		SourceIdentity string `json:"sourceIdentity"`
	} `json:"sessionContext"`
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
	var r record
	err := fastUnmarshal([]byte(raw), &r)
	var typeErr *json.UnmarshalTypeError
	var fastTypeErr *gojson.UnmarshalTypeError
	switch {
	case errors.As(err, &fastTypeErr):
		err = fmt.Errorf("record field %s is a JSON %s, not a %s", fastTypeErr.Field, fastTypeErr.Value, fastTypeErr.Type)
	case errors.As(err, &typeErr):
		// The decoder skipped just that field and read the rest.
		err = fmt.Errorf("record field %s is a JSON %s, not a %s", typeErr.Field, typeErr.Value, typeErr.Type)
	case err != nil:
		return fmt.Errorf("record is not valid JSON: %w", err)
	}

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
	e.Resources = recordResources(&r)
	return err
}

// fastUnmarshal decodes a record with goccy/go-json, about 3.7 times
// faster than encoding/json on CloudTrail records (BenchmarkFromRecord:
// 38 to 10 µs a record), which is most of the cost of reading trail files.
// A record it refuses for a reason other than a field's type, or one that
// makes it panic, is decoded again by encoding/json: bad records are rare,
// and their messages stay those of the standard decoder.
func fastUnmarshal(data []byte, r *record) (err error) {
	defer func() {
		if p := recover(); p != nil {
			*r = record{}
			err = json.Unmarshal(data, r)
		}
	}()
	err = gojson.Unmarshal(data, r)
	var typeErr *gojson.UnmarshalTypeError
	if err != nil && !errors.As(err, &typeErr) {
		*r = record{}
		return json.Unmarshal(data, r)
	}
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
