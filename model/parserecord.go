package model

import (
	"strings"
	"unsafe"
)

// scanRecord is the fast decoder of one record into r: no reflection, and
// no copy of the strings that need no unescaping (they are substrings of
// raw, so they share the memory Raw holds — see FromRecord). ok is false
// when the record is anything but a plainly well-formed record (a syntax
// error, a field of another JSON type than the record's shape, a duplicate
// or case-folded key, a key with an escape or a byte >= 0x80, nesting
// deeper than maxSkipDepth); the caller then decodes it again with
// encoding/json, whose result, error and message it keeps. On records the
// fast path reads, r is exactly what encoding/json would decode (the
// differential tests hold the two together), so the choice never shows.
func scanRecord(raw string, r *record, scratch *recordScratch) bool {
	c := cursor{s: raw, ok: true}
	if c.peek() != '{' {
		return false
	}
	c.i++
	var seen uint32
	for k := range c.members(&seen, topKey, topKeys[:]) {
		switch k {
		case kEventID:
			r.EventID = c.text()
		case kEventTime:
			r.EventTime = c.text()
		case kEventName:
			r.EventName = c.text()
		case kEventSource:
			r.EventSource = c.text()
		case kAWSRegion:
			r.AWSRegion = c.text()
		case kRecipientAccountID:
			r.RecipientAccountID = c.text()
		case kErrorCode:
			r.ErrorCode = c.text()
		case kErrorMessage:
			r.ErrorMessage = c.text()
		case kSourceIPAddress:
			r.SourceIPAddress = c.text()
		case kUserAgent:
			r.UserAgent = c.text()
		case kEventType:
			r.EventType = c.text()
		case kReadOnly:
			r.ReadOnly = c.span()
		case kRequestParameters:
			r.RequestParameters = c.span()
		case kResponseElements:
			r.ResponseElements = c.span()
		case kAdditionalEventData:
			r.AdditionalEventData = c.span()
		case kUserIdentity:
			if c.object() {
				scratch.has |= hasIdentity
				c.identity(&scratch.identity, scratch)
			}
		case kResources:
			c.resources(scratch)
		case kInsightDetails:
			if c.object() {
				scratch.has |= hasInsight
				c.insight(&scratch.insight)
			}
		}
	}
	if c.ws(); c.i != len(c.s) {
		return false // something after the record
	}
	return c.ok
}

// recordScratch holds what a decoded record points to, so that decoding
// allocates none of it. The fast decoder fills it and says which parts
// are present (has); link points the record at them.
type recordScratch struct {
	has       uint8
	n         int           // resources in resources
	extra     []recordResrc // all the resources, when more than fit in resources
	identity  userIdentity
	onBehalf  onBehalfOf
	session   sessionContext
	issuer    sessionIssuer
	attrs     sessionAttributes
	insight   insightSummary
	resources [4]recordResrc
}

// The parts of recordScratch present in a record.
const (
	hasIdentity = 1 << iota
	hasOnBehalf
	hasSession
	hasIssuer
	hasAttributes
	hasInsight
	hasResources
)

// link points r at the parts of s the record holds; linkIdentity the
// identity at its parts. Call both.
func link(r *record, s *recordScratch) {
	if s.has&hasIdentity != 0 {
		r.UserIdentity = &s.identity
	}
	if s.has&hasInsight != 0 {
		r.InsightDetails = &s.insight
	}
	if s.has&hasResources != 0 {
		r.Resources = s.resources[:s.n:s.n]
		if s.extra != nil {
			r.Resources = s.extra
		}
	}
}

func linkIdentity(s *recordScratch) {
	if s.has&hasOnBehalf != 0 {
		s.identity.OnBehalfOf = &s.onBehalf
	}
	if s.has&hasSession != 0 {
		s.identity.SessionContext = &s.session
	}
	if s.has&hasIssuer != 0 {
		s.session.SessionIssuer = &s.issuer
	}
	if s.has&hasAttributes != 0 {
		s.session.Attributes = &s.attrs
	}
}

// The keys of each object the decoder reads, by index; a member's index
// is its bit in the object's seen set.
const (
	kEventID = iota
	kEventTime
	kEventName
	kEventSource
	kAWSRegion
	kRecipientAccountID
	kErrorCode
	kErrorMessage
	kSourceIPAddress
	kUserAgent
	kEventType
	kReadOnly
	kRequestParameters
	kResponseElements
	kAdditionalEventData
	kUserIdentity
	kResources
	kInsightDetails
)

