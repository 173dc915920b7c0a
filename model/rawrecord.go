package model

import "encoding/json"

// Record is a raw CloudTrail record as lazytrail writes one: the demo
// account's records (fetch/localtrail) and Athena's rows put back together
// (fetch/athena). Its fields are AWS's keys, in the order AWS writes them
// (see ../shared/datasets); a field left empty is left out, as a record
// leaves out what it does not have, so a writer sets what its source has
// (an explicit JSON null, a false managementEvent) and nothing more.
//
// FromRecord reads records with a struct of its own (parse.go): it keeps
// only the fields an Event holds and borrows the nested objects' bytes,
// which is most of its speed; Record is the whole shape, to write.
type Record struct {
	EventVersion        string           `json:"eventVersion,omitempty"`
	UserIdentity        *RecordIdentity  `json:"userIdentity,omitempty"`
	EventTime           string           `json:"eventTime,omitempty"`
	EventSource         string           `json:"eventSource,omitempty"`
	EventName           string           `json:"eventName,omitempty"`
	AWSRegion           string           `json:"awsRegion,omitempty"`
	SourceIPAddress     string           `json:"sourceIPAddress,omitempty"`
	UserAgent           string           `json:"userAgent,omitempty"`
	ErrorCode           string           `json:"errorCode,omitempty"`
	ErrorMessage        string           `json:"errorMessage,omitempty"`
	RequestParameters   json.RawMessage  `json:"requestParameters,omitempty"`
	ResponseElements    json.RawMessage  `json:"responseElements,omitempty"`
	AdditionalEventData json.RawMessage  `json:"additionalEventData,omitempty"`
	RequestID           string           `json:"requestID,omitempty"`
	EventID             string           `json:"eventID,omitempty"`
	ReadOnly            *bool            `json:"readOnly,omitempty"`
	Resources           []RecordResource `json:"resources,omitempty"`
	EventType           string           `json:"eventType,omitempty"`
	APIVersion          string           `json:"apiVersion,omitempty"`
	ManagementEvent     *bool            `json:"managementEvent,omitempty"`
	RecipientAccountID  string           `json:"recipientAccountId,omitempty"`
	ServiceEventDetails json.RawMessage  `json:"serviceEventDetails,omitempty"`
	SharedEventID       string           `json:"sharedEventID,omitempty"`
	VPCEndpointID       string           `json:"vpcEndpointId,omitempty"`
	VPCEndpointAccount  string           `json:"vpcEndpointAccountId,omitempty"`
	EventCategory       string           `json:"eventCategory,omitempty"`
	TLSDetails          *RecordTLS       `json:"tlsDetails,omitempty"`
	FromConsole         string           `json:"sessionCredentialFromConsole,omitempty"`
	EdgeDeviceDetails   json.RawMessage  `json:"edgeDeviceDetails,omitempty"`
}

// RecordIdentity is a record's userIdentity.
type RecordIdentity struct {
	Type           string            `json:"type,omitempty"`
	PrincipalID    string            `json:"principalId,omitempty"`
	ARN            string            `json:"arn,omitempty"`
	AccountID      string            `json:"accountId,omitempty"`
	AccessKeyID    string            `json:"accessKeyId,omitempty"`
	UserName       string            `json:"userName,omitempty"`
	SessionContext *RecordSession    `json:"sessionContext,omitempty"`
	InvokedBy      string            `json:"invokedBy,omitempty"`
	OnBehalfOf     *RecordOnBehalfOf `json:"onBehalfOf,omitempty"`
}

// RecordOnBehalfOf is the IAM Identity Center user a call was made for.
type RecordOnBehalfOf struct {
	UserID string `json:"userId"`
}

// RecordSession is userIdentity.sessionContext.
type RecordSession struct {
	SessionIssuer       *RecordIssuer     `json:"sessionIssuer,omitempty"`
	WebIDFederationData *struct{}         `json:"webIdFederationData,omitempty"`
	Attributes          *RecordAttributes `json:"attributes,omitempty"`
}

// RecordIssuer is the role (or user) that issued a session.
type RecordIssuer struct {
	Type        string `json:"type,omitempty"`
	PrincipalID string `json:"principalId,omitempty"`
	ARN         string `json:"arn,omitempty"`
	AccountID   string `json:"accountId,omitempty"`
	UserName    string `json:"userName,omitempty"`
}

// RecordAttributes are a session's attributes.
type RecordAttributes struct {
	CreationDate     string `json:"creationDate,omitempty"`
	MFAAuthenticated string `json:"mfaAuthenticated,omitempty"`
}

// RecordResource is one of a record's resources.
type RecordResource struct {
	AccountID string `json:"accountId,omitempty"`
	Type      string `json:"type,omitempty"`
	ARN       string `json:"ARN,omitempty"`
}

// RecordTLS is a record's tlsDetails.
type RecordTLS struct {
	TLSVersion               string `json:"tlsVersion,omitempty"`
	CipherSuite              string `json:"cipherSuite,omitempty"`
	ClientProvidedHostHeader string `json:"clientProvidedHostHeader,omitempty"`
}
