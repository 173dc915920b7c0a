package model

import "testing"

func TestIsRegionName(t *testing.T) {
	for _, ok := range []string{"eu-west-1", "us-gov-east-1", "ap-southeast-7", "eusc-de-east-1", "cn-northwest-1", "cn-north-1", "me-central-12"} {
		if !IsRegionName(ok) {
			t.Errorf("%s refused", ok)
		}
	}
	for _, bad := range []string{"", "eu", "eu-west", "eu-west-123", "E-west-1", "eu-West-1", "EU-WEST-1", "US-EAST-1", "abcde-west-1",
		"eu-west-x", "eu--1", "eu-west-1\n", "eu-west-1 ", "eu-west-1;rm", "a\x1bb", "eu-" + string(make([]byte, 40)) + "-1"} {
		if IsRegionName(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
}
