package model

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Filter is the predicate typed in the filter bar or given by --filter and
// --user, the same language everywhere. Its zero value matches everything.
//
// The language: space-separated terms, all of which must hold. A bare term
// is a user-name prefix (`skeddly-`). Keyed terms: `user:` prefix, `event:`
// event-name prefix, `region:` prefix, `source:` event-source prefix, `res:`
// substring of any resource name, `ip:` source-IP prefix, `id:` event-id
// prefix, `err` failed calls only, `err:CODE` error-code prefix, `ro:true`
// or `ro:false`, `account:` account-id prefix, `key:` access-key-id prefix,
// `role:` session-issuer (role) name prefix, `type:` identity-type prefix,
// `agent:` substring of the user agent, `raw:` substring of the whole raw
// record, `restype:` prefix of any resource's type, `session:` prefix of
// the caller's ARN or of the session an AssumeRole began. key=value
// (event=RunInstances) matches the whole value exactly, case-sensitive, as
// LookupEvents does, and can be pushed down to it. LookupEvents' attribute
// names are aliases of the keys, either case (EventName=RunInstances is
// event=RunInstances, ReadOnly=true is ro:true), and a word with "=" or
// ":" is always a keyed term: an unknown key is an error. A
// value may list alternatives (`event:Authorize,Revoke`), any of
// which may match, and a leading `-` negates a term (`-user:AutoScaling`,
// `-ro:true`). Each value is case-insensitive unless it has an upper-case
// letter (smart case). An unknown key or a bad `ro:` value is an error (see
// Err), never silently a user name.
//
// Filters hold a slice, so compare them with String, not ==.
type Filter struct {
	text  string
	terms []term
	err   string // the first malformed term, explained; "" when the text parses
	valid string // the words that parsed, when some did not
}

// field is what a term looks at.
type field int8

const (
	fieldUser field = iota
	fieldEvent
	fieldRegion
	fieldSource
	fieldResource
	fieldIP
	fieldID
	fieldError // err and err:CODE: failed calls whose code starts with value
	fieldReadOnly
	fieldAccount
	fieldAccessKey
	fieldRole
	fieldIdentityType
	fieldAgent
	fieldRaw
	fieldResourceType
	fieldSession // the caller's ARN, or the session an AssumeRole began
)

var fieldKeys = map[string]field{
	"user":    fieldUser,
	"event":   fieldEvent,
	"region":  fieldRegion,
	"source":  fieldSource,
	"res":     fieldResource,
	"ip":      fieldIP,
	"id":      fieldID,
	"err":     fieldError,
	"ro":      fieldReadOnly,
	"account": fieldAccount,
	"key":     fieldAccessKey,
	"role":    fieldRole,
	"type":    fieldIdentityType,
	"agent":   fieldAgent,
	"raw":     fieldRaw,
	"restype": fieldResourceType,
	"session": fieldSession,
}

// attributeAliases are LookupEvents' attribute names, as --lookup spells
// them (EventName=RunInstances), lower-cased, with the key each means: a
// user who writes the API's name gets the API's meaning, never a user name.
var attributeAliases = map[string]string{
	"eventname": "event", "username": "user", "resourcename": "res", "resourcetype": "restype",
	"eventsource": "source", "eventid": "id", "accesskeyid": "key", "readonly": "ro",
}

// keyField resolves a key of the language or an attribute alias,
// case-insensitively.
func keyField(key string) (field, bool) {
	lower := strings.ToLower(key)
	if short, ok := attributeAliases[lower]; ok {
		lower = short
	}
	f, ok := fieldKeys[lower]
	return f, ok
}

// substringFields match a value anywhere in the text, not at its start.
func (f field) substring() bool { return f == fieldResource || f == fieldAgent || f == fieldRaw }

type term struct {
	field    field
	value    string   // prefix, or substring for substring fields; the first alternative
	alts     []string // every alternative, value included, when there are several
	fold     bool     // compare ignoring case
	readOnly Tristate // for fieldReadOnly
	negate   bool     // the term holds when its test does not
	exact    bool     // key=value: the whole value, case-sensitive, as LookupEvents matches
	needles  []needle // raw: the alternatives prepared for searching records (needle.go)
}

