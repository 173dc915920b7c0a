package lookup

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The copy of the partitions is the SDK's: read partitions.json from the
// aws-sdk-go-v2 module this one builds with, and compare each partition's
// pattern and listed regions (the *-global pseudo-regions aside).
func TestKnownRegionsAreTheSDKs(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/aws/aws-sdk-go-v2").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	data, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "internal", "endpoints", "awsrulesfn", "partitions.json"))
	if err != nil {
		t.Skipf("the SDK's partitions.json is not in the module cache: %v", err)
	}
	var doc struct {
		Partitions []struct {
			ID          string                     `json:"id"`
			RegionRegex string                     `json:"regionRegex"`
			Regions     map[string]json.RawMessage `json:"regions"`
		} `json:"partitions"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Partitions) != len(partitions) {
		t.Errorf("the SDK has %d partitions, the copy %d", len(doc.Partitions), len(partitions))
	}
	for _, sdk := range doc.Partitions {
		i := slices.IndexFunc(partitions, func(p partitionInfo) bool { return p.id == sdk.ID })
		if i < 0 {
			t.Errorf("partition %s is missing", sdk.ID)
			continue
		}
		var want []string
		for r := range sdk.Regions {
			if !strings.HasSuffix(r, "-global") {
				want = append(want, r)
			}
		}
		slices.Sort(want)
		got := slices.Sorted(slices.Values(partitions[i].regions))
		if !slices.Equal(got, want) || partitions[i].pattern.String() != sdk.RegionRegex {
			t.Errorf("%s: copy %v %s, SDK %v %s", sdk.ID, got, partitions[i].pattern, want, sdk.RegionRegex)
		}
	}
}

func TestKnownRegion(t *testing.T) {
	for _, name := range []string{"eu-west-1", "us-gov-west-1", "cn-northwest-1", "eusc-de-east-1", "ap-southeast-7", "us-isof-south-1"} {
		if ok, why := KnownRegion(name); !ok {
			t.Errorf("%s: %s", name, why)
		}
	}
	for name, want := range map[string]string{
		"eu-west-9":     "no AWS partition serves eu-west-9 (aws has eu-west-1, eu-west-2, eu-west-3)",
		"us-gov-east-3": "(aws-us-gov has us-gov-east-1)",
		"cn-north-2":    "(aws-cn has cn-north-1)",
		"zz-local-1":    "no AWS partition serves zz-local-1",
	} {
		if ok, why := KnownRegion(name); ok || !strings.Contains(why, want) {
			t.Errorf("KnownRegion(%q) = %v %q, want %q", name, ok, why, want)
		}
	}
}
