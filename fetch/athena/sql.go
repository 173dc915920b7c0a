// Package athena is the Athena source: the filter compiled to one SELECT
// over AWS's documented CloudTrail table, the query's lifecycle, and its
// result pages delivered newest first as one partition of the stream.
//
// The SQL is kept to what Trino (Athena engine 3) and DuckDB read the same
// way, so that a test can run it on DuckDB over the same records the
// stream filters and compare. What that rules out, and why:
//   - LIKE: '%' and '_' in a user's value would need ESCAPE; starts_with
//     and strpos take the value as it is, in both engines.
//   - regexp_like (DuckDB has regexp_matches), any_match and transform
//     (DuckDB has list_* functions), cardinality of arrays, element_at on
//     arrays, json_extract_scalar: one engine or the other lacks them.
//   - UNNEST of the resources array: Trino expands a row's fields into
//     columns, DuckDB keeps one struct column, so no alias list reads the
//     same in both.
//   - regexp_extract without a match is NULL in Trino and ” in DuckDB:
//     every use is wrapped in nullif(…, ”).
//   - NULL: every column is read through coalesce(…, ”), so that a
//     negated term holds for a record without the field, as on the stream.
//   - lower() alone to ignore case: it keeps ſ and ς apart from s and σ,
//     and takes İ to i, unlike the stream's case folding; folded text
//     goes through translate too (see folded).
//
// One function is Trino's only: json_format, to search the resources
// array's text. The DuckDB test defines it as a macro (CAST to VARCHAR).
package athena

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"lazytrail/model"
)

// Table is the CloudTrail table a query reads and how it is partitioned.
type Table struct {
	Name string // as written in SQL: db.table or table, each part quoted as needed

	// The partition columns, "" when the table has none of that kind.
	// TimeColumn holds the delivery day in TimeLayout (Go's layout for
	// the projection's format, yyyy/MM/dd -> 2006/01/02); a table
	// partitioned by hand has TimeParts instead: year, month and day.
	TimeColumn, TimeLayout string
	TimeParts              []string
	RegionColumn           string
	AccountColumn          string

	// OnBehalfOf says whether userIdentity has onBehalfOf (tables made
	// from the guide before Identity Center users lack it).
	OnBehalfOf bool

	// Lacks names the columns of optionalColumns the table does not have
	// (tables made from older versions of the guide): they are selected
	// as NULL.
	Lacks map[string]bool
}

// Query is what one Athena query selects.
type Query struct {
	Table        Table
	Filter       model.Filter
	Since, Until time.Time // inclusive, as the other sources; both must be set
}

// columns are the selected columns, in the order rows carry them.
var columns = []string{
	"eventversion", "eventid", "eventtime", "eventname", "eventsource", "awsregion",
	"recipientaccountid", "errorcode", "errormessage", "sourceipaddress", "useragent",
	"eventtype", "readonly", "requestparameters", "responseelements", "additionaleventdata",
	"useridentity.type", "useridentity.principalid", "useridentity.arn", "useridentity.accountid",
	"useridentity.accesskeyid", "useridentity.username", "useridentity.invokedby",
	onBehalfOfColumn,
	"useridentity.sessioncontext.sessionissuer.type", "useridentity.sessioncontext.sessionissuer.username",
	"useridentity.sessioncontext.sessionissuer.arn", "useridentity.sessioncontext.attributes.mfaauthenticated",
	resourcesText, "requestid", "apiversion", "serviceeventdetails", "sharedeventid", "vpcendpointid",
	// The columns later versions of the guide added (optionalColumns).
	"useridentity.sessioncontext.attributes.creationdate", "vpcendpointaccountid", "eventcategory",
	"sessioncredentialfromconsole", "edgedevicedetails",
	"tlsdetails.tlsversion", "tlsdetails.ciphersuite", "tlsdetails.clientprovidedhostheader",
	accountPartition, `"$path"`,
}

// accountPartition stands for the table's account partition column in
// the select list: the account a file was delivered for, which the trail
// reader gives a record that names none, and so must the rows.
const accountPartition = "(account partition)"

// optionalColumns are the selected columns a table may lack, each with
// the top-level column that holds it: a table made from an older version
// of AWS's guide has no eventcategory or tlsdetails, say. Such a column
// is selected as NULL rather than failing the query.
var optionalColumns = map[string]string{
	"useridentity.sessioncontext.attributes.creationdate": "useridentity",
	"vpcendpointaccountid":                                "vpcendpointaccountid",
	"eventcategory":                                       "eventcategory",
	"sessioncredentialfromconsole":                        "sessioncredentialfromconsole",
	"edgedevicedetails":                                   "edgedevicedetails",
	"tlsdetails.tlsversion":                               "tlsdetails",
	"tlsdetails.ciphersuite":                              "tlsdetails",
	"tlsdetails.clientprovidedhostheader":                 "tlsdetails",
}

