package model

import (
	"encoding/json"
	"strings"
)

// CreatedSession is the ARN of the role session an AssumeRole call began
// (responseElements.assumedRoleUser.arn, as
// arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION), or "" for any other
// event, a failed call, or a record without it. "Everything in this
// session" holds that call too: its caller is whoever assumed the role,
// not the session. Only AssumeRole* events are decoded, once per test.
func CreatedSession(e *Event) string {
	if !strings.HasPrefix(e.Name, "AssumeRole") || !strings.Contains(e.Raw, "assumedRoleUser") {
		return ""
	}
	var rec struct {
		ResponseElements struct {
			AssumedRoleUser struct {
				ARN string `json:"arn"`
			} `json:"assumedRoleUser"`
		} `json:"responseElements"`
	}
	if json.Unmarshal([]byte(e.Raw), &rec) != nil {
		return ""
	}
	return rec.ResponseElements.AssumedRoleUser.ARN
}
