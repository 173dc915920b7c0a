package model

import (
	"encoding/json"
	"testing"
	"time"
)

// A Record lazytrail writes reads back through FromRecord with every
// field an Event keeps: the writing shape and the parser spell the keys
// alike. The expected values are the literal's, not the parser's.
func TestRecordReadsBack(t *testing.T) {
	readOnly := true
	rec := Record{
		EventVersion: "1.09", EventTime: "2026-03-01T12:00:00Z", EventSource: "sts.amazonaws.com", EventName: "AssumeRole",
		AWSRegion: "eu-west-1", SourceIPAddress: "203.0.113.7", UserAgent: "aws-cli/2", ErrorCode: "AccessDenied",
		ErrorMessage: "no", RequestParameters: json.RawMessage(`{"roleArn":"r"}`), EventID: "e-1", ReadOnly: &readOnly,
		EventType: "AwsApiCall", RecipientAccountID: "111122223333",
		Resources: []RecordResource{{AccountID: "111122223333", Type: "AWS::IAM::Role", ARN: "arn:aws:iam::111122223333:role/r"}},
		UserIdentity: &RecordIdentity{
			Type: "AssumedRole", PrincipalID: "AROA1:s", ARN: "arn:aws:sts::111122223333:assumed-role/r/s", AccountID: "444455556666",
			AccessKeyID: "ASIA1", InvokedBy: "ec2.amazonaws.com", OnBehalfOf: &RecordOnBehalfOf{UserID: "u-1"},
			SessionContext: &RecordSession{
				SessionIssuer: &RecordIssuer{Type: "Role", ARN: "arn:aws:iam::111122223333:role/r", UserName: "r"},
				Attributes:    &RecordAttributes{CreationDate: "2026-03-01T11:00:00Z", MFAAuthenticated: "true"},
			},
		},
	}
	raw, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	e, err := FromRecord(string(raw))
	if err != nil {
		t.Fatal(err)
	}
	want := Event{
		ID: "e-1", Time: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), Name: "AssumeRole", Source: "sts.amazonaws.com",
		Region: "eu-west-1", Account: "111122223333", ReadOnly: True, ErrorCode: "AccessDenied", ErrorMessage: "no",
		SourceIP: "203.0.113.7", UserAgent: "aws-cli/2", EventType: "AwsApiCall", AccessKeyID: "ASIA1",
		Identity: Identity{Type: "AssumedRole", ARN: "arn:aws:sts::111122223333:assumed-role/r/s", AccountID: "444455556666",
			PrincipalID: "AROA1:s", AccessKeyID: "ASIA1", InvokedBy: "ec2.amazonaws.com", SessionIssuerType: "Role",
			SessionIssuerName: "r", SessionIssuerARN: "arn:aws:iam::111122223333:role/r", MFAAuthenticated: True,
			OnBehalfOfUserID: "u-1"},
	}
	if e.ID != want.ID || !e.Time.Equal(want.Time) || e.Name != want.Name || e.Source != want.Source || e.Region != want.Region ||
		e.Account != want.Account || e.ReadOnly != want.ReadOnly || e.ErrorCode != want.ErrorCode || e.ErrorMessage != want.ErrorMessage ||
		e.SourceIP != want.SourceIP || e.UserAgent != want.UserAgent || e.EventType != want.EventType || e.AccessKeyID != want.AccessKeyID {
		t.Errorf("event read back\n got %+v\nwant %+v", e, want)
	}
	if e.Identity != want.Identity {
		t.Errorf("identity read back\n got %+v\nwant %+v", e.Identity, want.Identity)
	}
	if len(e.Resources) != 1 || e.Resources[0].Type != "AWS::IAM::Role" || e.Resources[0].Name != "arn:aws:iam::111122223333:role/r" {
		t.Errorf("resources read back: %+v", e.Resources)
	}
	// Empty fields are left out, as a record leaves out what it lacks.
	empty, _ := json.Marshal(Record{EventID: "x", UserIdentity: &RecordIdentity{SessionContext: &RecordSession{}}})
	if string(empty) != `{"userIdentity":{"sessionContext":{}},"eventID":"x"}` {
		t.Errorf("an almost empty record writes %s", empty)
	}
}