// selected is what the query selects for col: the column, or NULL when
// the table lacks it.
func (t Table) selected(col string) string {
	switch {
	case col == accountPartition && t.AccountColumn != "":
		return quoteIdent(t.AccountColumn)
	case col == accountPartition, col == onBehalfOfColumn && !t.OnBehalfOf, t.Lacks[col]:
		return "CAST(NULL AS VARCHAR)"
	}
	return col
}

const (
	onBehalfOfColumn = "useridentity.onbehalfof.userid"
	resourcesText    = "json_format(CAST(resources AS JSON))"
)

// Compile returns the SQL of q: one SELECT, bounded by the partitions of
// the time range (and of the regions and accounts the filter names), with
// every term of the filter in its WHERE, newest first. Terms that SQL
// cannot decide exactly (res:, raw:) become a condition every match meets,
// and the stream applies the whole filter to the rows as it does to every
// source.
func Compile(q Query) (string, error) {
	if err := q.Filter.Err(); err != "" {
		return "", fmt.Errorf("filter: %s", err)
	}
	if q.Since.IsZero() || q.Until.IsZero() {
		return "", fmt.Errorf("an Athena query needs a time range (--since, --until)")
	}
	if q.Until.Before(q.Since) {
		return "", fmt.Errorf("the time range ends before it starts")
	}
	c := compiler{t: q.Table}
	var sel []string
	for _, col := range columns {
		sel = append(sel, q.Table.selected(col))
	}
	where := c.where(q)
	var b strings.Builder
	b.WriteString("SELECT ")
	b.WriteString(strings.Join(sel, ", "))
	b.WriteString("\nFROM ")
	b.WriteString(q.Table.Name)
	b.WriteString("\nWHERE ")
	b.WriteString(strings.Join(where, "\n  AND "))
	b.WriteString("\nORDER BY eventtime DESC, eventid DESC")
	return b.String(), nil
}

type compiler struct{ t Table }

// where is the conditions of q's WHERE: its partitions, its time range
// and every term of its filter SQL can narrow by.
func (c compiler) where(q Query) []string {
	where := c.partitions(q)
	where = append(where,
		"eventtime >= "+quote(q.Since.UTC().Format(time.RFC3339)),
		"eventtime <= "+quote(q.Until.UTC().Format(time.RFC3339)))
	for _, t := range q.Filter.Terms() {
		if cond := c.term(t); cond != "" {
			where = append(where, cond)
		}
	}
	return where
}

// deliveryMargin is how long after its events a log file may be
// delivered, and so filed under a later day (or hour): CloudTrail
// delivers within about 5 minutes on average, 15 at most in practice.
const deliveryMargin = time.Hour

// partitions bounds the partition columns: the days (or hours) of the
// range, the last widened by the delivery margin, and the regions and
// accounts the filter asks for.
func (c compiler) partitions(q Query) []string {
	var out []string
	timeExpr := ""
	switch {
	case c.t.TimeColumn != "":
		timeExpr = quoteIdent(c.t.TimeColumn)
	case len(c.t.TimeParts) == 3:
		p := c.t.TimeParts
		timeExpr = "concat(" + quoteIdent(p[0]) + ", '/', " + quoteIdent(p[1]) + ", '/', " + quoteIdent(p[2]) + ")"
	}
	if timeExpr != "" {
		layout := c.t.TimeLayout
		if layout == "" {
			layout = "2006/01/02"
		}
		from := q.Since.UTC().Format(layout)
		to := q.Until.UTC().Add(deliveryMargin).Format(layout)
		out = append(out, timeExpr+" >= "+quote(from), timeExpr+" <= "+quote(to))
	}
	for _, t := range q.Filter.Terms() {
		if t.Negate {
			continue // a partition is skipped only for what must hold
		}
		col := ""
		switch t.Key {
		case "region":
			col = c.t.RegionColumn
		case "account":
			// The partition is the account the file was delivered for,
			// which is the record's recipient: what account: matches.
			col = c.t.AccountColumn
		}
		if col != "" {
			// Partition values are lower-case ASCII: a folded ASCII term
			// compares with the column as it is, which projection can
			// prune on (a function of the column it might not).
			if t.Fold && !slices.ContainsFunc(t.Values, hasNonASCII) {
				t.Fold = false
			}
			out = append(out, c.test(t, "coalesce("+quoteIdent(col)+", '')"))
		}
	}
	return out
}

