package athena

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"

	"lazytrail/fetch/trail"
	"lazytrail/model"
)

func ddlOrgLayout() trail.BucketLayout {
	return trail.BucketLayout{
		Bucket: "org-trail-logs", Prefix: "central/", Org: "o-a1b2c3d4e5",
		Accounts: []string{"111122223333", "444455556666"},
		Regions:  []string{"eu-west-1", "us-east-1"},
		Earliest: time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC), EarliestExact: true,
	}
}

// The whole statement for an organisation trail under a prefix.
func TestDDLOrgTrail(t *testing.T) {
	got, err := DDL(ddlOrgLayout(), "security.CloudTrail_Org")
	if err != nil {
		t.Fatal(err)
	}
	want := "CREATE EXTERNAL TABLE `security`.`cloudtrail_org` (\n" + ddlColumns + "\n)\n" +
		"PARTITIONED BY (account STRING, region STRING, `timestamp` STRING)\n" +
		"ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'\n" +
		"STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'\n" +
		"OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'\n" +
		"LOCATION 's3://org-trail-logs/central/AWSLogs/o-a1b2c3d4e5/'\n" +
		"TBLPROPERTIES (\n" +
		"  'projection.enabled'='true',\n" +
		"  'projection.timestamp.type'='date',\n" +
		"  'projection.timestamp.format'='yyyy/MM/dd',\n" +
		"  'projection.timestamp.interval'='1',\n" +
		"  'projection.timestamp.interval.unit'='DAYS',\n" +
		"  'projection.timestamp.range'='2024/01/15,NOW',\n" +
		"  'projection.region.type'='enum',\n" +
		"  'projection.region.values'='eu-west-1,us-east-1',\n" +
		"  'projection.account.type'='enum',\n" +
		"  'projection.account.values'='111122223333,444455556666',\n" +
		"  'storage.location.template'='s3://org-trail-logs/central/AWSLogs/o-a1b2c3d4e5/${account}/CloudTrail/${region}/${timestamp}'\n" +
		")\n"
	if got != want {
		t.Errorf("DDL:\n%s\nwant:\n%s", got, want)
	}
	t.Logf("\n%s", got)
}

// A single account's trail at the bucket's root: no organisation folder
// in the location or the template; no day folder found: the projection
// starts when CloudTrail did.
func TestDDLSingleAccount(t *testing.T) {
	l := trail.BucketLayout{Bucket: "my-trail", Accounts: []string{"123456789012"}, Regions: []string{"us-east-1"}}
	got, err := DDL(l, "cloudtrail_logs")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"CREATE EXTERNAL TABLE `cloudtrail_logs` (\n",
		"\nLOCATION 's3://my-trail/AWSLogs/'\n",
		"\n  'projection.timestamp.range'='2013/11/01,NOW',\n",
		"\n  'projection.region.values'='us-east-1',\n",
		"\n  'projection.account.values'='123456789012',\n",
		"\n  'storage.location.template'='s3://my-trail/AWSLogs/${account}/CloudTrail/${region}/${timestamp}'\n)\n",
	} {
		if !strings.Contains(got, line) {
			t.Errorf("no %q in\n%s", line, got)
		}
	}
	if strings.Contains(got, "o-") {
		t.Errorf("an organisation in a single account's table:\n%s", got)
	}
}

