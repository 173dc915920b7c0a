package model

import (
	"strings"
	"testing"
)

func filterEvent() *Event {
	return &Event{
		ID: "a1b2c3d4-0004", Name: "StopInstances", Source: "ec2.amazonaws.com", Region: "eu-west-1",
		Username: "skeddly-7f3a9c", SourceIP: "34.201.12.9", ReadOnly: False, Account: "111122223333",
		ErrorCode: "Client.UnauthorizedOperation",
		Resources: []Resource{{"AWS::EC2::Instance", "i-064bd95a9b9b0a4e6"}, {"AWS::EC2::SecurityGroup", "sg-0a1b"}},
	}
}

func TestFilterMatch(t *testing.T) {
	e := filterEvent()
	ok := &Event{Username: "Adam", Name: "RunInstances", ReadOnly: True, Region: "us-east-1"}
	tests := []struct {
		text      string
		e, notOne *Event // e must match, notOne must not (nil: skip)
	}{
		{"", e, nil},
		{"   ", e, nil},
		{"skeddly-", e, ok},
		{"SKEDDLY", nil, e}, // smart case: upper case makes it exact
		{"adam", ok, e},
		{"user:skeddly", e, ok},
		{"event:stop", e, ok},
		{"event:Stop", e, nil},
		{"event:stop region:eu-", e, nil},
		{"region:us", ok, e},
		{"source:ec2", e, nil},
		{"res:064bd", e, ok},
		{"res:SG-0A", nil, e},
		{"res:sg-0A", nil, e},
		{"res:SG", &Event{Resources: []Resource{{"", "SG-1"}}}, e},
		{"ip:34.201", e, ok},
		{"id:a1b2", e, ok},
		{"account:1111", e, ok},
		{"account:4444", nil, e},
		{"err", e, ok},
		{"err:client.unauth", e, ok},
		{"err:Client.Unauth", e, nil},
		{"ro:false", e, ok},
		{"ro:TRUE", ok, e},
		{"foo:bar", nil, &Event{Username: "foo:bar-x"}}, // unknown key: an error, matching nothing, never a user name
		{"ro:maybe", nil, &Event{Username: "ro:maybe"}},
		{"user: event:", e, nil}, // empty values match everything
		{"skeddly- event:Run", nil, e},
		{"café", &Event{Username: "CAFÉ-1"}, e},
		{"k", &Event{Username: "\u212aelvin"}, nil}, // Kelvin sign folds to k
	}
	for _, tc := range tests {
		f := ParseFilter(tc.text)
		if f.String() != tc.text {
			t.Errorf("String() = %q, want %q", f.String(), tc.text)
		}
		if tc.e != nil && !f.Match(tc.e) {
			t.Errorf("%q does not match %+v", tc.text, *tc.e)
		}
		if tc.notOne != nil && f.Match(tc.notOne) {
			t.Errorf("%q matches %+v", tc.text, *tc.notOne)
		}
	}
}

func TestFilterIsZero(t *testing.T) {
	for text, zero := range map[string]bool{"": true, " ": true, "user:": true, "res: id:": true, "-user:": true, "event:,": true,
		"err": false, "-err": false, "x": false, "ro:true": false, "-ro:true": false} {
		if got := ParseFilter(text).IsZero(); got != zero {
			t.Errorf("ParseFilter(%q).IsZero() = %v", text, got)
		}
	}
}

// Alternatives, negation and the identity keys, each against an event that
// must match and one that must not.
func TestFilterAlternativesNegationAndNewKeys(t *testing.T) {
	auth := &Event{Name: "AuthorizeSecurityGroupIngress", Username: "maria.sec", ReadOnly: False, AccessKeyID: "AKIAMARIA",
		UserAgent: "aws-cli/2.15 Python/3.11", Identity: Identity{Type: "IAMUser"}, Raw: `{"sourceIPAddress":"203.0.113.7"}`}
	revoke := &Event{Name: "RevokeSecurityGroupIngress", Username: "maria.sec", ReadOnly: False, ErrorCode: "AccessDenied"}
	asg := &Event{Name: "DescribeInstances", Username: "AutoScaling", ReadOnly: True, AccessKeyID: "ASIAASG",
		UserAgent: "autoscaling.amazonaws.com", Identity: Identity{Type: "AssumedRole", SessionIssuerName: "AWSServiceRoleForAutoScaling"}}
	for _, tc := range []struct {
		text      string
		yes, no   *Event
		alsoMatch *Event
	}{
		{"event:Authorize,Revoke", auth, asg, revoke},
		{"event:authorize,revoke user:maria", revoke, asg, auth},
		{"-user:AutoScaling", auth, asg, revoke},
		{"-ro:true", auth, asg, revoke},
		{"-err", auth, revoke, asg},
		{"-event:Describe,Revoke", auth, asg, nil},
		{"key:AKIA", auth, asg, nil},
		{"role:awsservicerole", asg, auth, nil},
		{"type:assumed", asg, auth, nil},
		{"agent:cli/2", auth, asg, nil},
		{"raw:203.0.113.", auth, asg, nil},
		{"-raw:203.0.113.", asg, auth, nil},
	} {
		f := ParseFilter(tc.text)
		if f.Err() != "" {
			t.Errorf("%q: %s", tc.text, f.Err())
			continue
		}
		if !f.Match(tc.yes) || f.Match(tc.no) || tc.alsoMatch != nil && !f.Match(tc.alsoMatch) {
			t.Errorf("%q matched wrongly", tc.text)
		}
	}
}

