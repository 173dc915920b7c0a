package localtrail

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"lazytrail/model"
)

// DemoRegions are the regions of the demo account.
var DemoRegions = []string{
	"us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1",
	"eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1",
	"ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-southeast-2", "ap-south-1", "sa-east-1",
}

// Demo facts that tests and documentation point at.
const (
	DemoAccount        = "418295730164"
	DemoAdamInstance   = "i-064bd95a9b9b0a4e6"  // created by adam with Terraform in eu-west-1
	DemoSecurityGroup  = "sg-0b7e41d9c2a35f618" // opened and closed again by maria.sec
	DemoRebootInstance = "i-0c7d3e9f21a4b5c68"  // rebooted in us-east-2
	demoSeed1          = 0x6c617a79
	demoSeed2          = 0x7472616c
)

// Demo returns the built-in demo account: 90 days of management events
// ending at end, across DemoRegions, the same for the same end. Its stories
// are the design's: a Skeddly scheduler, adam's Terraform instance, a
// security group opened and closed by an MFA user, an unexplained reboot,
// sign-ins, denials, root, AWS services, plenty of read-only noise, and
// resources of every ledger type (a forgotten GPU instance, an orphaned
// volume, an idle Elastic IP: demo_ledger.go).
func Demo(end time.Time) *Dataset {
	g := &demoGen{
		rng:     rand.New(rand.NewPCG(demoSeed1, demoSeed2)),
		end:     end.UTC().Truncate(time.Second),
		start:   end.UTC().Truncate(time.Second).Add(-history),
		calls:   make([]call, 0, 60000),
		roleIDs: map[string]string{},
	}
	g.skeddly()
	g.adamTerraform()
	g.securityGroupBreach()
	g.reboot()
	g.signIns()
	g.rootUsage()
	g.denials()
	g.awsServices()
	g.iamAndSTS()
	g.noise()
	g.ledgerStories() // last: the stories before keep their draws and ids
	return g.render()
}

type demoGen struct {
	rng        *rand.Rand
	start, end time.Time
	calls      []call
	roleIDs    map[string]string // a role keeps its AROA… id across sessions
}

// actor is who makes a call: one userIdentity plus where it calls from.
type actor struct {
	identity  *model.RecordIdentity
	userAgent string
	sourceIP  string
	console   bool // session credentials from the console
}

// call is one event to be written as a record.
type call struct {
	at        time.Time
	region    string
	who       *actor
	name      string
	source    string
	readOnly  bool
	eventType string // "" means AwsApiCall
	params    string // JSON object, or "" for null
	response  string
	extra     string // additionalEventData
	details   string // serviceEventDetails
	errCode   string
	errMsg    string
	resources []model.Resource       // as LookupEvents reports them
	recRes    []model.RecordResource // as the record lists them
	eventID   string
	requestID string
}

func (g *demoGen) uuid() string {
	// A version-4 layout: 8-4-4-4-12 hex digits.
	a, b := g.rng.Uint64(), g.rng.Uint64()
	a = a&^(0xf<<12) | 0x4<<12 // version 4
	b = b&^(0x3<<62) | 0x2<<62 // RFC 4122 variant
	var raw [16]byte
	binary.BigEndian.PutUint64(raw[:8], a)
	binary.BigEndian.PutUint64(raw[8:], b)
	var out [36]byte
	hex.Encode(out[0:8], raw[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], raw[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], raw[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], raw[8:10])
	out[23] = '-'
	hex.Encode(out[24:36], raw[10:16])
	return string(out[:])
}

func (g *demoGen) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[g.rng.IntN(16)]
	}
	return string(b)
}

// keyID makes an access key id: AKIA for long-term keys, ASIA for sessions.
func (g *demoGen) keyID(prefix string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	b := []byte(prefix + "XXXXXXXXXXXXXXXX")
	for i := 4; i < len(b); i++ {
		b[i] = alphabet[g.rng.IntN(len(alphabet))]
	}
	return string(b)
}

