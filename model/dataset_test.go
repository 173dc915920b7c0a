package model

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// datasetDir finds ../shared/datasets/stratus-red-team beside the module
// root, which exists on the project's shared machine only.
func datasetDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("module root not found")
		}
		dir = parent
	}
	data := filepath.Join(dir, "..", "shared", "datasets", "stratus-red-team")
	if _, err := os.Stat(data); err != nil {
		t.Skip("no shared dataset at ", data)
	}
	return data
}

// expectedUsername recomputes the LookupEvents user name from the record's
// userIdentity by other means than DeriveUsername: from principalId where
// the table says the session or federated name lives there.
func expectedUsername(t *testing.T, identity map[string]any) string {
	str := func(k string) string { s, _ := identity[k].(string); return s }
	switch str("type") {
	case "Root":
		return "root"
	case "AssumedRole", "FederatedUser":
		i := strings.IndexByte(str("principalId"), ':')
		name := str("principalId")[i+1:]
		if rest := str("arn")[strings.LastIndexByte(str("arn"), ':')+1:]; strings.Count(rest, "/") >= 2 && !strings.HasSuffix(rest, "/"+name) {
			t.Errorf("principalId %q and arn %q disagree", str("principalId"), str("arn"))
		}
		return name
	}
	return str("userName")
}

func TestStratusRedTeamRecords(t *testing.T) {
	dir := datasetDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no records in %s: %v", dir, err)
	}
	records, types := 0, map[string]int{}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var raws []json.RawMessage
		if err := json.Unmarshal(b, &raws); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for i, raw := range raws {
			var fields struct {
				EventID      string         `json:"eventID"`
				EventName    string         `json:"eventName"`
				UserIdentity map[string]any `json:"userIdentity"`
				Resources    []any          `json:"resources"`
			}
			if err := json.Unmarshal(raw, &fields); err != nil {
				t.Fatal(err)
			}
			e, err := FromRecord(string(raw))
			where := fmt.Sprintf("%s#%d", filepath.Base(file), i)
			if err != nil || e.ParseError != "" {
				t.Errorf("%s: %v", where, err)
				continue
			}
			want := expectedUsername(t, fields.UserIdentity)
			if e.Username != want || want == "" {
				t.Errorf("%s (%v): Username %q, want %q", where, fields.UserIdentity["type"], e.Username, want)
			}
			if e.ID != fields.EventID || e.Name != fields.EventName || e.Time.IsZero() {
				t.Errorf("%s: ID %q name %q time %v", where, e.ID, e.Name, e.Time)
			}
			if len(fields.Resources) > 0 && len(e.Resources) != len(fields.Resources) {
				t.Errorf("%s: %d resources, record has %d", where, len(e.Resources), len(fields.Resources))
			}
			records++
			types[e.Identity.Type]++
		}
	}
	t.Logf("%d records from %d files, identity types %v", records, len(files), types)
}
