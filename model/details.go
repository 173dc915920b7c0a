package model

import (
	"encoding/json"
	"errors"
)

// Details is the context of a record that only the detail pane shows. It
// is not kept on every Event (a million of them would double the memory);
// Event.Details re-reads Raw for the one event on screen. The free-form
// objects (requestParameters and the like) are not here: the panes read
// them from Raw with a lexer that copes with any depth and broken records.
type Details struct {
	EventVersion       string
	EventCategory      string // Management, Data, Insight, NetworkActivity
	RecipientAccountID string
	RequestID          string
	SharedEventID      string
	APIVersion         string
	VPCEndpointID      string
	ManagementEvent    Tristate
	// SessionCreated is sessionContext.attributes.creationDate as recorded
	// (both 2014-03-06T15:15:06Z and 20131102T010628Z occur).
	SessionCreated string
	TLSVersion     string
}

type detailsRecord struct {
	EventVersion       string          `json:"eventVersion"`
	EventCategory      string          `json:"eventCategory"`
	RecipientAccountID string          `json:"recipientAccountId"`
	RequestID          string          `json:"requestID"`
	SharedEventID      string          `json:"sharedEventID"`
	APIVersion         string          `json:"apiVersion"`
	VPCEndpointID      string          `json:"vpcEndpointId"`
	ManagementEvent    json.RawMessage `json:"managementEvent"`
	UserIdentity       *struct {
		SessionContext *struct {
			Attributes *struct {
				CreationDate string `json:"creationDate"`
			} `json:"attributes"`
		} `json:"sessionContext"`
	} `json:"userIdentity"`
	TLSDetails *struct {
		TLSVersion string `json:"tlsVersion"`
	} `json:"tlsDetails"`
}

// Details re-parses Raw for the fields only the detail pane shows. Like
// FromRecord it reads what it can: on a type mismatch in one field it
// returns the rest together with the error.
func (e *Event) Details() (Details, error) {
	if e.Raw == "" {
		return Details{}, errors.New("no raw record")
	}
	var r detailsRecord
	err := json.Unmarshal([]byte(e.Raw), &r)
	var typeErr *json.UnmarshalTypeError
	if err != nil && !errors.As(err, &typeErr) {
		return Details{}, err
	}
	d := Details{
		EventVersion:       r.EventVersion,
		EventCategory:      r.EventCategory,
		RecipientAccountID: r.RecipientAccountID,
		RequestID:          r.RequestID,
		SharedEventID:      r.SharedEventID,
		APIVersion:         r.APIVersion,
		VPCEndpointID:      r.VPCEndpointID,
		ManagementEvent:    parseTristate(r.ManagementEvent),
	}
	if u := r.UserIdentity; u != nil && u.SessionContext != nil && u.SessionContext.Attributes != nil {
		d.SessionCreated = u.SessionContext.Attributes.CreationDate
	}
	if r.TLSDetails != nil {
		d.TLSVersion = r.TLSDetails.TLSVersion
	}
	return d, err
}
