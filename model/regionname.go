package model

import (
	"slices"
	"strings"
)

// IsRegionName accepts the shape of AWS region names (eu-west-1,
// us-gov-east-1, ap-southeast-7, eusc-de-east-1), not a fixed list, so new
// regions work without a release: a 2-4 letter prefix, lower-case words,
// then a number of 1-2 digits. It is the one rule for --region, the
// regions EC2 reports, a trail's region folders and the local endpoint's
// regions.
func IsRegionName(s string) bool {
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

// SplitRegions reads a --region list (eu-west-1,us-east-1): the names
// trimmed, each once, in the order given.
func SplitRegions(spec string) []string {
	var out []string
	for _, r := range strings.Split(spec, ",") {
		if r = strings.TrimSpace(r); r != "" && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}