// ParseFilter reads the filter bar's text. It accepts any text; a term it
// cannot read makes Err say why (and the filter still matches by the
// terms it could read, so callers decide whether to apply it).
func ParseFilter(text string) Filter {
	f := Filter{text: text}
	var valid []string
	for _, word := range strings.Fields(text) {
		t, err := parseTerm(word)
		if err != "" {
			if f.err == "" {
				f.err = err
			}
			continue
		}
		f.terms = append(f.terms, t)
		valid = append(valid, word)
	}
	if f.err != "" {
		f.valid = strings.Join(valid, " ")
	}
	return f
}

// Readable is the filter of the terms that parsed: the filter itself when
// every term did, else the text without the bad terms (which the bar shows
// while the user mends them).
func (f Filter) Readable() Filter {
	if f.err == "" {
		return f
	}
	return ParseFilter(f.valid)
}

// lookupKeys are the fields LookupEvents can filter on, most selective
// first (an event id names one event, an access key one session, …), with
// the attribute name it takes.
var lookupKeys = []struct {
	field field
	name  string
}{
	{fieldID, "EventId"}, {fieldAccessKey, "AccessKeyId"}, {fieldResource, "ResourceName"},
	{fieldUser, "Username"}, {fieldEvent, "EventName"}, {fieldResourceType, "ResourceType"},
	{fieldSource, "EventSource"},
}

// Pushdown is the term LookupEvents can serve in the API call itself: the
// most selective exact term (key=value, one value, not negated) of a
// field it filters on, or ro:true/ro:false; ok is false when there is
// none. The stream still applies the whole filter.
func (f Filter) Pushdown() (attribute, value string, ok bool) {
	if f.err != "" {
		return "", "", false
	}
	for _, k := range lookupKeys {
		for i := range f.terms {
			t := &f.terms[i]
			if t.field == k.field && t.exact && !t.negate && t.alts == nil && t.value != "" {
				return k.name, t.value, true
			}
		}
	}
	for i := range f.terms {
		if t := &f.terms[i]; t.field == fieldReadOnly && !t.negate && t.readOnly != Unknown {
			return "ReadOnly", t.readOnly.String(), true
		}
	}
	return "", "", false
}

// Err explains the first term that could not be read ("unknown key
// evnt — did you mean event:?"), or is "" when every term parsed.
func (f Filter) Err() string { return f.err }

func parseTerm(word string) (term, string) {
	negate := false
	if len(word) > 1 && word[0] == '-' {
		negate, word = true, word[1:]
	}
	t, err := parsePositive(word)
	// A negated term still being typed ("-user:") holds for everything,
	// as its positive does, rather than for nothing.
	t.negate = negate && !t.matchesAll()
	if t.field == fieldRaw && !t.exact && !t.matchesAll() {
		for _, v := range t.values() {
			t.needles = append(t.needles, newNeedle(v, t.fold))
		}
	}
	return t, err
}

func parsePositive(word string) (term, string) {
	if word == "err" {
		return textTerm(fieldError, ""), ""
	}
	// Whichever of "=" and ":" comes first separates the key: what comes
	// before it is a key, never a user name (a user name holding either is
	// written user:a=b or user=a:b).
	eq, colon := strings.IndexByte(word, '='), strings.IndexByte(word, ':')
	sep := ":"
	if eq >= 0 && (colon < 0 || eq < colon) {
		sep = "="
	} else if colon < 0 {
		return textTerm(fieldUser, word), ""
	}
	key, value, _ := strings.Cut(word, sep)
	fld, known := keyField(key)
	switch {
	case key == "":
		return term{}, "“" + sep + "” needs a key before it, such as event" + sep
	case !known:
		return term{}, unknownKey(key, sep)
	}
	switch {
	case fld == fieldReadOnly:
		switch {
		case strings.EqualFold(value, "true"):
			return term{field: fld, readOnly: True}, ""
		case strings.EqualFold(value, "false"):
			return term{field: fld, readOnly: False}, ""
		}
		return term{}, Printable(key + sep + value + " — " + key + sep + " takes true or false")
	case sep == "=" && !(fld == fieldError && value == ""):
		// key=value is an exact term, which LookupEvents can serve.
		t := textTerm(fld, value)
		t.exact, t.fold = true, false
		return t, ""
	}
	return textTerm(fld, value), ""
}

