package localtrail

import "strings"

// realRegions are the regions CloudTrail serves (the aws-sdk-go-v2
// cloudtrail endpoint table, every partition): they always have room for
// their state, whatever made-up names clients sign with.
var realRegions = map[string]bool{
	"af-south-1": true, "ap-east-1": true, "ap-east-2": true,
	"ap-northeast-1": true, "ap-northeast-2": true, "ap-northeast-3": true,
	"ap-south-1": true, "ap-south-2": true,
	"ap-southeast-1": true, "ap-southeast-2": true, "ap-southeast-3": true, "ap-southeast-4": true,
	"ap-southeast-5": true, "ap-southeast-6": true, "ap-southeast-7": true,
	"ca-central-1": true, "ca-west-1": true,
	"eu-central-1": true, "eu-central-2": true, "eu-north-1": true, "eu-south-1": true, "eu-south-2": true,
	"eu-west-1": true, "eu-west-2": true, "eu-west-3": true,
	"il-central-1": true, "me-central-1": true, "me-south-1": true, "mx-central-1": true, "sa-east-1": true,
	"us-east-1": true, "us-east-2": true, "us-west-1": true, "us-west-2": true,
	"cn-north-1": true, "cn-northwest-1": true, "us-gov-east-1": true, "us-gov-west-1": true,
	"eusc-de-east-1": true,
}

// isRegionName accepts the shape of AWS region names (eu-west-1,
// us-gov-east-1, ap-southeast-7, eusc-de-east-1): a 2-4 letter prefix,
// lower-case words, then a number of 1-2 digits. It is the shape the
// lazytrail CLI accepts for --region, so a region that is new to this
// endpoint's list still works.
func isRegionName(s string) bool {
	if len(s) > 32 { // the longest real one is 14; this bounds the split
		return false
	}
	parts := strings.Split(s, "-")
	if len(parts) < 3 || len(parts[0]) < 2 || len(parts[0]) > 4 || len(parts[len(parts)-1]) > 2 {
		return false
	}
	for i, p := range parts {
		if p == "" {
			return false
		}
		for _, c := range []byte(p) {
			digit := c >= '0' && c <= '9'
			lower := c >= 'a' && c <= 'z'
			if i == len(parts)-1 && !digit || i < len(parts)-1 && !lower {
				return false
			}
		}
	}
	return true
}
