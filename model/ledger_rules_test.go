package model

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// ledgerRecordsFile holds a record of every call of every rule, each in
// the shape AWS writes it (see the evidence above each rule in
// ledger_rules.go): a small account's day, with a failed launch, an
// AutoScaling instance, an instance seen only stopping, the same id in two
// regions, a Lambda function updated by its ARN and a DynamoDB table
// deleted by its ARN, and attacker text in a bucket name.
const ledgerRecordsFile = "testdata/ledger_records.jsonl"

// ledgerIDShapes is what each type's ids look like, so a path that finds
// the wrong field (an ARN where the create names the plain name, a request
// id, an empty object) fails.
var ledgerIDShapes = map[string]*regexp.Regexp{
	"AWS::EC2::Instance":                        regexp.MustCompile(`^i-[0-9a-zA-Z]{8,17}$`),
	"AWS::EC2::Volume":                          regexp.MustCompile(`^vol-[0-9a-f]{8,17}$`),
	"AWS::EC2::Snapshot":                        regexp.MustCompile(`^snap-[0-9a-f]{8,17}$`),
	"AWS::EC2::Image":                           regexp.MustCompile(`^ami-[0-9a-f]{8,17}$`),
	"AWS::EC2::EIP":                             regexp.MustCompile(`^eipalloc-[0-9a-f]{8,17}$`),
	"AWS::EC2::NatGateway":                      regexp.MustCompile(`^nat-[0-9a-f]{8,17}$`),
	"AWS::EC2::SecurityGroup":                   regexp.MustCompile(`^sg-[0-9a-f]{8,17}$`),
	"AWS::ElasticLoadBalancingV2::LoadBalancer": regexp.MustCompile(`^arn:aws:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer/(app|net|gwy)/[^/]+/[0-9a-f]+$`),
	"AWS::RDS::DBInstance":                      regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9-]{0,62}$`),
	"AWS::S3::Bucket":                           regexp.MustCompile(`^[^:/]{3,63}$`),
	"AWS::Lambda::Function":                     regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`),
	"AWS::DynamoDB::Table":                      regexp.MustCompile(`^[a-zA-Z0-9_.-]{3,255}$`),
	"AWS::EKS::Cluster":                         regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$`),
	"AWS::IAM::User":                            regexp.MustCompile(`^[\w+=,.@-]{1,64}$`),
	"AWS::IAM::AccessKey":                       regexp.MustCompile(`^(AKIA|ASIA)[A-Z0-9]{16}$`),
}

// ledgerTestRecord is what the tests read of a raw record, with
// encoding/json into maps: none of the code under test.
type ledgerTestRecord struct {
	raw    string
	fields map[string]any
}

func (r ledgerTestRecord) str(key string) string { s, _ := r.fields[key].(string); return s }

func readLedgerTestRecords(t testing.TB, path string) []ledgerTestRecord {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []ledgerTestRecord
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, ledgerTestRecord{raw: sc.Text(), fields: m})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// ledgerWalk is the tests' own reading of a rule path: dotted keys, "[]"
// after a key walks each element of the array there. It returns the
// leaves found, numbers and strings as text.
func ledgerWalk(v any, path string) []string {
	nodes := []any{v}
	for _, seg := range strings.Split(path, ".") {
		array := strings.HasSuffix(seg, "[]")
		key := strings.TrimSuffix(seg, "[]")
		var next []any
		for _, n := range nodes {
			m, ok := n.(map[string]any)
			if !ok {
				continue
			}
			child, ok := m[key]
			if !ok {
				continue
			}
			if !array {
				next = append(next, child)
				continue
			}
			if items, ok := child.([]any); ok {
				next = append(next, items...)
			}
		}
		nodes = next
	}
	var out []string
	for _, n := range nodes {
		switch x := n.(type) {
		case string:
			out = append(out, x)
		case float64:
			out = append(out, fmt.Sprint(x))
		}
	}
	return out
}

// ledgerCallsOf lists a rule's calls with what they do.
func ledgerCallsOf(r LedgerRule) map[string][]LedgerCall {
	return map[string][]LedgerCall{"create": r.Create, "delete": r.Delete, "start": r.Start, "stop": r.Stop, "modify": r.Modify}
}

func TestLedgerRulesNameEachCallOnce(t *testing.T) {
	seen := map[string]string{}
	types := map[string]bool{}
	for _, r := range LedgerRules {
		if types[r.Type] {
			t.Errorf("%s has two rules", r.Type)
		}
		types[r.Type] = true
		if r.Running != (len(r.Start) > 0 && len(r.Stop) > 0) {
			t.Errorf("%s: Running is %v but it has %d start and %d stop calls", r.Type, r.Running, len(r.Start), len(r.Stop))
		}
		if len(r.Create) == 0 || len(r.Delete) == 0 {
			t.Errorf("%s: a rule needs a create and a delete", r.Type)
		}
		for what, calls := range ledgerCallsOf(r) {
			for _, c := range calls {
				key := r.Source + " " + c.Event
				if prev, ok := seen[key]; ok {
					t.Errorf("%s is both %s and %s %s: an event must mean one thing", key, prev, r.Type, what)
				}
				seen[key] = r.Type + " " + what
				if !strings.HasPrefix(c.ID, "requestParameters.") && !strings.HasPrefix(c.ID, "responseElements.") {
					t.Errorf("%s: id path %q is not under requestParameters or responseElements", key, c.ID)
				}
			}
		}
		if ledgerIDShapes[r.Type] == nil {
			t.Errorf("%s: no id shape in the test", r.Type)
		}
	}
	// The list of types, every one covered.
	for _, want := range []string{"AWS::EC2::Instance", "AWS::EC2::Volume", "AWS::EC2::Snapshot", "AWS::EC2::Image", "AWS::EC2::EIP",
		"AWS::EC2::NatGateway", "AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::RDS::DBInstance", "AWS::S3::Bucket",
		"AWS::Lambda::Function", "AWS::DynamoDB::Table", "AWS::EKS::Cluster", "AWS::IAM::User", "AWS::IAM::AccessKey", "AWS::EC2::SecurityGroup"} {
		if !types[want] {
			t.Errorf("no rule for %s", want)
		}
	}
}

// TestLedgerRulePathsFindTheirValues walks every path of every call over
// the hand-written records (shaped as AWS writes them): each call has a
// record, its id path finds ids of the type's shape, and each size path
// finds a value, one per id where it walks the id's array.
func TestLedgerRulePathsFindTheirValues(t *testing.T) {
	records := readLedgerTestRecords(t, ledgerRecordsFile)
	for _, r := range LedgerRules {
		for what, calls := range ledgerCallsOf(r) {
			for _, c := range calls {
				found := 0
				for _, rec := range records {
					if rec.str("eventSource") != r.Source || rec.str("eventName") != c.Event || rec.str("errorCode") != "" {
						continue
					}
					found++
					ids := ledgerWalk(rec.fields, c.ID)
					if len(ids) == 0 {
						t.Errorf("%s %s %s: %s finds nothing in %s", r.Type, what, c.Event, c.ID, rec.str("eventID"))
					}
					for _, id := range ids {
						if !ledgerIDShapes[r.Type].MatchString(id) {
							t.Errorf("%s %s %s: %s finds %q, not an id of its type", r.Type, what, c.Event, c.ID, id)
						}
					}
					for _, p := range c.Size {
						sizes := ledgerWalk(rec.fields, p)
						if len(sizes) == 0 || sizes[0] == "" {
							t.Errorf("%s %s %s: size path %s finds nothing", r.Type, what, c.Event, p)
						}
						if prefix, ok := ledgerArrayPrefix(c.ID); ok && strings.HasPrefix(p, prefix) && len(sizes) != len(ids) {
							t.Errorf("%s %s: %d sizes for %d ids", r.Type, c.Event, len(sizes), len(ids))
						}
					}
				}
				if found == 0 {
					t.Errorf("%s %s %s: no record in %s", r.Type, what, c.Event, ledgerRecordsFile)
				}
			}
		}
	}
}

// ledgerArrayPrefix is a path's part up to its last "[]".
func ledgerArrayPrefix(path string) (string, bool) {
	i := strings.LastIndex(path, "[]")
	if i < 0 {
		return "", false
	}
	return path[:i+2], true
}

// TestLedgerRulesOnStratusRecords walks the rules' id paths over the real
// records of ../shared/datasets/stratus-red-team (skipped where absent):
// every successful call a rule names yields ids of its type's shape
// (UpdateFunctionConfiguration's record names the function by ARN in its
// request: the rule must read the name from the response).
func TestLedgerRulesOnStratusRecords(t *testing.T) {
	dir := datasetDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no records in %s: %v", dir, err)
	}
	calls := map[string]struct {
		rule LedgerRule
		call LedgerCall
	}{}
	for _, r := range LedgerRules {
		for _, cs := range ledgerCallsOf(r) {
			for _, c := range cs {
				calls[r.Source+" "+c.Event] = struct {
					rule LedgerRule
					call LedgerCall
				}{r, c}
			}
		}
	}
	matched := map[string]int{}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var recs []map[string]any
		if err := json.Unmarshal(b, &recs); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, m := range recs {
			rec := ledgerTestRecord{fields: m}
			rc, ok := calls[rec.str("eventSource")+" "+rec.str("eventName")]
			if !ok || rec.str("errorCode") != "" {
				continue
			}
			matched[rc.call.Event]++
			ids := ledgerWalk(m, rc.call.ID)
			if len(ids) == 0 {
				t.Errorf("%s %s: %s finds nothing", filepath.Base(file), rc.call.Event, rc.call.ID)
			}
			for _, id := range ids {
				if !ledgerIDShapes[rc.rule.Type].MatchString(id) {
					t.Errorf("%s %s: %s finds %q, not an id of %s", filepath.Base(file), rc.call.Event, rc.call.ID, id, rc.rule.Type)
				}
			}
		}
	}
	// What the dataset holds today: a change here means the dataset
	// changed, or a rule stopped naming a call it has.
	for _, event := range []string{"StartInstances", "StopInstances", "ModifyInstanceAttribute", "AuthorizeSecurityGroupIngress",
		"CreateUser", "CreateAccessKey", "UpdateFunctionConfiguration20150331v2"} {
		if matched[event] == 0 {
			t.Errorf("no successful %s in the stratus records", event)
		}
	}
}