// The statement's own column list (parsed from its text) has every column
// Compile selects, with a type it can read: a scalar path is a STRING
// (coalesce(…, ”) and string functions), resources an array of
// arn/accountid/type structs (json_format of its JSON cast).
func TestDDLHasEveryColumnCompileSelects(t *testing.T) {
	stmt, err := DDL(ddlOrgLayout(), "t")
	if err != nil {
		t.Fatal(err)
	}
	cols := ddlParseColumns(t, stmt)
	castArg := regexp.MustCompile(`CAST\(([a-z_.]+) AS JSON\)`)
	plain := regexp.MustCompile(`^[a-z_]+(\.[a-z_0-9]+)*$`)
	for _, col := range columns {
		switch {
		case col == `"$path"`:
			continue // Trino's hidden column of every table
		case col == accountPartition:
			if !strings.Contains(stmt, "PARTITIONED BY (account STRING") {
				t.Errorf("the rows' account partition is not the statement's")
			}
			continue
		case castArg.MatchString(col):
			path := castArg.FindStringSubmatch(col)[1]
			typ := ddlLookup(t, cols, path)
			if typ == nil {
				t.Errorf("%s: no column %s in the statement", col, path)
				continue
			}
			if path == "resources" {
				if typ.kind != "ARRAY" || typ.elem.kind != "STRUCT" {
					t.Errorf("resources is %s, want ARRAY<STRUCT<…>>", typ)
					continue
				}
				for _, f := range []string{"arn", "accountid", "type"} {
					if ft := typ.elem.fields[f]; ft == nil || ft.kind != "STRING" {
						t.Errorf("resources[].%s is %v, want STRING", f, ft)
					}
				}
			}
		case plain.MatchString(col):
			typ := ddlLookup(t, cols, col)
			if typ == nil {
				t.Errorf("Compile selects %s: not in the statement", col)
			} else if typ.kind != "STRING" {
				t.Errorf("Compile selects %s as text: the statement has %s", col, typ)
			}
		default:
			t.Errorf("a selected column of a shape this test does not know: %s", col)
		}
	}
	// The partitions the created table gives Compile are the statement's.
	tbl := ddlResolved(t, "t", stmt)
	part := regexp.MustCompile(`(?m)^PARTITIONED BY \((.*)\)$`).FindStringSubmatch(stmt)
	if part == nil {
		t.Fatalf("no PARTITIONED BY line in\n%s", stmt)
	}
	for _, c := range []string{tbl.AccountColumn, tbl.RegionColumn, tbl.TimeColumn} {
		if !regexp.MustCompile("(^|, )`?" + c + "`? STRING").MatchString(part[1]) {
			t.Errorf("partition %s of the resolved table is not in %q", c, part[1])
		}
		if !strings.Contains(stmt, "${"+c+"}") {
			t.Errorf("partition %s is not in the location template", c)
		}
	}
	if ddlLookup(t, cols, onBehalfOfColumn) == nil || !tbl.OnBehalfOf {
		t.Errorf("the resolved table's OnBehalfOf = %v, the statement has %s: %v", tbl.OnBehalfOf, onBehalfOfColumn, ddlLookup(t, cols, onBehalfOfColumn) != nil)
	}
}