func (g *demoGen) ip() string {
	return fmt.Sprintf("%d.%d.%d.%d", 3+g.rng.IntN(200), g.rng.IntN(256), g.rng.IntN(256), 1+g.rng.IntN(254))
}

// add records a call; ids are drawn here so the order of generation alone
// decides them, keeping the demo deterministic.
func (g *demoGen) add(c call) {
	if c.at.After(g.end) || c.at.Before(g.start) {
		return
	}
	c.eventID, c.requestID = g.uuid(), g.uuid()
	g.calls = append(g.calls, c)
}

func (g *demoGen) iamUser(name, ua, ip string, mfa bool) *actor {
	id := &model.RecordIdentity{Type: "IAMUser", PrincipalID: g.keyID("AIDA"),
		ARN: "arn:aws:iam::" + DemoAccount + ":user/" + name, AccountID: DemoAccount,
		AccessKeyID: g.keyID("AKIA"), UserName: name}
	if mfa {
		id.AccessKeyID = g.keyID("ASIA")
		id.SessionContext = &model.RecordSession{WebIDFederationData: &struct{}{},
			Attributes: &model.RecordAttributes{CreationDate: g.end.Format(time.RFC3339), MFAAuthenticated: "true"}}
	}
	return &actor{identity: id, userAgent: ua, sourceIP: ip}
}

func (g *demoGen) roleSession(role, session, ua, ip string, at time.Time) *actor {
	roleID := g.roleIDs[role]
	if roleID == "" {
		roleID = g.keyID("AROA")
		g.roleIDs[role] = roleID
	}
	return &actor{identity: &model.RecordIdentity{
		Type: "AssumedRole", PrincipalID: roleID + ":" + session,
		ARN:       "arn:aws:sts::" + DemoAccount + ":assumed-role/" + role + "/" + session,
		AccountID: DemoAccount, AccessKeyID: g.keyID("ASIA"),
		SessionContext: &model.RecordSession{
			SessionIssuer:       &model.RecordIssuer{Type: "Role", PrincipalID: roleID, ARN: "arn:aws:iam::" + DemoAccount + ":role/" + role, AccountID: DemoAccount, UserName: role},
			WebIDFederationData: &struct{}{},
			Attributes:          &model.RecordAttributes{CreationDate: at.Add(-time.Duration(g.rng.IntN(600)) * time.Second).Format(time.RFC3339), MFAAuthenticated: "false"},
		},
	}, userAgent: ua, sourceIP: ip}
}

func awsService(service string) *actor {
	return &actor{identity: &model.RecordIdentity{Type: "AWSService", InvokedBy: service}, userAgent: service, sourceIP: service}
}

// render writes every call as a raw record. The event's lookup fields are
// taken from the call itself rather than parsed back, which keeps a --demo
// start fast; Username comes from model.DeriveUsername, and a test checks
// that model.FromRecord derives the same fields from every record. The work
// is split across CPUs; ids were drawn before, so the split changes nothing.
// render gives every call its event and a function that writes its record.
// Writing the records is most of the demo's cost, so the dataset does it
// only for the events it serves (or when a caller asks for them all): a
// --demo start then costs the lookup fields alone.
func (g *demoGen) render() *Dataset {
	events := make([]model.Event, len(g.calls))
	records := make([]func() string, len(g.calls))
	for i := range g.calls {
		c := &g.calls[i]
		events[i] = c.event()
		records[i] = c.rawRecord
	}
	return newLazyDataset(events, records)
}