var topKeys = [...]string{"eventID", "eventTime", "eventName", "eventSource", "awsRegion",
	"recipientAccountId", "errorCode", "errorMessage", "sourceIPAddress", "userAgent", "eventType",
	"readOnly", "requestParameters", "responseElements", "additionalEventData", "userIdentity",
	"resources", "insightDetails"}

// topKey is the index of a top-level key (a switch: Go compiles it to a
// search by length and bytes), -1 for a key the Event does not read.
func topKey(k string) int {
	switch k {
	case "eventID":
		return kEventID
	case "eventTime":
		return kEventTime
	case "eventName":
		return kEventName
	case "eventSource":
		return kEventSource
	case "awsRegion":
		return kAWSRegion
	case "recipientAccountId":
		return kRecipientAccountID
	case "errorCode":
		return kErrorCode
	case "errorMessage":
		return kErrorMessage
	case "sourceIPAddress":
		return kSourceIPAddress
	case "userAgent":
		return kUserAgent
	case "eventType":
		return kEventType
	case "readOnly":
		return kReadOnly
	case "requestParameters":
		return kRequestParameters
	case "responseElements":
		return kResponseElements
	case "additionalEventData":
		return kAdditionalEventData
	case "userIdentity":
		return kUserIdentity
	case "resources":
		return kResources
	case "insightDetails":
		return kInsightDetails
	}
	return -1
}

const (
	kType = iota
	kPrincipalID
	kARN
	kAccountID
	kAccessKeyID
	kUserName
	kInvokedBy
	kIdentityProvider
	kOnBehalfOf
	kSessionContext
)

var identityKeys = [...]string{"type", "principalId", "arn", "accountId", "accessKeyId", "userName",
	"invokedBy", "identityProvider", "onBehalfOf", "sessionContext"}

func identityKey(k string) int {
	switch k {
	case "type":
		return kType
	case "principalId":
		return kPrincipalID
	case "arn":
		return kARN
	case "accountId":
		return kAccountID
	case "accessKeyId":
		return kAccessKeyID
	case "userName":
		return kUserName
	case "invokedBy":
		return kInvokedBy
	case "identityProvider":
		return kIdentityProvider
	case "onBehalfOf":
		return kOnBehalfOf
	case "sessionContext":
		return kSessionContext
	}
	return -1
}

// members calls yield with the index of each member of the object just
// opened whose key is one of keys (by find), with the cursor at its value,
// which yield must read; other members are skipped (checked). A key that
// repeats one already seen, or that equals one of keys only when case is
// folded (encoding/json matches keys case-insensitively, the last one
// winning), fails the cursor: such records are left to encoding/json.
func (c *cursor) members(seen *uint32, find func(string) int, keys []string) func(func(int) bool) {
	return func(yield func(int) bool) {
		if c.peek() == '}' {
			c.i++
			return
		}
		for c.ok {
			if c.peek() != '"' {
				c.fail()
				return
			}
			k, ok := c.key()
			if !ok {
				c.fail()
				return
			}
			if c.peek() != ':' {
				c.fail()
				return
			}
			c.i++
			if c.ws(); c.i == len(c.s) {
				c.fail() // no value
				return
			}
			idx := find(k)
			switch {
			case idx >= 0:
				if *seen&(1<<idx) != 0 {
					c.fail()
					return
				}
				*seen |= 1 << idx
				if !yield(idx) {
					return
				}
			case foldsToAny(k, keys):
				c.fail()
				return
			default:
				c.skip()
			}
			if !c.ok || !c.more('}') {
				return
			}
		}
	}
}

// key reads a member's key at i (s[i] == '"'); ok is false for a key
// with an escape, a byte >= 0x80 or a control byte, which the fast path
// does not match.
func (c *cursor) key() (string, bool) {
	start := c.i + 1
	j := plainEnd(c.s, start, true)
	if j >= len(c.s) || c.s[j] != '"' {
		return "", false
	}
	c.i = j + 1
	return c.s[start:j], true
}

func foldsToAny(k string, keys []string) bool {
	for _, known := range keys {
		if len(k) == len(known) && strings.EqualFold(k, known) {
			return true
		}
	}
	return false
}

// text reads a string member; null leaves it empty (as encoding/json
// leaves a field untouched by null). Any other type fails.
func (c *cursor) text() string {
	switch c.s[c.i] {
	case '"':
		return c.str()
	case 'n':
		c.literal("null")
		return ""
	}
	c.fail()
	return ""
}

// span is the bytes of any valid value, for a borrowedJSON field; they
// are only read, never written.
func (c *cursor) span() borrowedJSON {
	start := c.skip()
	if !c.ok || c.i == start {
		return nil
	}
	return unsafe.Slice(unsafe.StringData(c.s[start:]), c.i-start)
}

