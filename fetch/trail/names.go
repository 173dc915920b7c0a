package trail

import (
	"strings"
	"time"
)

// Kind is what a file name says a file is.
type Kind int8

// The kinds of names found in a trail's folders.
const (
	// Other is any name that is not CloudTrail's: a stray key, a copy
	// renamed by hand, a README.
	Other Kind = iota
	// Log is a CloudTrail log file: <acct>_CloudTrail_<region>_<stamp>_<id>.json[.gz].
	Log
	// Digest is a log-file-validation digest (<acct>_CloudTrail-Digest_…): not events.
	Digest
	// Insight is an Insights file (<acct>_CloudTrail-Insight_…): skipped.
	Insight
)

// LogName is what the name of a CloudTrail log file says about it.
type LogName struct {
	Account string
	Region  string
	// Time is the delivery time in the name (minute resolution, UTC). The
	// file holds only events that happened before it.
	Time   time.Time
	Unique string
}

// Bound is the newest an event in the file can be: the name time plus the
// minute its stamp does not show.
func (n LogName) Bound() time.Time { return n.Time.Add(time.Minute) }

// stampLayout is the delivery stamp in a log file name.
const stampLayout = "20060102T1504Z"

// ParseName classifies a file name (the last element of a key; a full key
// is accepted too) and, for a log file, parses it. The pattern is the one
// the AWS CloudTrail processing library uses,
// `.+_CloudTrail_[\w\-]+_\d{8}T\d{4}Z_[\w]+\.json\.gz`, widened to
// uncompressed `.json` copies.
func ParseName(name string) (LogName, Kind) {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	if strings.Contains(name, "_CloudTrail-Digest_") {
		return LogName{}, Digest
	}
	if strings.Contains(name, "_CloudTrail-Insight_") {
		return LogName{}, Insight
	}
	base, ok := strings.CutSuffix(name, ".json.gz")
	if !ok {
		if base, ok = strings.CutSuffix(name, ".json"); !ok {
			return LogName{}, Other
		}
	}
	i := strings.Index(base, "_CloudTrail_")
	if i <= 0 {
		return LogName{}, Other
	}
	account, rest := base[:i], base[i+len("_CloudTrail_"):]
	region, rest, ok := strings.Cut(rest, "_")
	if !ok || region == "" || !isWordDash(region) {
		return LogName{}, Other
	}
	if len(rest) < len(stampLayout)+2 || rest[len(stampLayout)] != '_' {
		return LogName{}, Other
	}
	stamp, unique := rest[:len(stampLayout)], rest[len(stampLayout)+1:]
	if !isStamp(stamp) || !isWord(unique) {
		return LogName{}, Other
	}
	t, err := time.Parse(stampLayout, stamp)
	if err != nil {
		return LogName{}, Other
	}
	return LogName{Account: account, Region: region, Time: t, Unique: unique}, Log
}

// isStamp checks the shape \d{8}T\d{4}Z, which time.Parse alone does not
// (it takes fewer digits in some fields).
func isStamp(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8:
			if c != 'T' {
				return false
			}
		case 13:
			if c != 'Z' {
				return false
			}
		default:
			if c < '0' || c > '9' {
				return false
			}
		}
	}
	return len(s) == 14
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

func isWord(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isWordByte(s[i]) {
			return false
		}
	}
	return true
}

func isWordDash(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isWordByte(s[i]) && s[i] != '-' {
			return false
		}
	}
	return true
}

// isAccount reports whether a folder name is an AWS account id (12 digits).
func isAccount(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isOrgID reports whether a folder name is an organisation folder: o-
// followed by up to 32 lowercase letters or digits. AWS's ids have at least
// 10, but copies and fixtures (o-abc123) have fewer, and the folder's place
// (directly under AWSLogs/) already says what it is; the one rule serves
// local folders, S3, and the layout athena-ddl reads alike.
func isOrgID(s string) bool {
	id, ok := strings.CutPrefix(s, "o-")
	if !ok || len(id) < 1 || len(id) > 32 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// isRecordFileName reports whether a loose file without a CloudTrail name
// looks like it holds records (by its extension).
func isRecordFileName(name string) bool {
	name = strings.ToLower(name)
	name = strings.TrimSuffix(name, ".gz")
	for _, ext := range [...]string{".json", ".jsonl", ".ndjson"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}