// rawRecord writes the call's CloudTrail record as JSON.
func (c *call) rawRecord() string {
	var buf bytes.Buffer
	buf.Grow(2048)
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // CloudTrail writes "<sensitiveDataRemoved>" as is
	if err := enc.Encode(c.record()); err != nil {
		panic(fmt.Sprintf("localtrail: demo record %s does not encode: %v", c.name, err)) // a bug in a template
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

func (c *call) event() model.Event {
	eventType := c.eventType
	if eventType == "" {
		eventType = "AwsApiCall"
	}
	e := model.Event{
		ID: c.eventID, Time: c.at.UTC(), Name: c.name, Source: c.source, Region: c.region,
		ErrorCode: c.errCode, ErrorMessage: c.errMsg, SourceIP: c.who.sourceIP, UserAgent: c.who.userAgent,
		EventType: eventType, Identity: identityOf(c.who.identity), Resources: c.resources,
	}
	if eventType != "AwsServiceEvent" { // as record() writes readOnly
		e.ReadOnly = model.TristateOf(c.readOnly)
	}
	if c.eventType == "AwsConsoleSignIn" { // a sign-in's MFA is in additionalEventData
		switch {
		case strings.Contains(c.extra, `"MFAUsed":"Yes"`):
			e.Identity.MFAAuthenticated = model.True
		case strings.Contains(c.extra, `"MFAUsed":"No"`):
			e.Identity.MFAAuthenticated = model.False
		}
	}
	e.AccessKeyID = e.Identity.AccessKeyID
	e.Username = model.DeriveUsername(&e.Identity)
	return e
}

func identityOf(u *model.RecordIdentity) model.Identity {
	id := model.Identity{Type: u.Type, ARN: u.ARN, AccountID: u.AccountID, PrincipalID: u.PrincipalID,
		UserName: u.UserName, AccessKeyID: u.AccessKeyID, InvokedBy: u.InvokedBy}
	if sc := u.SessionContext; sc != nil {
		if si := sc.SessionIssuer; si != nil {
			id.SessionIssuerType, id.SessionIssuerName, id.SessionIssuerARN = si.Type, si.UserName, si.ARN
		}
		if at := sc.Attributes; at != nil {
			switch at.MFAAuthenticated {
			case "true":
				id.MFAAuthenticated = model.True
			case "false":
				id.MFAAuthenticated = model.False
			}
		}
	}
	return id
}

// requestIDSlot in a response template stands for the call's request id,
// which EC2 repeats in its responseElements.
const requestIDSlot = "{{requestID}}"

func (c *call) record() *model.Record {
	response := strings.Replace(c.response, requestIDSlot, c.requestID, 1)
	managementEvent := true // every demo call is one
	r := &model.Record{
		EventVersion: "1.09", UserIdentity: c.who.identity, EventTime: c.at.UTC().Format(time.RFC3339),
		EventSource: c.source, EventName: c.name, AWSRegion: c.region,
		SourceIPAddress: c.who.sourceIP, UserAgent: c.who.userAgent,
		ErrorCode: c.errCode, ErrorMessage: c.errMsg,
		RequestParameters: rawOrNull(c.params), ResponseElements: rawOrNull(response),
		RequestID: c.requestID, EventID: c.eventID, Resources: c.recRes,
		EventType: c.eventType, ManagementEvent: &managementEvent, RecipientAccountID: DemoAccount,
		EventCategory: "Management",
	}
	if c.extra != "" {
		r.AdditionalEventData = json.RawMessage(c.extra)
	}
	if c.details != "" {
		r.ServiceEventDetails = json.RawMessage(c.details)
	}
	if r.EventType == "" {
		r.EventType = "AwsApiCall"
	}
	if r.EventType != "AwsServiceEvent" {
		ro := c.readOnly
		r.ReadOnly = &ro
	}
	if c.who.identity.Type != "AWSService" && c.who.identity.Type != "" && c.eventType != "AwsConsoleSignIn" {
		r.TLSDetails = &model.RecordTLS{TLSVersion: "TLSv1.3", CipherSuite: "TLS_AES_128_GCM_SHA256",
			ClientProvidedHostHeader: hostFor(c.source, c.region)}
	}
	if c.who.console {
		r.FromConsole = "true"
	}
	return r
}

func rawOrNull(s string) json.RawMessage {
	if s == "" {
		return json.RawMessage("null")
	}
	return json.RawMessage(s)
}

func hostFor(source, region string) string {
	service := source[:len(source)-len(".amazonaws.com")]
	switch service {
	case "iam", "sts", "signin":
		return service + ".amazonaws.com"
	}
	return service + "." + region + ".amazonaws.com"
}
