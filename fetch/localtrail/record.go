package localtrail

import "encoding/json"

// The raw CloudTrail record shape the demo account writes: the same keys,
// order and types as records AWS delivers (see ../shared/datasets), so the
// panes see what they would see from a real account.

type record struct {
	EventVersion        string          `json:"eventVersion"`
	UserIdentity        *recIdentity    `json:"userIdentity,omitempty"`
	EventTime           string          `json:"eventTime"`
	EventSource         string          `json:"eventSource"`
	EventName           string          `json:"eventName"`
	AWSRegion           string          `json:"awsRegion"`
	SourceIPAddress     string          `json:"sourceIPAddress"`
	UserAgent           string          `json:"userAgent"`
	ErrorCode           string          `json:"errorCode,omitempty"`
	ErrorMessage        string          `json:"errorMessage,omitempty"`
	RequestParameters   json.RawMessage `json:"requestParameters"`
	ResponseElements    json.RawMessage `json:"responseElements"`
	AdditionalEventData json.RawMessage `json:"additionalEventData,omitempty"`
	RequestID           string          `json:"requestID,omitempty"`
	EventID             string          `json:"eventID"`
	ReadOnly            *bool           `json:"readOnly,omitempty"`
	Resources           []recResource   `json:"resources,omitempty"`
	EventType           string          `json:"eventType"`
	ManagementEvent     bool            `json:"managementEvent"`
	RecipientAccountID  string          `json:"recipientAccountId"`
	ServiceEventDetails json.RawMessage `json:"serviceEventDetails,omitempty"`
	EventCategory       string          `json:"eventCategory"`
	TLSDetails          *recTLS         `json:"tlsDetails,omitempty"`
	FromConsole         string          `json:"sessionCredentialFromConsole,omitempty"`
}

type recIdentity struct {
	Type           string      `json:"type,omitempty"`
	PrincipalID    string      `json:"principalId,omitempty"`
	ARN            string      `json:"arn,omitempty"`
	AccountID      string      `json:"accountId,omitempty"`
	AccessKeyID    string      `json:"accessKeyId,omitempty"`
	UserName       string      `json:"userName,omitempty"`
	SessionContext *recSession `json:"sessionContext,omitempty"`
	InvokedBy      string      `json:"invokedBy,omitempty"`
}

type recSession struct {
	SessionIssuer       *recIssuer `json:"sessionIssuer,omitempty"`
	WebIDFederationData *struct{}  `json:"webIdFederationData,omitempty"`
	Attributes          recAttrs   `json:"attributes"`
}

type recIssuer struct {
	Type        string `json:"type"`
	PrincipalID string `json:"principalId"`
	ARN         string `json:"arn"`
	AccountID   string `json:"accountId"`
	UserName    string `json:"userName"`
}

type recAttrs struct {
	CreationDate     string `json:"creationDate"`
	MFAAuthenticated string `json:"mfaAuthenticated"`
}

type recResource struct {
	AccountID string `json:"accountId,omitempty"`
	Type      string `json:"type"`
	ARN       string `json:"ARN"`
}

type recTLS struct {
	TLSVersion               string `json:"tlsVersion"`
	CipherSuite              string `json:"cipherSuite"`
	ClientProvidedHostHeader string `json:"clientProvidedHostHeader"`
}