// An unknown key or a bad value is an error with a suggestion, never read
// as a user name (which against AWS would start a 90-day scan).
func TestFilterUnknownKeysAreErrors(t *testing.T) {
	for text, want := range map[string]string{
		"evnt:Create":     "unknown key evnt — did you mean event:?",
		"EventNme=Run":    "unknown key EventNme — did you mean event=?",
		"Usernam=adam":    "unknown key Usernam — did you mean user=?",
		"foo=bar":         "unknown key foo",
		"=RunInstances":   "“=” needs a key before it",
		"ReadOnly=maybe":  "ReadOnly= takes true or false",
		"usr:adam":        "unknown key usr — did you mean user:?",
		"regoin:eu":       "unknown key regoin — did you mean region:?",
		"ro:maybe":        "ro: takes true or false",
		"adam zzzzzzzz:1": "unknown key zzzzzzzz — keys are",
		"-colour:blue":    "unknown key colour",
	} {
		f := ParseFilter(text)
		if !strings.Contains(f.Err(), want) {
			t.Errorf("ParseFilter(%q).Err() = %q, want %q", text, f.Err(), want)
		}
	}
	if err := ParseFilter("skeddly- event:Run -ro:true account:1111").Err(); err != "" {
		t.Errorf("a good filter has an error: %s", err)
	}
}

func TestFilterNarrows(t *testing.T) {
	tests := []struct {
		old, new string
		want     bool
	}{
		{"", "s", true},
		{"s", "sk", true},
		{"skeddly", "skeddly-", true},
		{"sk", "s", false},
		{"s", "S", true},  // exact S implies folded s
		{"S", "Sk", true}, // both exact
		{"S", "s", false},
		{"sk", "sk event:", true},
		{"event:", "event:R", true},
		{"event:r", "event:Ru", true},
		{"err", "err:", true},
		{"err", "err:A", true},
		{"err:A", "err", false},
		{"er", "err", false},
		{"res:06", "res:064", true},
		{"res:64", "res:064", true}, // a longer substring contains the shorter
		{"res:064", "res:64", false},
		{"ro:true", "ro:true x", true},
		{"ro:true", "ro:false", false},
		{"a b", "b a", true},
		{"a b", "a", false},
	}
	for _, tc := range tests {
		if got := ParseFilter(tc.new).Narrows(ParseFilter(tc.old)); got != tc.want {
			t.Errorf("%q.Narrows(%q) = %v, want %v", tc.new, tc.old, got, tc.want)
		}
	}
}

func TestFilterMatchDoesNotAllocate(t *testing.T) {
	e := filterEvent()
	f := ParseFilter("skeddly- event:stop res:064 err ro:false region:eu- source:ec2 ip:34 id:a1")
	if !f.Match(e) {
		t.Fatal("filter should match")
	}
	if n := testing.AllocsPerRun(100, func() { f.Match(e) }); n != 0 {
		t.Errorf("Match allocates %v times", n)
	}
}

func FuzzFilter(f *testing.F) {
	f.Add("skeddly", "skeddly-", "skeddly-7f3a9c", "StopInstances", "i-064bd95a9b9b0a4e6", "", byte(2))
	f.Add("res:6", "res:06 err", "", "Run", "i-06", "AccessDenied", byte(1))
	f.Add("S", "s", "Sam", "x", "", "", byte(0))
	f.Add("k", "\u212a", "kelvin", "", "", "", byte(0))
	f.Add("\xc3", "A\xc3", "A\xc3\xa9", "", "", "", byte(0))
	f.Fuzz(func(t *testing.T, oldText, newText, user, name, resource, errorCode string, ro byte) {
		e := &Event{ID: user, Username: user, Name: name, Source: name, Region: resource, SourceIP: user,
			ErrorCode: errorCode, ReadOnly: Tristate(ro % 3), Resources: []Resource{{Type: "T", Name: resource}}}
		old, cur := ParseFilter(oldText), ParseFilter(newText)
		newMatch, oldMatch := cur.Match(e), old.Match(e)
		if cur.Narrows(old) && newMatch && !oldMatch {
			t.Fatalf("%q narrows %q but matches %+v that the old filter did not", newText, oldText, *e)
		}
		if old.IsZero() && !oldMatch {
			t.Fatalf("zero filter %q rejects %+v", oldText, *e)
		}
		if !cur.Narrows(cur) {
			t.Fatalf("%q does not narrow itself", newText)
		}
	})
}

