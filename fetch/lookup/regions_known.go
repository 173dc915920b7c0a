package lookup

import (
	"regexp"
	"slices"
	"strings"

	"lazytrail/model"
)

// A region name AWS does not serve (eu-west-9) is a typo, and answering it
// with an empty list would read as "nobody did anything there". What
// counts as served offline is the SDK's own partition metadata
// (aws-sdk-go-v2 internal/endpoints/awsrulesfn/partitions.json, which
// cannot be imported): a name is served when some partition lists it.
// A partition's regionRegex alone (aws: ^(us|eu|ap|…)-\w+-\d+$) accepts
// eu-west-9, so it is used only to say which partition a typo belongs to.
// A region opened after this build is reached with --region all, which
// asks EC2 DescribeRegions; TestKnownRegionsAreTheSDKs keeps the copy equal
// to the SDK the module builds with.

// partitionInfo is one partition of partitions.json: its name pattern and
// the regions it lists.
type partitionInfo struct {
	id      string
	pattern *regexp.Regexp
	regions []string
}

var partitions = []partitionInfo{
	{"aws", regexp.MustCompile(`^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$`), []string{
		"af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
		"ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
		"ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1",
		"eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2",
		"eu-west-3", "il-central-1", "me-central-1", "me-south-1", "me-west-1", "mx-central-1",
		"sa-east-1", "sa-west-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2"}},
	{"aws-cn", regexp.MustCompile(`^cn\-\w+\-\d+$`), []string{"cn-north-1", "cn-northwest-1"}},
	{"aws-eusc", regexp.MustCompile(`^eusc\-(de)\-\w+\-\d+$`), []string{"eusc-de-east-1"}},
	{"aws-iso", regexp.MustCompile(`^us\-iso\-\w+\-\d+$`), []string{"us-iso-east-1", "us-iso-west-1"}},
	{"aws-iso-b", regexp.MustCompile(`^us\-isob\-\w+\-\d+$`), []string{"us-isob-east-1", "us-isob-west-1"}},
	{"aws-iso-e", regexp.MustCompile(`^eu\-isoe\-\w+\-\d+$`), []string{"eu-isoe-west-1"}},
	{"aws-iso-f", regexp.MustCompile(`^us\-isof\-\w+\-\d+$`), []string{"us-isof-east-1", "us-isof-south-1"}},
	{"aws-us-gov", regexp.MustCompile(`^us\-gov\-\w+\-\d+$`), []string{"us-gov-east-1", "us-gov-west-1"}},
}

// KnownRegion reports whether a partition of the SDK's metadata lists
// name; when none does, why says so with the nearest names it lists
// ("no partition serves eu-west-9 (aws has eu-west-1, eu-west-2, eu-west-3)").
func KnownRegion(name string) (ok bool, why string) {
	for _, p := range partitions {
		if slices.Contains(p.regions, name) {
			return true, ""
		}
	}
	// The partition whose pattern takes the name, the most specific one:
	// us-gov-west-9 is a typo in aws-us-gov, though aws's pattern takes it.
	var home *partitionInfo
	for i := range partitions {
		if p := &partitions[i]; p.pattern.MatchString(name) && (home == nil || home.id == "aws") {
			home = p
		}
	}
	why = "no AWS partition serves " + name
	candidates := home
	if candidates == nil {
		candidates = &partitions[0]
	}
	if near := nearRegions(name, candidates.regions); len(near) > 0 {
		why += " (" + candidates.id + " has " + strings.Join(near, ", ") + ")"
	}
	return false, why
}

// nearRegions lists the regions of one geography (eu-west-9: every
// eu-west-N), else those within two edits of name (us-est-1: us-east-1).
func nearRegions(name string, regions []string) []string {
	var near []string
	if i := strings.LastIndexByte(name, '-'); i > 0 {
		for _, r := range regions {
			if strings.HasPrefix(r, name[:i+1]) {
				near = append(near, r)
			}
		}
	}
	if len(near) == 0 {
		for _, r := range regions {
			if model.EditDistance(name, r) <= 2 {
				near = append(near, r)
			}
		}
	}
	return near
}
