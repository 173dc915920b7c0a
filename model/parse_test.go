package model

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func readFixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "records", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFromRecordFixtures(t *testing.T) {
	instance := func(id string) Resource { return Resource{"AWS::EC2::Instance", id} }
	tests := []struct {
		file         string
		identityType string
		username     string
		readOnly     Tristate
		mfa          Tristate
		time         string
		resources    []Resource
		check        func(t *testing.T, e *Event)
	}{
		{file: "root-console-login.json", identityType: "Root", username: "root", readOnly: False, mfa: True,
			time: "2024-05-01T08:00:12Z"},
		{file: "root-session.json", identityType: "Root", username: "root", readOnly: True, mfa: True,
			time: "2024-05-01T08:03:40Z", check: func(t *testing.T, e *Event) {
				if e.Identity.SessionIssuerName != "" || e.Identity.SessionIssuerType != "" {
					t.Errorf("empty sessionIssuer gave %+v", e.Identity)
				}
				if e.AccessKeyID != "ASIAROOTEXAMPLE00001" {
					t.Errorf("AccessKeyID = %q", e.AccessKeyID)
				}
			}},
		{file: "iam-user-mfa-ingress.json", identityType: "IAMUser", username: "beatrice", readOnly: False, mfa: True,
			time:      "2024-05-02T09:14:27.512Z",
			resources: []Resource{{"AWS::EC2::SecurityGroup", "sg-0a1b2c3d4e5f60718"}}},
		{file: "assumed-role-skeddly.json", identityType: "AssumedRole", username: "skeddly-7f3a9c", readOnly: False, mfa: False,
			time:      "2024-05-03T02:00:04Z",
			resources: []Resource{instance("i-0123456789abcdef0"), instance("i-0fedcba9876543210")},
			check: func(t *testing.T, e *Event) {
				id := e.Identity
				if id.SessionIssuerName != "SkeddlyRole" || id.SessionIssuerType != "Role" ||
					id.SessionIssuerARN != "arn:aws:iam::111122223333:role/SkeddlyRole" || id.SourceIdentity != "skeddly" {
					t.Errorf("session context = %+v", id)
				}
			}},
		{file: "federated-user.json", identityType: "FederatedUser", username: "stratus-federated", readOnly: True, mfa: False,
			time: "2024-05-04T11:00:05Z"},
		{file: "aws-account.json", identityType: "AWSAccount", username: "", readOnly: True,
			time:      "2024-05-05T13:30:00Z",
			resources: []Resource{{"AWS::IAM::Role", "arn:aws:iam::111122223333:role/PartnerAudit"}}},
		{file: "aws-service.json", identityType: "AWSService", username: "", readOnly: True,
			time: "2024-05-06T04:12:00Z",
			resources: []Resource{{"AWS::IAM::Role",
				"arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"}},
			check: func(t *testing.T, e *Event) {
				if e.Identity.InvokedBy != "autoscaling.amazonaws.com" {
					t.Errorf("InvokedBy = %q", e.Identity.InvokedBy)
				}
			}},
		{file: "saml-user.json", identityType: "SAMLUser", username: "alice@example.com", readOnly: True,
			time: "2024-05-07T07:45:09Z",
			resources: []Resource{{"AWS::IAM::Role", "arn:aws:iam::111122223333:role/SAML-Engineers"},
				{"AWS::IAM::SAMLProvider", "arn:aws:iam::111122223333:saml-provider/Okta"}}},
		{file: "web-identity-user.json", identityType: "WebIdentityUser", username: "109876543210987654321", readOnly: True,
			time:      "2024-05-08T16:20:00Z",
			resources: []Resource{{"AWS::IAM::Role", "arn:aws:iam::111122223333:role/MobileApp"}},
			check: func(t *testing.T, e *Event) {
				if e.Identity.IdentityProvider != "accounts.google.com" {
					t.Errorf("IdentityProvider = %q", e.Identity.IdentityProvider)
				}
			}},
		{file: "identity-center-user.json", identityType: "IdentityCenterUser", username: "94482488-3041-7026-18f3-be45837cd0e4",
			readOnly: True, time: "2024-05-09T10:00:00Z"},
		{file: "unknown-hidden.json", identityType: "Unknown", username: "HIDDEN_DUE_TO_SECURITY_REASONS", readOnly: False, mfa: False,
			time: "2024-05-10T23:59:59Z", check: func(t *testing.T, e *Event) {
				if e.ErrorMessage != "No username found in supplied account" || e.Failed() {
					t.Errorf("error = %q/%q: a console failure without errorCode is not a failed call", e.ErrorCode, e.ErrorMessage)
				}
			}},
		{file: "service-event-no-type.json", identityType: "", username: "", readOnly: False,
			time:      "2024-05-11T00:00:00Z",
			resources: []Resource{{"AWS::KMS::Key", "arn:aws:kms:eu-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}},
			check: func(t *testing.T, e *Event) {
				if e.EventType != "AwsServiceEvent" || e.Identity.InvokedBy != "AWS Internal" {
					t.Errorf("EventType %q InvokedBy %q", e.EventType, e.Identity.InvokedBy)
				}
			}},
		{file: "insight.json", identityType: "", username: "", time: "2024-05-12T14:00:00Z",
			check: func(t *testing.T, e *Event) {
				if e.Name != "RunInstances" || e.Source != "ec2.amazonaws.com" || e.EventType != "AwsCloudTrailInsight" {
					t.Errorf("insight named %q/%q type %q", e.Name, e.Source, e.EventType)
				}
			}},
		{file: "version-1.0.json", identityType: "IAMUser", username: "Alice", time: "2014-03-06T21:22:54Z",
			resources: []Resource{instance("i-ebeaf9e2")},
			check: func(t *testing.T, e *Event) {
				if !strings.HasPrefix(e.ID, "sha256-") {
					t.Errorf("no fallback ID: %q", e.ID)
				}
				again, _ := FromRecord(e.Raw)
				if again.ID != e.ID {
					t.Errorf("fallback ID not stable: %q then %q", e.ID, again.ID)
				}
			}},
		{file: "run-instances-terraform.json", identityType: "IAMUser", username: "adam", readOnly: False,
			time:      "2024-05-13T10:15:30Z",
			resources: []Resource{instance("i-064bd95a9b9b0a4e6")},
			check: func(t *testing.T, e *Event) {
				if !strings.Contains(e.UserAgent, "Terraform/1.8.2") {
					t.Errorf("UserAgent = %q", e.UserAgent)
				}
			}},
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "records", "*.json"))
	if len(files) != len(tests) {
		t.Errorf("%d fixtures but %d cases: every fixture needs a case", len(files), len(tests))
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			raw := readFixture(t, tc.file)
			e, err := FromRecord(raw)
			if err != nil || e.ParseError != "" {
				t.Fatalf("FromRecord: %v (ParseError %q)", err, e.ParseError)
			}
			if e.Raw != raw {
				t.Error("Raw is not the record as given")
			}
			if e.ID == "" {
				t.Error("no ID")
			}
			if e.Identity.Type != tc.identityType {
				t.Errorf("Identity.Type = %q, want %q", e.Identity.Type, tc.identityType)
			}
			if e.Username != tc.username {
				t.Errorf("Username = %q, want %q", e.Username, tc.username)
			}
			if e.ReadOnly != tc.readOnly {
				t.Errorf("ReadOnly = %v, want %v", e.ReadOnly, tc.readOnly)
			}
			if e.Identity.MFAAuthenticated != tc.mfa {
				t.Errorf("MFA = %v, want %v", e.Identity.MFAAuthenticated, tc.mfa)
			}
			want, _ := time.Parse(time.RFC3339Nano, tc.time)
			if !e.Time.Equal(want) || e.Time.Location() != time.UTC {
				t.Errorf("Time = %v, want %v in UTC", e.Time, want)
			}
			if !slices.Equal(e.Resources, tc.resources) {
				t.Errorf("Resources = %v, want %v", e.Resources, tc.resources)
			}
			if tc.check != nil {
				tc.check(t, &e)
			}
		})
	}
}