// key=value is exact and case-sensitive; the planner pushes the most
// selective such term (or ro:) down to LookupEvents, never a prefix, a
// negation or alternatives.
func TestFilterExactTermsAndPushdown(t *testing.T) {
	run := &Event{Name: "RunInstances", Username: "adam", AccessKeyID: "AKIAADAM", ID: "ev-1",
		Resources: []Resource{{Type: "AWS::EC2::Instance", Name: "i-064bd95a9b9b0a4e6"}}}
	runX := &Event{Name: "RunInstancesX", Username: "adam"}
	if f := ParseFilter("event=RunInstances"); !f.Match(run) || f.Match(runX) || ParseFilter("event=runinstances").Match(run) {
		t.Error("event=RunInstances must match exactly that name, case-sensitive")
	}
	if !ParseFilter("res=i-064bd95a9b9b0a4e6").Match(run) || ParseFilter("res=i-064b").Match(run) {
		t.Error("res= must match a whole resource name")
	}
	if f := ParseFilter("a=b"); f.Err() == "" || f.Match(&Event{Username: "a=b-1"}) {
		t.Error("a word with = is never a user name: a=b must be an unknown key")
	}
	if f := ParseFilter("user:a=b"); f.Err() != "" || !f.Match(&Event{Username: "a=b-1"}) {
		t.Error("user:a=b must match a user name holding =")
	}
	for text, want := range map[string]string{
		"event=RunInstances user=adam":          "Username=adam",
		"event=RunInstances key=AKIAADAM":       "AccessKeyId=AKIAADAM",
		"user=adam id=ev-1":                     "EventId=ev-1",
		"skeddly- event=StopInstances ro:false": "EventName=StopInstances",
		"res=i-1 source=ec2.amazonaws.com":      "ResourceName=i-1",
		"ro:true user:adam":                     "ReadOnly=true",
		"event:Run":                             "",
		"-event=RunInstances":                   "",
		"event=Run,Stop":                        "",
		"agent=terraform":                       "",
		"restype=AWS::EC2::Instance user:a":     "ResourceType=AWS::EC2::Instance",
		"restype:AWS::EC2:: user=adam":          "Username=adam",
		// LookupEvents' names, either case, are the keys' aliases.
		"EventName=RunInstances":        "EventName=RunInstances",
		"eventname=RunInstances":        "EventName=RunInstances",
		"USERNAME=adam":                 "Username=adam",
		"ResourceName=i-1":              "ResourceName=i-1",
		"ResourceType=AWS::S3::Bucket":  "ResourceType=AWS::S3::Bucket",
		"EventSource=iam.amazonaws.com": "EventSource=iam.amazonaws.com",
		"EventId=ev-1":                  "EventId=ev-1",
		"AccessKeyId=AKIAADAM":          "AccessKeyId=AKIAADAM",
		"ReadOnly=false":                "ReadOnly=false",
		"readonly:true":                 "ReadOnly=true",
		"ro=true":                       "ReadOnly=true",
		"EventName:Run":                 "",
	} {
		k, v, ok := ParseFilter(text).Pushdown()
		if got := k + "=" + v; ok && got != want || !ok && want != "" {
			t.Errorf("Pushdown(%q) = %q %v, want %q", text, got, ok, want)
		}
	}
}

// A prefix term whose value looks whole means a scan over LookupEvents
// that the exact term would avoid: the hint names the exact form, and says
// nothing when a term is pushed down already or no value looks whole.
func TestFilterExactHint(t *testing.T) {
	for text, want := range map[string]string{
		"event:RebootInstances":                                "event:RebootInstances scans the whole range; event=RebootInstances asks the API",
		"skeddly- event:RebootInstances":                       "event=RebootInstances asks the API",
		"source:iam.amazonaws.com":                             "source=iam.amazonaws.com asks the API",
		"key:ASIAZZZZZZZZZZZZZZZZ":                             "key=ASIAZZZZZZZZZZZZZZZZ",
		"res:i-064bd95a9b9b0a4e6":                              "res=i-064bd95a9b9b0a4e6",
		"id:0b8e2a4c-1d2e-4f50-9a6b-7c8d9e0f1a2b":              "id=0b8e2a4c-1d2e-4f50-9a6b-7c8d9e0f1a2b",
		"restype:AWS::EC2::Instance":                           "restype=AWS::EC2::Instance",
		"EventName:StopInstances":                              "event=StopInstances",
		"event:Reboot":                                         "", // one word: a prefix
		"event:rebootinstances":                                "", // folded: not the API's spelling
		"event:RebootInstances user=adam":                      "", // pushed down already
		"event:RebootInstances ro:true":                        "",
		"-event:RebootInstances":                               "",
		"event:RebootInstances,StopInstances":                  "",
		"skeddly-":                                             "",
		"res:i-064b":                                           "",
		"event:RebootInstances\x1b[2J":                         "", // not a name
		"region:eu-west-1 event:AuthorizeSecurityGroupIngress": "event=AuthorizeSecurityGroupIngress",
	} {
		got := ParseFilter(text).ExactHint()
		if want == "" && got != "" || want != "" && !strings.Contains(got, want) {
			t.Errorf("ExactHint(%q) = %q, want %q", text, got, want)
		}
	}
}