// object opens an object member (true) or reads null (false); any other
// type fails.
func (c *cursor) object() bool {
	switch c.s[c.i] {
	case '{':
		c.i++
		return true
	case 'n':
		c.literal("null")
		return false
	}
	c.fail()
	return false
}

func (c *cursor) identity(u *userIdentity, scratch *recordScratch) {
	var seen uint32
	for k := range c.members(&seen, identityKey, identityKeys[:]) {
		switch k {
		case kType:
			u.Type = c.text()
		case kPrincipalID:
			u.PrincipalID = c.text()
		case kARN:
			u.ARN = c.text()
		case kAccountID:
			u.AccountID = c.text()
		case kAccessKeyID:
			u.AccessKeyID = c.text()
		case kUserName:
			u.UserName = c.text()
		case kInvokedBy:
			u.InvokedBy = c.text()
		case kIdentityProvider:
			u.IdentityProvider = c.text()
		case kOnBehalfOf:
			if c.object() {
				scratch.has |= hasOnBehalf
				var seen uint32
				for range c.members(&seen, onBehalfKey, onBehalfKeys) {
					scratch.onBehalf.UserID = c.text()
				}
			}
		case kSessionContext:
			if c.object() {
				scratch.has |= hasSession
				c.session(&scratch.session, scratch)
			}
		}
	}
}

var (
	sessionKeys  = []string{"sessionIssuer", "attributes", "sourceIdentity"}
	issuerKeys   = []string{"type", "arn", "userName"}
	mfaKeys      = []string{"mfaAuthenticated"}
	insightKeys  = []string{"eventName", "eventSource"}
	resrcKeys    = []string{"ARN", "ARNPrefix", "type"}
	onBehalfKeys = []string{"userId"}
)

func indexOf(keys []string) func(string) int {
	return func(k string) int {
		for i, known := range keys {
			if k == known {
				return i
			}
		}
		return -1
	}
}

var (
	sessionKey  = indexOf(sessionKeys)
	issuerKey   = indexOf(issuerKeys)
	mfaKey      = indexOf(mfaKeys)
	insightKey  = indexOf(insightKeys)
	resrcKey    = indexOf(resrcKeys)
	onBehalfKey = indexOf(onBehalfKeys)
)

func (c *cursor) session(sc *sessionContext, scratch *recordScratch) {
	var seen uint32
	for k := range c.members(&seen, sessionKey, sessionKeys) {
		switch k {
		case 0:
			if c.object() {
				scratch.has |= hasIssuer
				var seen uint32
				for k := range c.members(&seen, issuerKey, issuerKeys) {
					switch k {
					case 0:
						scratch.issuer.Type = c.text()
					case 1:
						scratch.issuer.ARN = c.text()
					case 2:
						scratch.issuer.UserName = c.text()
					}
				}
			}
		case 1:
			if c.object() {
				scratch.has |= hasAttributes
				var seen uint32
				for range c.members(&seen, mfaKey, mfaKeys) {
					scratch.attrs.MFAAuthenticated = c.span()
				}
			}
		case 2:
			sc.SourceIdentity = c.text()
		}
	}
}

func (c *cursor) insight(in *insightSummary) {
	var seen uint32
	for k := range c.members(&seen, insightKey, insightKeys) {
		if k == 0 {
			in.EventName = c.text()
		} else {
			in.EventSource = c.text()
		}
	}
}

// resources reads the resources array: objects, or null elements (which
// encoding/json keeps as zero elements); null for the whole leaves none.
func (c *cursor) resources(scratch *recordScratch) {
	switch c.s[c.i] {
	case 'n':
		c.literal("null")
		return
	case '[':
	default:
		c.fail()
		return
	}
	c.i++
	scratch.has |= hasResources // even empty: encoding/json's empty, not nil, slice
	if c.peek() == ']' {
		c.i++
		return
	}
	for c.ok {
		var res recordResrc
		switch c.peek() {
		case '{':
			c.i++
			var seen uint32
			for k := range c.members(&seen, resrcKey, resrcKeys) {
				switch k {
				case 0:
					res.ARN = c.text()
				case 1:
					res.ARNPrefix = c.text()
				case 2:
					res.Type = c.text()
				}
			}
		case 'n':
			c.literal("null")
		default:
			c.fail()
			return
		}
		switch {
		case scratch.extra != nil:
			scratch.extra = append(scratch.extra, res)
		case scratch.n < len(scratch.resources):
			scratch.resources[scratch.n] = res
			scratch.n++
		default:
			scratch.extra = append(append(make([]recordResrc, 0, 4*scratch.n), scratch.resources[:scratch.n]...), res)
		}
		if !c.more(']') {
			return
		}
	}
}
