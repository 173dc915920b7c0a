package model

import "testing"

const (
	sessionARN = "arn:aws:sts::111122223333:assumed-role/SkeddlyScheduler/skeddly-1a2b"
	// another account assumes the role: the call that begins the session
	assumeRoleRecord = `{"eventVersion":"1.08","eventID":"begin","eventTime":"2026-11-20T06:00:00Z","eventName":"AssumeRole","eventSource":"sts.amazonaws.com","awsRegion":"us-east-1",` +
		`"userIdentity":{"type":"AWSAccount","principalId":"AIDA2J6QXKZ4TLM7RBW3E","accountId":"717313221563"},` +
		`"responseElements":{"credentials":{"accessKeyId":"ASIAQNZGKIQY56JQ7WML"},"assumedRoleUser":{"assumedRoleId":"AROA1:skeddly-1a2b","arn":"` + sessionARN + `"}}}`
	inSessionRecord = `{"eventVersion":"1.08","eventID":"call","eventTime":"2026-11-20T06:00:05Z","eventName":"StopInstances","eventSource":"ec2.amazonaws.com","awsRegion":"eu-west-1",` +
		`"userIdentity":{"type":"AssumedRole","principalId":"AROA1:skeddly-1a2b","arn":"` + sessionARN + `","accountId":"111122223333","accessKeyId":"ASIAQNZGKIQY56JQ7WML",` +
		`"sessionContext":{"sessionIssuer":{"type":"Role","userName":"SkeddlyScheduler"}}}}`
	otherSessionRecord = `{"eventVersion":"1.08","eventID":"other","eventTime":"2026-11-20T07:00:00Z","eventName":"AssumeRole","eventSource":"sts.amazonaws.com","awsRegion":"us-east-1",` +
		`"userIdentity":{"type":"AWSAccount","principalId":"AIDA2J6QXKZ4TLM7RBW3E","accountId":"717313221563"},` +
		`"responseElements":{"assumedRoleUser":{"arn":"arn:aws:sts::111122223333:assumed-role/SkeddlyScheduler/skeddly-9f9f"}}}`
)

// session= holds the session's own calls and the AssumeRole that began
// it, and nothing of another session.
func TestSessionTerm(t *testing.T) {
	begin, _ := FromRecord(assumeRoleRecord)
	call, _ := FromRecord(inSessionRecord)
	other, _ := FromRecord(otherSessionRecord)
	if got := CreatedSession(&begin); got != sessionARN {
		t.Fatalf("CreatedSession = %q", got)
	}
	if CreatedSession(&call) != "" {
		t.Error("a call that is no AssumeRole began a session")
	}
	f := ParseFilter("session=" + sessionARN)
	if f.Err() != "" || !f.Match(&begin) || !f.Match(&call) || f.Match(&other) {
		t.Errorf("session=%s: begin %v, call %v, other %v (err %q)", sessionARN, f.Match(&begin), f.Match(&call), f.Match(&other), f.Err())
	}
	if !ParseFilter("session:arn:aws:sts::111122223333:assumed-role/SkeddlyScheduler/").Match(&other) {
		t.Error("session: is a prefix")
	}
	if ParseFilter("-session=" + sessionARN).Match(&begin) {
		t.Error("a negated session term holds for its AssumeRole")
	}
}

// A caller with no user name that is another account shows who it is;
// the user name LookupEvents reports (and user: matches) stays empty.
func TestWhoNamesAnotherAccount(t *testing.T) {
	begin, _ := FromRecord(assumeRoleRecord)
	call, _ := FromRecord(inSessionRecord)
	if begin.Username != "" || Who(&begin) != "account 717313221563" {
		t.Errorf("AWSAccount caller: Username %q, Who %q", begin.Username, Who(&begin))
	}
	if Who(&call) != "skeddly-1a2b" {
		t.Errorf("Who = %q, want the session name", Who(&call))
	}
	if got := CSVRow(&begin)[3]; got != "account 717313221563" {
		t.Errorf("csv user column %q", got)
	}
	noAccount := Event{Identity: Identity{Type: "AWSAccount", PrincipalID: "AIDA1"}}
	if Who(&noAccount) != "principal AIDA1" {
		t.Errorf("Who = %q", Who(&noAccount))
	}
}