// Compile takes the table DDL's statement creates, as ResolveTable reads
// it back: the name quoted for Trino, the days of the range bounded on the
// projected partition.
func TestDDLTableCompiles(t *testing.T) {
	stmt, err := DDL(ddlOrgLayout(), "Security.CloudTrail")
	if err != nil {
		t.Fatal(err)
	}
	tbl := ddlResolved(t, "Security.CloudTrail", stmt)
	if tbl.Name != `"security"."cloudtrail"` {
		t.Errorf("Name = %s", tbl.Name)
	}
	f := model.ParseFilter("region:eu-west-1")
	sql, err := Compile(Query{Table: tbl, Filter: f,
		Since: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`FROM "security"."cloudtrail"`, `"timestamp" >= '2024/03/01'`, `"timestamp" <= '2024/03/02'`, `starts_with(coalesce("region", ''), 'eu-west-1')`} {
		if !strings.Contains(sql, want) {
			t.Errorf("no %q in\n%s", want, sql)
		}
	}
}

func TestDDLTableNames(t *testing.T) {
	for name, want := range map[string]string{
		"cloudtrail_logs":        "`cloudtrail_logs`",
		"_underscore":            "`_underscore`",
		"2024_logs":              "`2024_logs`",
		"Sec.Trail":              "`sec`.`trail`",
		"my-db.trail-logs":       "`my-db`.`trail-logs`",
		`quote"in`:               "`quote\"in`",
		"étude":                  "`étude`",
		strings.Repeat("a", 255): "`" + strings.Repeat("a", 255) + "`",
	} {
		got, err := ddlName(name)
		if err != nil || got != want {
			t.Errorf("ddlName(%q) = %q, %v; want %q", name, got, err, want)
		}
	}
	for _, name := range []string{"", ".t", "db.", "a.b.c", "tab`le", "new\nline", "tab\tle", " lead", "trail ",
		"bell\x07", "\xff", strings.Repeat("a", 256)} {
		if got, err := ddlName(name); err == nil {
			t.Errorf("ddlName(%q) = %q, want an error", name, got)
		} else if strings.ContainsAny(err.Error(), "\n\r") {
			t.Errorf("ddlName(%q): the error is not one line: %q", name, err)
		}
		if _, err := DDL(ddlOrgLayout(), name); err == nil {
			t.Errorf("DDL(…, %q): no error", name)
		}
	}
}

// A layout the statement could not hold as it is, is refused.
func TestDDLRefusesLayouts(t *testing.T) {
	for name, edit := range map[string]func(*trail.BucketLayout){
		"no bucket":          func(l *trail.BucketLayout) { l.Bucket = "" },
		"a quote in bucket":  func(l *trail.BucketLayout) { l.Bucket = "b'x" },
		"a quote in prefix":  func(l *trail.BucketLayout) { l.Prefix = "it's/" },
		"a dollar in prefix": func(l *trail.BucketLayout) { l.Prefix = "${x}/" },
		"a backslash":        func(l *trail.BucketLayout) { l.Prefix = `a\b/` },
		"a newline":          func(l *trail.BucketLayout) { l.Prefix = "a\nb/" },
		"no trailing slash":  func(l *trail.BucketLayout) { l.Prefix = "logs" },
		"no accounts":        func(l *trail.BucketLayout) { l.Accounts = nil },
		"no regions":         func(l *trail.BucketLayout) { l.Regions = nil },
		"a comma in a value": func(l *trail.BucketLayout) { l.Regions = []string{"us-east-1,x"} },
	} {
		l := ddlOrgLayout()
		edit(&l)
		got, err := DDL(l, "t")
		if err == nil {
			t.Errorf("%s: no error:\n%s", name, got)
		} else if strings.ContainsAny(err.Error(), "\n\r") {
			t.Errorf("%s: the error is not one line: %q", name, err)
		}
	}
}

// ddlResolved is the Table ResolveTable reads for name once stmt has
// created it: the Glue definition Athena stores for the statement (its
// columns with their types, partition keys and TBLPROPERTIES), read by
// tableOf as the program reads GetTable's answer.
func ddlResolved(t *testing.T, name, stmt string) Table {
	t.Helper()
	col := func(n, typ string) gluetypes.Column {
		return gluetypes.Column{Name: aws.String(n), Type: aws.String(typ)}
	}
	def := &gluetypes.Table{StorageDescriptor: &gluetypes.StorageDescriptor{}, Parameters: map[string]string{}}
	for name, typ := range ddlParseColumns(t, stmt) {
		def.StorageDescriptor.Columns = append(def.StorageDescriptor.Columns, col(name, strings.ToLower(typ.String())))
	}
	part := regexp.MustCompile(`(?m)^PARTITIONED BY \((.*)\)$`).FindStringSubmatch(stmt)
	if part == nil {
		t.Fatalf("no PARTITIONED BY line in\n%s", stmt)
	}
	for _, key := range strings.Split(part[1], ", ") {
		n, typ, ok := strings.Cut(key, " ")
		if !ok {
			t.Fatalf("partition key %q is not NAME TYPE", key)
		}
		def.PartitionKeys = append(def.PartitionKeys, col(strings.Trim(n, "`"), strings.ToLower(typ)))
	}
	for _, p := range regexp.MustCompile(`(?m)^  '([^']*)'='([^']*)',?$`).FindAllStringSubmatch(stmt, -1) {
		def.Parameters[p[1]] = p[2]
	}
	if len(def.Parameters) == 0 {
		t.Fatalf("no TBLPROPERTIES in\n%s", stmt)
	}
	db, tbl, err := splitName(name)
	if err != nil {
		t.Fatal(err)
	}
	resolved, err := tableOf(db, tbl, def)
	if err != nil {
		t.Fatal(err)
	}
	return resolved
}

// ddlType is a parsed Hive column type.
type ddlType struct {
	kind   string // STRING, STRUCT, ARRAY, MAP, …
	elem   *ddlType
	key    *ddlType
	fields map[string]*ddlType
	order  []string
}

func (t *ddlType) String() string {
	if t == nil {
		return "<nil>"
	}
	switch t.kind {
	case "ARRAY":
		return "ARRAY<" + t.elem.String() + ">"
	case "MAP":
		return "MAP<" + t.key.String() + "," + t.elem.String() + ">"
	case "STRUCT":
		var fs []string
		for _, f := range t.order {
			fs = append(fs, f+":"+t.fields[f].String())
		}
		return "STRUCT<" + strings.Join(fs, ",") + ">"
	}
	return t.kind
}

// ddlParseColumns parses the column list of a CREATE EXTERNAL TABLE: the
// text in the parentheses after the table name.
func ddlParseColumns(t *testing.T, stmt string) map[string]*ddlType {
	t.Helper()
	head := regexp.MustCompile("^CREATE EXTERNAL TABLE (`[^`]+`\\.)?`[^`]+` \\(").FindString(stmt)
	if head == "" {
		t.Fatalf("no CREATE EXTERNAL TABLE name ( at the start of\n%s", stmt)
	}
	body := stmt[len(head):]
	end := strings.Index(body, "\n)\n")
	if end < 0 {
		t.Fatalf("the column list does not end")
	}
	toks := regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*|[<>,:]|\S`).FindAllString(body[:end], -1)
	p := &ddlParser{t: t, toks: toks}
	cols := map[string]*ddlType{}
	for {
		name := p.ident()
		if _, dup := cols[name]; dup {
			t.Fatalf("column %s twice", name)
		}
		cols[name] = p.typ()
		if p.done() {
			return cols
		}
		p.expect(",")
	}
}

type ddlParser struct {
	t    *testing.T
	toks []string
	i    int
}

func (p *ddlParser) done() bool { return p.i >= len(p.toks) }

func (p *ddlParser) next() string {
	p.t.Helper()
	if p.done() {
		p.t.Fatalf("the column list ends early")
	}
	p.i++
	return p.toks[p.i-1]
}

func (p *ddlParser) expect(tok string) {
	p.t.Helper()
	if got := p.next(); got != tok {
		p.t.Fatalf("token %d: %q, want %q (%v)", p.i, got, tok, p.toks[max(0, p.i-5):p.i])
	}
}

func (p *ddlParser) ident() string {
	p.t.Helper()
	tok := p.next()
	if !regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`).MatchString(tok) {
		p.t.Fatalf("token %d: %q, want a name", p.i, tok)
	}
	if strings.ToLower(tok) != tok {
		p.t.Errorf("name %s is not lower case (Athena's columns are)", tok)
	}
	return tok
}