func TestFromRecordDerivedResources(t *testing.T) {
	tests := []struct {
		name, record string
		want         []Resource
	}{
		{"s3 bucket", `{"eventSource":"s3.amazonaws.com","eventName":"CreateBucket","requestParameters":{"bucketName":"logs-archive","Host":"logs-archive.s3.amazonaws.com"}}`,
			[]Resource{{"AWS::S3::Bucket", "logs-archive"}}},
		{"iam user and policy", `{"eventSource":"iam.amazonaws.com","eventName":"AttachUserPolicy","requestParameters":{"userName":"backdoor","policyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}}`,
			[]Resource{{"AWS::IAM::User", "backdoor"}, {"AWS::IAM::Policy", "arn:aws:iam::aws:policy/AdministratorAccess"}}},
		{"iam role", `{"eventSource":"iam.amazonaws.com","eventName":"CreateRole","requestParameters":{"roleName":"ops","assumeRolePolicyDocument":"{}"}}`,
			[]Resource{{"AWS::IAM::Role", "ops"}}},
		{"trail by name", `{"eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","requestParameters":{"name":"org-trail"}}`,
			[]Resource{{"AWS::CloudTrail::Trail", "org-trail"}}},
		{"trail by trailName", `{"eventSource":"cloudtrail.amazonaws.com","eventName":"PutEventSelectors","requestParameters":{"trailName":"org-trail","eventSelectors":[]}}`,
			[]Resource{{"AWS::CloudTrail::Trail", "org-trail"}}},
		{"security group created", `{"eventSource":"ec2.amazonaws.com","eventName":"CreateSecurityGroup","requestParameters":{"groupName":"web"},"responseElements":{"_return":true,"groupId":"sg-1"}}`,
			[]Resource{{"AWS::EC2::SecurityGroup", "sg-1"}}},
		{"single instance", `{"eventSource":"ec2.amazonaws.com","eventName":"GetPasswordData","requestParameters":{"instanceId":"i-1"}}`,
			[]Resource{{"AWS::EC2::Instance", "i-1"}}},
		{"same instance in request and response is listed once", `{"eventSource":"ec2.amazonaws.com","eventName":"TerminateInstances","requestParameters":{"instancesSet":{"items":[{"instanceId":"i-1"}]}},"responseElements":{"instancesSet":{"items":[{"instanceId":"i-1"}]}}}`,
			[]Resource{{"AWS::EC2::Instance", "i-1"}}},
		{"userName outside IAM is not an IAM user", `{"eventSource":"ssm.amazonaws.com","eventName":"X","requestParameters":{"userName":"bob"}}`, nil},
		{"unexpected shapes yield nothing", `{"eventSource":"ec2.amazonaws.com","eventName":"X","requestParameters":{"instancesSet":"i-1","groupId":7},"responseElements":[1,2]}`, nil},
		{"record resources win", `{"eventSource":"s3.amazonaws.com","requestParameters":{"bucketName":"b"},"resources":[{"type":"AWS::S3::Object","ARNPrefix":"arn:aws:s3:::b/logs/"}]}`,
			[]Resource{{"AWS::S3::Object", "arn:aws:s3:::b/logs/"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := FromRecord(tc.record)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(e.Resources, tc.want) {
				t.Errorf("Resources = %v, want %v", e.Resources, tc.want)
			}
		})
	}
}

func TestFromRecordTolerance(t *testing.T) {
	tests := []struct {
		name, record string
		wantErr      string // substring of ParseError; "" for none
		check        func(e Event) bool
	}{
		{"unknown fields", `{"eventID":"x","someFutureField":{"a":[1,2]},"eventName":"A"}`, "", func(e Event) bool { return e.Name == "A" }},
		{"null userIdentity", `{"eventID":"x","userIdentity":null}`, "", func(e Event) bool { return e.Username == "" }},
		{"string readOnly", `{"eventID":"x","readOnly":"TRUE"}`, "", func(e Event) bool { return e.ReadOnly == True }},
		{"JSON mfaAuthenticated", `{"userIdentity":{"type":"IAMUser","userName":"u","sessionContext":{"attributes":{"mfaAuthenticated":true}}}}`, "",
			func(e Event) bool { return e.Identity.MFAAuthenticated == True }},
		{"null requestParameters", `{"eventSource":"ec2.amazonaws.com","requestParameters":null}`, "", func(e Event) bool { return e.Resources == nil }},
		{"fractional time", `{"eventTime":"2024-01-02T03:04:05.678901Z"}`, "",
			func(e Event) bool { return e.Time.Equal(time.Date(2024, 1, 2, 3, 4, 5, 678901000, time.UTC)) }},
		{"offset time is made UTC", `{"eventTime":"2024-01-02T05:04:05+02:00"}`, "",
			func(e Event) bool { return e.Time == time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC) }},
		{"lower-case z and t (RFC 3339 5.6)", `{"eventTime":"2026-11-20t10:00:00z"}`, "",
			func(e Event) bool { return e.Time == time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC) }},
		{"lower-case z", `{"eventTime":"2026-11-20T10:00:00.5z"}`, "",
			func(e Event) bool { return e.Time == time.Date(2026, 11, 20, 10, 0, 0, 500000000, time.UTC) }},
		{"bad time", `{"eventID":"x","eventName":"A","eventTime":"yesterday"}`, `eventTime "yesterday"`,
			func(e Event) bool { return e.Name == "A" && e.Time.IsZero() }},
		{"wrong type for one field keeps the rest", `{"eventID":"x","eventName":"A","errorCode":5}`, "errorCode",
			func(e Event) bool { return e.Name == "A" && e.ID == "x" }},
		{"not JSON", `{"eventID":`, "not valid JSON", func(e Event) bool { return strings.HasPrefix(e.ID, "sha256-") }},
		{"not an object", `["a"]`, "not a JSON object", func(e Event) bool { return e.ID != "" }},
		{"null", `null`, "not a JSON object", nil},
		{"empty", ``, "empty record", func(e Event) bool { return e.ID == "" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := FromRecord(tc.record)
			if (err != nil) != (tc.wantErr != "") || e.ParseError != errString(err) {
				t.Fatalf("err = %v, ParseError = %q, want error containing %q", err, e.ParseError, tc.wantErr)
			}
			if !strings.Contains(e.ParseError, tc.wantErr) || strings.Contains(e.ParseError, "\n") {
				t.Errorf("ParseError = %q, want one line containing %q", e.ParseError, tc.wantErr)
			}
			if e.Raw != tc.record {
				t.Error("Raw lost")
			}
			if tc.check != nil && !tc.check(e) {
				t.Errorf("unexpected event %+v", e)
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestDeriveUsername(t *testing.T) {
	tests := []struct {
		id   Identity
		want string
	}{
		{Identity{Type: "AssumedRole", ARN: "arn:aws:sts::1:assumed-role/R/sess"}, "sess"},
		{Identity{Type: "AssumedRole", ARN: "arn:aws:sts::1:assumed-role/path/R/sess"}, "sess"},
		{Identity{Type: "AssumedRole", PrincipalID: "AROA1:from-principal"}, "from-principal"},
		{Identity{Type: "AssumedRole", ARN: "weird", PrincipalID: "AROA1:p"}, "p"},
		{Identity{Type: "AssumedRole", ARN: "arn:aws:sts::1:assumed-role/scrubbed", PrincipalID: "AROA1:p"}, "p"},
		{Identity{Type: "Root", UserName: "my-alias"}, "root"},
		{Identity{Type: "IAMUser", UserName: "alice", ARN: "arn:aws:iam::1:user/bob"}, "alice"},
		{Identity{Type: "IAMUser", ARN: "arn:aws:iam::1:user/team/bob"}, "bob"},
		{Identity{Type: "FederatedUser", ARN: "arn:aws:sts::1:federated-user/fed"}, "fed"},
		{Identity{Type: "FederatedUser", PrincipalID: "1:fed2"}, "fed2"},
		{Identity{Type: "SAMLUser", UserName: "s"}, "s"},
		{Identity{Type: "WebIdentityUser", UserName: "w"}, "w"},
		{Identity{Type: "AWSService", InvokedBy: "ec2.amazonaws.com"}, ""},
		{Identity{Type: "AWSAccount", PrincipalID: "AIDA1", AccountID: "2"}, ""},
		{Identity{Type: "AWSAccount", UserName: "given"}, "given"},
		{Identity{InvokedBy: "AWS Internal"}, ""},
		{Identity{Type: "IdentityCenterUser", OnBehalfOfUserID: "uid"}, "uid"},
		{Identity{Type: "IdentityCenterUser", UserName: "name", OnBehalfOfUserID: "uid"}, "name"},
		{Identity{Type: "Unknown", UserName: "HIDDEN_DUE_TO_SECURITY_REASONS"}, "HIDDEN_DUE_TO_SECURITY_REASONS"},
	}
	for _, tc := range tests {
		if got := DeriveUsername(&tc.id); got != tc.want {
			t.Errorf("DeriveUsername(%+v) = %q, want %q", tc.id, got, tc.want)
		}
	}
}

func TestDetails(t *testing.T) {
	e, _ := FromRecord(readFixture(t, "assumed-role-skeddly.json"))
	d, err := e.Details()
	if err != nil {
		t.Fatal(err)
	}
	if d.EventVersion != "1.09" || d.EventCategory != "Management" || d.ManagementEvent != True ||
		d.SessionCreated != "2024-05-03T02:00:01Z" || d.RecipientAccountID != "111122223333" {
		t.Errorf("Details = %+v", d)
	}
	root, _ := FromRecord(readFixture(t, "root-console-login.json"))
	if d, _ := root.Details(); d.TLSVersion != "TLSv1.3" {
		t.Errorf("root Details = %+v", d)
	}
}