// term is one filter term as a condition, or "" when SQL cannot narrow it
// without losing matches (a negated res: or raw:).
func (c compiler) term(t model.Term) string {
	var cond string
	switch t.Key {
	case "ro":
		want := "true"
		if t.ReadOnly == model.False {
			want = "false"
		}
		cond = "lower(coalesce(readonly, '')) = " + quote(want)
	case "err":
		if len(t.Values) == 0 {
			cond = "coalesce(errorcode, '') <> ''"
		} else {
			cond = c.test(t, "coalesce(errorcode, '')")
		}
	case "res", "raw":
		if t.Negate {
			return "" // the SQL's test is wider than the term's: its negation would lose matches
		}
		if t.Key == "raw" && !slices.ContainsFunc(t.Values, inRecordSyntax) {
			return c.anyText(t, c.searchedText(t.Key))
		}
		if t.Key == "res" && !slices.ContainsFunc(t.Values, escapedInJSON) {
			return c.anyText(t, c.searchedText(t.Key))
		}
		// A key name or JSON syntax is in every record's text, not in its
		// columns; a character JSON escapes is in the columns' text only
		// escaped. The stream decides those.
		return ""
	default:
		expr := c.expr(t.Key)
		if expr == "" {
			return ""
		}
		cond = c.test(t, expr)
	}
	if t.Negate {
		return "NOT (" + cond + ")"
	}
	return cond
}

// expr is the SQL of the text a one-valued key looks at, equal to what
// the stream's event holds for it.
func (c compiler) expr(key string) string {
	switch key {
	case "user":
		return usernameSQL(c.t.OnBehalfOf)
	case "event":
		return "coalesce(eventname, '')"
	case "region":
		return "coalesce(awsregion, '')"
	case "source":
		return "coalesce(eventsource, '')"
	case "ip":
		return "coalesce(sourceipaddress, '')"
	case "id":
		return "coalesce(eventid, '')"
	case "account":
		// The recipient, else the caller's account, else the account the
		// file was delivered for, as the trail reader fills it in.
		fallback := "''"
		if c.t.AccountColumn != "" {
			fallback = quoteIdent(c.t.AccountColumn)
		}
		return "coalesce(nullif(recipientaccountid, ''), nullif(useridentity.accountid, ''), " + fallback + ", '')"
	case "key":
		return "coalesce(useridentity.accesskeyid, '')"
	case "role":
		return "coalesce(useridentity.sessioncontext.sessionissuer.username, '')"
	case "type":
		return "coalesce(useridentity.type, '')"
	case "agent":
		return "coalesce(useragent, '')"
	}
	return ""
}

// searchedText lists the columns whose text a res: or raw: term must be
// in for the stream to match it: resources, and the request and response
// a resource name is derived from; for raw:, every text column.
func (c compiler) searchedText(key string) []string {
	texts := []string{"coalesce(" + resourcesText + ", '')", "coalesce(requestparameters, '')", "coalesce(responseelements, '')"}
	if key == "raw" {
		for _, col := range columns {
			if col == resourcesText || col == "requestparameters" || col == "responseelements" || col == `"$path"` || col == accountPartition {
				continue
			}
			if c.t.selected(col) != col {
				continue // the table lacks it
			}
			texts = append(texts, "coalesce("+col+", '')")
		}
	}
	return texts
}

// inRecordSyntax says whether a raw: value could match a record's text
// outside its values (a field name, a brace, an escaped quote), where no
// column holds it: SQL cannot narrow such a term, the stream decides.
func inRecordSyntax(v string) bool {
	if strings.ContainsAny(v, "{}[]:,") || escapedInJSON(v) {
		return true
	}
	lv := strings.ToLower(v)
	for _, k := range recordKeys {
		if strings.Contains(strings.ToLower(k), lv) {
			return true
		}
	}
	return false
}