func (p *ddlParser) typ() *ddlType {
	p.t.Helper()
	kind := strings.ToUpper(p.next())
	t := &ddlType{kind: kind}
	switch kind {
	case "STRUCT":
		t.fields = map[string]*ddlType{}
		p.expect("<")
		for {
			f := p.ident()
			p.expect(":")
			if _, dup := t.fields[f]; dup {
				p.t.Fatalf("field %s twice", f)
			}
			t.fields[f] = p.typ()
			t.order = append(t.order, f)
			if tok := p.next(); tok == ">" {
				return t
			} else if tok != "," {
				p.t.Fatalf("token %d: %q in a STRUCT", p.i, tok)
			}
		}
	case "ARRAY":
		p.expect("<")
		t.elem = p.typ()
		p.expect(">")
	case "MAP":
		p.expect("<")
		t.key = p.typ()
		p.expect(",")
		t.elem = p.typ()
		p.expect(">")
	case "STRING", "BOOLEAN", "BIGINT", "INT", "DOUBLE", "TIMESTAMP":
	default:
		p.t.Fatalf("token %d: %q is not a type", p.i, kind)
	}
	return t
}

// ddlLookup resolves a dotted path through the columns' structs.
func ddlLookup(t *testing.T, cols map[string]*ddlType, path string) *ddlType {
	t.Helper()
	elems := strings.Split(path, ".")
	typ := cols[elems[0]]
	for _, e := range elems[1:] {
		if typ == nil || typ.kind != "STRUCT" {
			return nil
		}
		typ = typ.fields[e]
	}
	return typ
}

// The parser reads AWS's column list as the guide writes it (the field
// names of userIdentity, the nested STRUCTs).
func TestDDLColumnListParses(t *testing.T) {
	stmt, err := DDL(ddlOrgLayout(), "t")
	if err != nil {
		t.Fatal(err)
	}
	cols := ddlParseColumns(t, stmt)
	for path, want := range map[string]string{
		"useridentity.onbehalfof":                         "STRUCT<userid:STRING,identitystorearn:STRING>",
		"useridentity.sessioncontext.attributes":          "STRUCT<mfaauthenticated:STRING,creationdate:STRING>",
		"useridentity.sessioncontext.webidfederationdata": "STRUCT<federatedprovider:STRING,attributes:MAP<STRING,STRING>>",
		"resources":     "ARRAY<STRUCT<arn:STRING,accountid:STRING,type:STRING>>",
		"tlsdetails":    "STRUCT<tlsversion:STRING,ciphersuite:STRING,clientprovidedhostheader:STRING>",
		"addendum":      "STRUCT<reason:STRING,updatedfields:STRING,originalrequestid:STRING,originaleventid:STRING>",
		"eventcategory": "STRING",
	} {
		if got := fmt.Sprint(ddlLookup(t, cols, path)); got != want {
			t.Errorf("%s = %s, want %s", path, got, want)
		}
	}
	if len(cols) != 29 {
		t.Errorf("%d columns, the guide's table has 29", len(cols))
	}
}
