// Package model is lazytrail's pure domain: events, identities and resources,
// the parsing of LookupEvents results and raw CloudTrail records, the filter
// predicate and the ordered, de-duplicated timeline. It does no I/O.
package model

import "time"

// Event is one CloudTrail management event as lazytrail lists, filters and
// shows it. Text fields hold exactly what CloudTrail reported: they are
// attacker-controlled and must be cleaned (see Printable) before display.
type Event struct {
	ID     string    // eventID; LookupEvents' EventId is the same value
	Time   time.Time // UTC
	Name   string    // eventName, e.g. RunInstances
	Source string    // eventSource, e.g. ec2.amazonaws.com
	Region string    // awsRegion
	// Account is the account the event was recorded in: recipientAccountId,
	// else the caller's account, else the account the source was read for.
	Account string

	// Username is the user name as LookupEvents reports it (the role session
	// name for AssumedRole, "root" for Root, …); see DeriveUsername.
	Username    string
	AccessKeyID string
	ReadOnly    Tristate
	Resources   []Resource

	ErrorCode    string
	ErrorMessage string
	SourceIP     string
	UserAgent    string
	EventType    string // AwsApiCall, AwsServiceEvent, AwsConsoleSignIn, …

	Identity Identity

	// Raw is the record exactly as received: the CloudTrailEvent string of
	// LookupEvents, or one record of a log file. Kept as a string so that
	// the SDK's copy is shared rather than duplicated.
	Raw string

	// Origin is the log file the record was read from (s3://bucket/key or
	// a path) when the source knows it but holds the record only as the
	// columns of a query (Athena): the exact record can be read from there.
	Origin string

	// ParseError is set when Raw could not be parsed; the event still lists
	// with what LookupEvents reported, and the detail pane shows the error.
	ParseError string
}

// Identity is the record's userIdentity, flattened to what people read.
type Identity struct {
	Type              string // IAMUser, AssumedRole, Root, AWSService, … ("" when absent)
	ARN               string
	AccountID         string
	PrincipalID       string
	UserName          string // userIdentity.userName as recorded (often empty)
	AccessKeyID       string
	InvokedBy         string
	SessionIssuerType string
	SessionIssuerName string // the role (or user) name that issued the session
	SessionIssuerARN  string
	MFAAuthenticated  Tristate
	SourceIdentity    string
	IdentityProvider  string
	OnBehalfOfUserID  string // IdentityCenterUser: the Identity Center user id acted for
}

// Resource is one resource an event touched, as LookupEvents reports it:
// a CloudFormation-style type (AWS::EC2::Instance) and a name or ARN.
type Resource struct {
	Type string
	Name string
}

// Tristate is a boolean that may be unknown (absent from the record).
type Tristate int8

// Tristate values.
const (
	Unknown Tristate = iota
	True
	False
)

// TristateOf converts a known boolean.
func TristateOf(b bool) Tristate {
	if b {
		return True
	}
	return False
}

func (t Tristate) String() string {
	switch t {
	case True:
		return "true"
	case False:
		return "false"
	}
	return ""
}

// Failed reports whether the call was refused or failed.
func (e *Event) Failed() bool { return e.ErrorCode != "" }