// escapedInJSON says whether v holds a character that JSON text (the
// nested columns' text, a rebuilt record) may hold only escaped: a quote,
// a backslash, a control character, U+2028/9, or invalid UTF-8.
func escapedInJSON(v string) bool {
	if !utf8.ValidString(v) || strings.ContainsAny(v, "\"\\\u2028\u2029\ufffd") {
		return true
	}
	return strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// recordKeys are the field names of a rebuilt record (row.go), which a
// raw: value may match on the stream.
var recordKeys = []string{
	"eventVersion", "userIdentity", "type", "principalId", "arn", "accountId", "accessKeyId",
	"userName", "invokedBy", "onBehalfOf", "userId", "sessionContext", "sessionIssuer",
	"attributes", "mfaAuthenticated", "eventTime", "eventSource", "eventName", "awsRegion",
	"sourceIPAddress", "userAgent", "errorCode", "errorMessage", "requestParameters",
	"responseElements", "additionalEventData", "requestID", "eventID", "readOnly", "resources",
	"ARN", "eventType", "apiVersion", "recipientAccountId", "serviceEventDetails",
	"sharedEventID", "vpcEndpointId", "creationDate", "vpcEndpointAccountId", "eventCategory",
	"sessionCredentialFromConsole", "edgeDeviceDetails", "tlsDetails", "tlsVersion", "cipherSuite",
	"clientProvidedHostHeader", "true", "false", "null",
}

// anyText holds when any value is in any of the texts.
func (c compiler) anyText(t model.Term, texts []string) string {
	var alts []string
	for _, v := range t.Values {
		for _, text := range texts {
			alts = append(alts, "strpos("+c.folded(t, text)+", "+quote(c.foldedValue(t, v))+") > 0")
		}
	}
	return "(" + strings.Join(alts, " OR ") + ")"
}

// test applies a term's values to expr: exact, prefix or substring, any
// alternative.
func (c compiler) test(t model.Term, expr string) string {
	var alts []string
	for _, v := range t.Values {
		switch {
		case t.Exact:
			alts = append(alts, expr+" = "+quote(v))
		case t.Substring:
			alts = append(alts, "strpos("+c.folded(t, expr)+", "+quote(c.foldedValue(t, v))+") > 0")
		default:
			alts = append(alts, "starts_with("+c.folded(t, expr)+", "+quote(c.foldedValue(t, v))+")")
		}
	}
	if len(alts) == 1 {
		return alts[0]
	}
	return "(" + strings.Join(alts, " OR ") + ")"
}

// folded is expr case-folded for a term that ignores case (smart case:
// its values have no upper case), to compare with foldedValue. The
// stream folds rune by rune under Unicode simple case folding, where s,
// S and ſ are one letter, and σ, ς and Σ another. lower() maps each code
// point to a lower case in its folding orbit, but not always to the same
// one (lower('ſ') is 'ſ', not 's'), and once outside it (lower('İ') is
// 'i', which does not fold with İ). So İ is first set apart as a
// noncharacter no text holds, the text lowered, and then each orbit's
// other lower-case letters made its usual one. Both engines map code
// points one to one in lower and translate.
func (c compiler) folded(t model.Term, expr string) string {
	if t.Fold && !t.Exact {
		return "translate(lower(translate(" + expr + ", " + quote(foldApart) + ", " + quote(foldApartTo) + ")), " +
			quote(foldFrom) + ", " + quote(foldTo) + ")"
	}
	return expr
}

// foldedValue is v as folded text compares with it.
func (c compiler) foldedValue(t model.Term, v string) string {
	if !t.Fold || t.Exact {
		return v
	}
	return strings.Map(func(r rune) rune {
		return mapRune(unicode.ToLower(mapRune(r, foldApart, foldApartTo)), foldFrom, foldTo)
	}, v)
}

// The letters folded translates (model/fold.go's orbits, from Go's
// unicode tables; sqltest checks every cased letter on DuckDB).
const (
	foldApart, foldApartTo = "\u0130", "\ufdd0"
	foldFrom               = "\u00b5\u017f\u0345\u03c2\u03d0\u03d1\u03d5\u03d6\u03f0\u03f1\u03f5\u1c80\u1c81\u1c82\u1c83\u1c84\u1c85\u1c86\u1c87\u1c88\u1e9b\u1fbe"
	foldTo                 = "\u03bc\u0073\u03b9\u03c3\u03b2\u03b8\u03c6\u03c0\u03ba\u03c1\u03b5\u0432\u0434\u043e\u0441\u0442\u0442\u044a\u0463\ua64b\u1e61\u03b9"
)

// mapRune is translate's map of one code point.
func mapRune(r rune, from, to string) rune {
	if i := slices.Index([]rune(from), r); i >= 0 {
		return []rune(to)[i]
	}
	return r
}

func hasNonASCII(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r >= 0x80 })
}

// quote is a SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// quoteIdent quotes one identifier ("timestamp" is a keyword in Trino).
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// Columns lists the selected columns' SQL, in the order result rows carry
// them (the test engines fill rows in this order); AccountPartition
// stands for the table's account partition.
func Columns() []string { return slices.Clone(columns) }

// AccountPartition is how Columns names the account partition column.
const AccountPartition = accountPartition
