package localtrail

import (
	"encoding/json"
	"strings"
	"testing"

	"lazytrail/model"
)

// walk reads a LedgerRules path ("responseElements.items[].id") from a
// raw record with encoding/json, written here rather than taken from the
// ledger builder so the test checks the demo against the table, not
// against the code that reads it.
func walk(v any, path string) []string {
	if path == "" {
		switch x := v.(type) {
		case string:
			return []string{x}
		case float64, bool:
			b, _ := json.Marshal(x)
			return []string{string(b)}
		}
		return nil
	}
	key, rest, _ := strings.Cut(path, ".")
	array := strings.HasSuffix(key, "[]")
	obj, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	next := obj[strings.TrimSuffix(key, "[]")]
	if !array {
		return walk(next, rest)
	}
	items, _ := next.([]any)
	var out []string
	for _, it := range items {
		out = append(out, walk(it, rest)...)
	}
	return out
}

// TestDemoLedgerStoriesCoverEveryRule checks that the demo creates a
// resource of every type in model.LedgerRules, deletes most, and that the
// ids each call's rule path reads are the Demo* ids the stories promise.
func TestDemoLedgerStoriesCoverEveryRule(t *testing.T) {
	d := demo()
	type seen struct{ created, deleted, started, stopped, modified map[string]string } // id -> size
	byType := map[string]*seen{}
	for _, r := range d.Regions() {
		for _, e := range d.Events(r) {
			if e.ErrorCode != "" {
				continue
			}
			for _, rule := range model.LedgerRules {
				if rule.Source != e.Source {
					continue
				}
				s := byType[rule.Type]
				if s == nil {
					s = &seen{map[string]string{}, map[string]string{}, map[string]string{}, map[string]string{}, map[string]string{}}
					byType[rule.Type] = s
				}
				for _, group := range []struct {
					calls []model.LedgerCall
					into  map[string]string
				}{{rule.Create, s.created}, {rule.Delete, s.deleted}, {rule.Start, s.started}, {rule.Stop, s.stopped}, {rule.Modify, s.modified}} {
					for _, c := range group.calls {
						if c.Event != e.Name {
							continue
						}
						var rec map[string]any
						if err := json.Unmarshal([]byte(e.Raw), &rec); err != nil {
							t.Fatal(err)
						}
						ids := walk(rec, c.ID)
						if len(ids) == 0 {
							t.Errorf("%s %s %s: no id at %s", r, e.Name, e.ID, c.ID)
						}
						for _, id := range ids {
							var size []string
							for _, p := range c.Size {
								if v := walk(rec, p); len(v) > 0 {
									size = append(size, v[0])
								}
							}
							group.into[id] = strings.Join(size, " ")
						}
					}
				}
			}
		}
	}
	for _, rule := range model.LedgerRules {
		s := byType[rule.Type]
		if s == nil || len(s.created) == 0 {
			t.Errorf("%s: nothing created", rule.Type)
			continue
		}
		if len(s.deleted) == 0 {
			t.Errorf("%s: nothing deleted", rule.Type)
		}
		for id := range s.deleted {
			if _, ok := s.created[id]; !ok && rule.Type != "AWS::EC2::Instance" { // Skeddly's and the reboot's instances predate the window
				t.Errorf("%s: %s deleted but never created", rule.Type, id)
			}
		}
	}
	want := []struct {
		typ, id, size string
		deleted       bool
	}{
		{"AWS::EC2::Instance", DemoForgottenGPU, "g5.2xlarge", false},
		{"AWS::EC2::Instance", DemoScratchInstance, "t3.large", true},
		{"AWS::EC2::Instance", DemoAdamInstance, "t3.medium", false},
		{"AWS::EC2::Volume", DemoOrphanVolume, "gp3 500", false},
		{"AWS::EC2::Volume", DemoDeletedVolume, "gp2 20", true},
		{"AWS::EC2::Snapshot", DemoSnapshot, "500", false},
		{"AWS::EC2::Snapshot", DemoSnapshotCopy, "", true},
		{"AWS::EC2::Image", DemoImage, "", false},
		{"AWS::EC2::Image", DemoImageCopy, "", true},
		{"AWS::EC2::EIP", DemoIdleEIP, "vpc", false},
		{"AWS::EC2::EIP", DemoNATGatewayEIP, "vpc", false},
		{"AWS::EC2::EIP", DemoReleasedEIP, "vpc", true},
		{"AWS::EC2::NatGateway", DemoNATGateway, "public", false},
		{"AWS::EC2::NatGateway", DemoDeletedNATGateway, "public", true},
		{"AWS::EC2::SecurityGroup", DemoWebSecurityGroup, "", false},
		{"AWS::EC2::SecurityGroup", DemoTempSecurityGroup, "", true},
		{"AWS::ElasticLoadBalancingV2::LoadBalancer", DemoALB, "application", false},
		{"AWS::ElasticLoadBalancingV2::LoadBalancer", DemoDeletedNLB, "network", true},
		{"AWS::RDS::DBInstance", DemoRDSInstance, "db.t3.micro mysql", false},
		{"AWS::RDS::DBInstance", DemoDeletedRDSInstance, "db.m5.large postgres", true},
		{"AWS::S3::Bucket", DemoBucket, "", false},
		{"AWS::S3::Bucket", DemoDeletedBucket, "", true},
		{"AWS::Lambda::Function", DemoFunction, "512", false},
		{"AWS::Lambda::Function", DemoDeletedFunction, "256", true},
		{"AWS::DynamoDB::Table", DemoTable, "PAY_PER_REQUEST", false},
		{"AWS::DynamoDB::Table", DemoDeletedTable, "PROVISIONED", true},
		{"AWS::EKS::Cluster", DemoEKSCluster, "1.31", false},
		{"AWS::EKS::Cluster", DemoDeletedEKSCluster, "1.31", true},
		{"AWS::IAM::User", DemoUser, "", false},
		{"AWS::IAM::User", DemoDeletedUser, "", true},
		{"AWS::IAM::AccessKey", DemoAccessKey, "", false},
		{"AWS::IAM::AccessKey", DemoDeletedAccessKey, "", true},
	}
	for _, w := range want {
		s := byType[w.typ]
		if s == nil {
			continue // reported above
		}
		size, ok := s.created[w.id]
		if !ok || size != w.size {
			t.Errorf("%s %s: created %v with size %q, want %q", w.typ, w.id, ok, size, w.size)
		}
		if _, del := s.deleted[w.id]; del != w.deleted {
			t.Errorf("%s %s: deleted %v, want %v", w.typ, w.id, del, w.deleted)
		}
	}
	inst := byType["AWS::EC2::Instance"]
	for _, m := range []map[string]string{inst.started, inst.stopped, inst.modified} {
		if _, ok := m[DemoScratchInstance]; !ok {
			t.Errorf("%s is not stopped, resized and started", DemoScratchInstance)
		}
	}
	if inst.modified[DemoScratchInstance] != "m5.large" {
		t.Errorf("%s resized to %q", DemoScratchInstance, inst.modified[DemoScratchInstance])
	}
	rds := byType["AWS::RDS::DBInstance"]
	if _, ok := rds.stopped[DemoRDSInstance]; !ok {
		t.Errorf("%s never stopped", DemoRDSInstance)
	}
	if _, ok := rds.started[DemoRDSInstance]; !ok {
		t.Errorf("%s never started", DemoRDSInstance)
	}
	autoscaled := 0
	for id, size := range inst.created {
		if _, gone := inst.deleted[id]; gone && size == "c5.large" {
			autoscaled++
		}
	}
	if autoscaled < 10 {
		t.Errorf("%d AutoScaling instances come and go; want many", autoscaled)
	}
}
