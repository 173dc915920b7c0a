package trail

import (
	"testing"
	"time"
)

func TestParseName(t *testing.T) {
	at := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	cases := []struct {
		name string
		kind Kind
		want LogName
	}{
		{"418295730164_CloudTrail_eu-west-1_20261120T1205Z_Xq3kP0aZ7bLm2Rt9.json.gz", Log,
			LogName{"418295730164", "eu-west-1", at("2026-11-20T12:05:00Z"), "Xq3kP0aZ7bLm2Rt9"}},
		{"AWSLogs/o-abc/111122223333/CloudTrail/us-east-1/2024/01/02/111122223333_CloudTrail_us-east-1_20240102T0000Z_a_b.json", Log,
			LogName{"111122223333", "us-east-1", at("2024-01-02T00:00:00Z"), "a_b"}},
		{"418295730164_CloudTrail-Digest_eu-west-1_org-trail_us-east-1_20261120T130000Z.json.gz", Digest, LogName{}},
		{"418295730164_CloudTrail-Insight_eu-west-1_20261120T1205Z_x.json.gz", Insight, LogName{}},
		{"418295730164_CloudTrail_eu-west-1_20261120T1205Z_.json.gz", Other, LogName{}},      // no unique part
		{"418295730164_CloudTrail_eu-west-1_20261120T12055Z_x.json.gz", Other, LogName{}},    // odd stamp
		{"418295730164_CloudTrail_eu-west-1_20261320T1205Z_x.json.gz", Other, LogName{}},     // month 13
		{"418295730164_CloudTrail_eu west-1_20261120T1205Z_x.json.gz", Other, LogName{}},     // space in region
		{"418295730164_CloudTrail_eu-west-1_20261120T1205Z_x.json.gz.tmp", Other, LogName{}}, // not a log extension
		{"_CloudTrail_eu-west-1_20261120T1205Z_x.json.gz", Other, LogName{}},                 // no account
		{"418295730164_CloudTrail_eu-west-1_20261120T1205Z_x-y.json.gz", Other, LogName{}},   // dash in unique
		{"418295730164_CloudTrail_eu-west-1_2026112aT1205Z_xy.json.gz", Other, LogName{}},    // letter in date
		{"records.json", Other, LogName{}},
		{"", Other, LogName{}},
	}
	for _, c := range cases {
		got, kind := ParseName(c.name)
		if kind != c.kind || got != c.want {
			t.Errorf("ParseName(%q) = %+v, %v; want %+v, %v", c.name, got, kind, c.want, c.kind)
		}
	}
	n, _ := ParseName(cases[0].name)
	if want := at("2026-11-20T12:06:00Z"); !n.Bound().Equal(want) {
		t.Errorf("Bound = %v, want %v", n.Bound(), want)
	}
}

func TestFolderNames(t *testing.T) {
	for s, want := range map[string]bool{"123456789012": true, "12345678901": false, "12345678901a": false} {
		if isAccount(s) != want {
			t.Errorf("isAccount(%q) != %v", s, want)
		}
	}
	for s, want := range map[string]bool{"o-a1b2c3d4e5": true, "o-abc123": true, "o-": false, "o-A1B2C3D4E5": false, "o-abc_123": false, "x-a1b2c3d4e5": false} {
		if isOrgID(s) != want {
			t.Errorf("isOrgID(%q) != %v", s, want)
		}
	}
	for s, want := range map[string]bool{"a.json": true, "a.JSONL.gz": true, "a.ndjson": true, "a.txt": false, ".DS_Store": false} {
		if isRecordFileName(s) != want {
			t.Errorf("isRecordFileName(%q) != %v", s, want)
		}
	}
}
