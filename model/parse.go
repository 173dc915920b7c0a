package model

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
)

// record is the subset of a raw CloudTrail record that lazytrail reads.
// Unknown fields are ignored; every field is optional.
type record struct {
	EventID         string          `json:"eventID"`
	EventTime       string          `json:"eventTime"`
	EventName       string          `json:"eventName"`
	EventSource     string          `json:"eventSource"`
	AWSRegion       string          `json:"awsRegion"`
	ErrorCode       string          `json:"errorCode"`
	ErrorMessage    string          `json:"errorMessage"`
	SourceIPAddress string          `json:"sourceIPAddress"`
	UserAgent       string          `json:"userAgent"`
	EventType       string          `json:"eventType"`
	ReadOnly        json.RawMessage `json:"readOnly"`
	UserIdentity    *userIdentity   `json:"userIdentity"`
	Resources       []struct {
		ARN  string `json:"ARN"`
		Type string `json:"type"`
	} `json:"resources"`
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
	SessionContext   *struct {
		SessionIssuer *struct {
			Type     string `json:"type"`
			ARN      string `json:"arn"`
			UserName string `json:"userName"`
		} `json:"sessionIssuer"`
		Attributes *struct {
			MFAAuthenticated json.RawMessage `json:"mfaAuthenticated"`
		} `json:"attributes"`
		SourceIdentity string `json:"sourceIdentity"`
	} `json:"sessionContext"`
}

// FromRecord parses one raw CloudTrail record (an S3 log file's Records
// entry, or a LookupEvents CloudTrailEvent string) and derives Username and
// Resources the way LookupEvents reports them.
func FromRecord(raw string) (Event, error) {
	var r record
	if err := json.Unmarshal([]byte(raw), &r); err != nil {
		return Event{Raw: raw, ParseError: err.Error()}, err
	}
	e := Event{
		ID:           r.EventID,
		Name:         r.EventName,
		Source:       r.EventSource,
		Region:       r.AWSRegion,
		ErrorCode:    r.ErrorCode,
		ErrorMessage: r.ErrorMessage,
		SourceIP:     r.SourceIPAddress,
		UserAgent:    r.UserAgent,
		EventType:    r.EventType,
		ReadOnly:     parseTristate(r.ReadOnly),
		Raw:          raw,
	}
	if t, err := time.Parse(time.RFC3339, r.EventTime); err == nil {
		e.Time = t.UTC()
	}
	if u := r.UserIdentity; u != nil {
		e.Identity = Identity{Type: u.Type, ARN: u.ARN, AccountID: u.AccountID, PrincipalID: u.PrincipalID,
			UserName: u.UserName, AccessKeyID: u.AccessKeyID, InvokedBy: u.InvokedBy, IdentityProvider: u.IdentityProvider}
		if sc := u.SessionContext; sc != nil {
			e.Identity.SourceIdentity = sc.SourceIdentity
			if si := sc.SessionIssuer; si != nil {
				e.Identity.SessionIssuerType, e.Identity.SessionIssuerName, e.Identity.SessionIssuerARN = si.Type, si.UserName, si.ARN
			}
			if sc.Attributes != nil {
				e.Identity.MFAAuthenticated = parseTristate(sc.Attributes.MFAAuthenticated)
			}
		}
	}
	e.AccessKeyID = e.Identity.AccessKeyID
	e.Username = DeriveUsername(&e.Identity)
	for _, res := range r.Resources {
		e.Resources = append(e.Resources, Resource{Type: res.Type, Name: res.ARN})
	}
	return e, nil
}

// FromLookup builds an Event from one LookupEvents result. The lookup fields
// win over the record's where both exist, since they are what the API
// filters on; region is the region the event was fetched from.
func FromLookup(le types.Event, region string) Event {
	raw := deref(le.CloudTrailEvent)
	e, _ := FromRecord(raw)
	if le.EventId != nil {
		e.ID = *le.EventId
	}
	if le.EventTime != nil {
		e.Time = le.EventTime.UTC()
	}
	if le.EventName != nil {
		e.Name = *le.EventName
	}
	if le.EventSource != nil {
		e.Source = *le.EventSource
	}
	if le.Username != nil {
		e.Username = *le.Username
	}
	if le.AccessKeyId != nil {
		e.AccessKeyID = *le.AccessKeyId
	}
	if le.ReadOnly != nil {
		e.ReadOnly = parseTristate(json.RawMessage(*le.ReadOnly))
	}
	if len(le.Resources) > 0 {
		e.Resources = e.Resources[:0]
		for _, r := range le.Resources {
			e.Resources = append(e.Resources, Resource{Type: deref(r.ResourceType), Name: deref(r.ResourceName)})
		}
	}
	if e.Region == "" {
		e.Region = region
	}
	return e
}

// DeriveUsername returns the user name LookupEvents reports for an identity.
func DeriveUsername(id *Identity) string {
	switch id.Type {
	case "Root":
		return "root"
	case "AssumedRole", "FederatedUser":
		if i := strings.LastIndexByte(id.ARN, '/'); i >= 0 {
			return id.ARN[i+1:]
		}
		if i := strings.IndexByte(id.PrincipalID, ':'); i >= 0 {
			return id.PrincipalID[i+1:]
		}
	}
	return id.UserName
}

func parseTristate(b json.RawMessage) Tristate {
	switch strings.Trim(string(b), `"`) {
	case "true", "True", "TRUE":
		return True
	case "false", "False", "FALSE":
		return False
	}
	return Unknown
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