// unknownKey explains an unknown key with the nearest known one (a key
// of the language or one of LookupEvents' names), suggested in the
// language's spelling with the separator the user typed.
func unknownKey(key, sep string) string {
	best, bestDist := "", 1<<30
	lower := strings.ToLower(key)
	consider := func(candidate, short string) {
		d := EditDistance(lower, candidate)
		if strings.HasPrefix(lower, candidate) || strings.HasPrefix(candidate, lower) {
			d = min(d, 1)
		}
		if d < bestDist || d == bestDist && short < best {
			best, bestDist = short, d
		}
	}
	for k := range fieldKeys {
		consider(k, k)
	}
	for alias, short := range attributeAliases {
		consider(alias, short)
	}
	msg := "unknown key " + Printable(key)
	if bestDist <= max(2, len(lower)/2) {
		msg += " — did you mean " + best + sep + "?"
	} else {
		msg += " — keys are " + strings.Join(sortedKeys(), sep+" ") + sep
	}
	return msg
}

func sortedKeys() []string {
	keys := make([]string, 0, len(fieldKeys))
	for k := range fieldKeys {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// EditDistance is the Levenshtein distance of two short names (filter
// keys, region names), for "did you mean"; a is cut at 64 bytes.
func EditDistance(a, b string) int {
	if len(a) > 64 {
		a = a[:64]
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func textTerm(fld field, value string) term {
	t := term{field: fld, value: value, fold: !hasUpper(value)}
	if strings.Contains(value, ",") {
		for _, alt := range strings.Split(value, ",") {
			if alt != "" {
				t.alts = append(t.alts, alt)
			}
		}
		switch len(t.alts) {
		case 0:
			t.value, t.alts = "", nil
		case 1:
			t.value, t.alts = t.alts[0], nil
		default:
			t.value = t.alts[0]
		}
	}
	return t
}

func hasUpper(s string) bool {
	for _, r := range s {
		if unicode.IsUpper(r) || unicode.IsTitle(r) {
			return true
		}
	}
	return false
}

// String returns the text the filter was parsed from.
func (f Filter) String() string { return f.text }

// IsZero reports whether the filter matches everything.
func (f Filter) IsZero() bool {
	if f.err != "" {
		return false
	}
	for i := range f.terms {
		if !f.terms[i].matchesAll() {
			return false
		}
	}
	return true
}

// Match reports whether e passes the filter; a filter with an error
// matches nothing. It does not allocate.
func (f Filter) Match(e *Event) bool {
	if f.err != "" {
		return false
	}
	for i := range f.terms {
		if !f.terms[i].match(e) {
			return false
		}
	}
	return true
}

// matchesAll reports whether the term holds for every event: an empty
// value (a term still being typed), negated or not.
func (t *term) matchesAll() bool {
	switch t.field {
	case fieldError:
		return false
	case fieldReadOnly:
		return t.readOnly == Unknown
	}
	return t.value == ""
}

func (t *term) match(e *Event) bool {
	return t.positive(e) != t.negate
}

// positive is the term's test before negation.
func (t *term) positive(e *Event) bool {
	switch t.field {
	case fieldReadOnly:
		return t.readOnly == Unknown || e.ReadOnly == t.readOnly
	case fieldResource:
		if t.value == "" {
			return true
		}
		for i := range e.Resources {
			if t.matchText(e.Resources[i].Name) {
				return true
			}
		}
		return false
	case fieldSession:
		if t.value == "" {
			return true
		}
		if t.matchText(e.Identity.ARN) {
			return true
		}
		created := CreatedSession(e)
		return created != "" && t.matchText(created)
	case fieldResourceType:
		if t.value == "" {
			return true
		}
		for i := range e.Resources {
			if t.matchText(e.Resources[i].Type) {
				return true
			}
		}
		return false
	}
	return t.testValue(eventField(e, t.field))
}

// matchValue applies a one-valued field's whole test, negation included,
// to that field's text (the timeline's columns test each distinct value).
func (t *term) matchValue(s string) bool { return t.testValue(s) != t.negate }

// eventField returns the text a one-valued field looks at.
func eventField(e *Event, f field) string {
	switch f {
	case fieldUser:
		return e.Username
	case fieldEvent:
		return e.Name
	case fieldRegion:
		return e.Region
	case fieldSource:
		return e.Source
	case fieldIP:
		return e.SourceIP
	case fieldID:
		return e.ID
	case fieldError:
		return e.ErrorCode
	case fieldAccount:
		return e.Account
	case fieldAccessKey:
		return e.AccessKeyID
	case fieldRole:
		return e.Identity.SessionIssuerName
	case fieldIdentityType:
		return e.Identity.Type
	case fieldAgent:
		return e.UserAgent
	case fieldRaw:
		return e.Raw
	}
	return ""
}

// testValue is a one-valued field's test before negation.
func (t *term) testValue(s string) bool {
	if t.field == fieldError && s == "" {
		return false // only failed calls
	}
	return t.matchText(s)
}

func (t *term) hasPrefix(s, value string) bool {
	if t.fold {
		return hasPrefixFold(s, value)
	}
	return strings.HasPrefix(s, value)
}

func (t *term) contains(s, value string) bool {
	if t.fold {
		return containsFold(s, value)
	}
	return strings.Contains(s, value)
}

// Narrows reports whether every event f matches is also matched by g, so
// that g's results can be filtered again instead of scanning everything.
// It may answer false when that holds in some subtle way; it never answers
// true when it does not.
func (f Filter) Narrows(g Filter) bool {
	switch {
	case f.err != "":
		return true // f matches nothing
	case g.err != "":
		return false // g matches nothing, f something
	}
	for i := range g.terms {
		if !f.implies(&g.terms[i]) {
			return false
		}
	}
	return true
}

// implies reports whether some term of f alone guarantees want.
func (f Filter) implies(want *term) bool {
	if want.matchesAll() {
		return true
	}
	for i := range f.terms {
		if f.terms[i].implies(want) {
			return true
		}
	}
	return false
}

func (t *term) implies(want *term) bool {
	if t.field == want.field && t.negate == want.negate && t.value == want.value && t.fold == want.fold &&
		t.exact == want.exact && t.readOnly == want.readOnly && slices.Equal(t.alts, want.alts) {
		return true // the same term
	}
	if t.field != want.field || t.negate || want.negate || t.alts != nil || want.alts != nil || want.exact {
		return false // safe: the timeline rescans
	}
	if t.exact {
		return want.matchText(t.value) // t accepts only t.value
	}
	if t.field == fieldReadOnly {
		return t.readOnly == want.readOnly
	}
	// What t accepted starts with (or for resources contains) t.value, so
	// it is enough that t.value itself passes want. A case-sensitive match
	// is also a case-insensitive one, provided t.value is whole UTF-8 (a
	// cut-off sequence could decode differently inside a longer name).
	if !want.fold {
		return !t.fold && want.matchText(t.value)
	}
	return (t.fold || utf8.ValidString(t.value)) && want.matchText(t.value)
}

// matchText applies the term's text test to s: any alternative, as a
// prefix or, for substring fields, anywhere.
func (t *term) matchText(s string) bool {
	if t.needles != nil {
		for i := range t.needles {
			if t.needles[i].in(s) {
				return true
			}
		}
		return false
	}
	if t.alts == nil {
		return t.matchOne(s, t.value)
	}
	for _, v := range t.alts {
		if t.matchOne(s, v) {
			return true
		}
	}
	return false
}

// values are the term's alternatives, the one value when there is one.
func (t *term) values() []string {
	if t.alts != nil {
		return t.alts
	}
	return []string{t.value}
}

func (t *term) matchOne(s, value string) bool {
	if t.exact {
		return s == value
	}
	if t.field.substring() {
		return t.contains(s, value)
	}
	return t.hasPrefix(s, value)
}

// Term is one term of a filter as another engine needs it to translate
// the filter (the Athena source compiles terms to SQL): the key it looks
// at, the values any of which may match, and how they match.
type Term struct {
	Key       string   // a key of the language: user, event, res, err, ro, …
	Values    []string // alternatives, any of which may match; empty for err and ro
	Fold      bool     // compare ignoring case (the values have no upper case)
	Exact     bool     // key=value: the whole value, case-sensitive
	Substring bool     // the value may match anywhere (res, agent, raw), not only at the start
	Negate    bool     // the term holds when its test does not
	ReadOnly  Tristate // ro:true or ro:false; Unknown for other keys
}

// Terms lists the filter's terms that constrain anything (a term still
// being typed, such as "user:", is left out), in the order typed; nil
// for a filter with an error, which callers must check first with Err.
func (f Filter) Terms() []Term {
	if f.err != "" {
		return nil
	}
	var out []Term
	for i := range f.terms {
		t := &f.terms[i]
		if t.matchesAll() {
			continue
		}
		values := t.alts
		if values == nil && t.value != "" {
			values = []string{t.value}
		}
		out = append(out, Term{
			Key: keyOf(t.field), Values: slices.Clone(values), Fold: t.fold, Exact: t.exact,
			Substring: t.field.substring(), Negate: t.negate, ReadOnly: t.readOnly,
		})
	}
	return out
}

func keyOf(f field) string {
	for k, v := range fieldKeys {
		if v == f {
			return k
		}
	}
	return ""
}
