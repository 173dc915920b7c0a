package athena

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"lazytrail/fetch/trail"
)

// ddlColumns are the columns of AWS's documented CloudTrail table ("Create
// the table for CloudTrail logs in Athena using partition projection",
// Athena user guide), in its order and with its types. Every column
// Compile selects is among them (ddl_test.go checks it).
const ddlColumns = `    eventversion STRING,
    useridentity STRUCT<
        type: STRING,
        principalid: STRING,
        arn: STRING,
        accountid: STRING,
        invokedby: STRING,
        accesskeyid: STRING,
        username: STRING,
        onbehalfof: STRUCT<
            userid: STRING,
            identitystorearn: STRING>,
        sessioncontext: STRUCT<
            attributes: STRUCT<
                mfaauthenticated: STRING,
                creationdate: STRING>,
            sessionissuer: STRUCT<
                type: STRING,
                principalid: STRING,
                arn: STRING,
                accountid: STRING,
                username: STRING>,
            ec2roledelivery: STRING,
            webidfederationdata: STRUCT<
                federatedprovider: STRING,
                attributes: MAP<STRING,STRING>>
        >
    >,
    eventtime STRING,
    eventsource STRING,
    eventname STRING,
    awsregion STRING,
    sourceipaddress STRING,
    useragent STRING,
    errorcode STRING,
    errormessage STRING,
    requestparameters STRING,
    responseelements STRING,
    additionaleventdata STRING,
    requestid STRING,
    eventid STRING,
    readonly STRING,
    resources ARRAY<STRUCT<
        arn: STRING,
        accountid: STRING,
        type: STRING>>,
    eventtype STRING,
    apiversion STRING,
    recipientaccountid STRING,
    serviceeventdetails STRING,
    sharedeventid STRING,
    vpcendpointid STRING,
    vpcendpointaccountid STRING,
    eventcategory STRING,
    addendum STRUCT<
        reason: STRING,
        updatedfields: STRING,
        originalrequestid: STRING,
        originaleventid: STRING>,
    sessioncredentialfromconsole STRING,
    edgedevicedetails STRING,
    tlsdetails STRUCT<
        tlsversion: STRING,
        ciphersuite: STRING,
        clientprovidedhostheader: STRING>`

// The partition columns of the table DDL writes, as Table names them.
const (
	ddlAccount = "account"
	ddlRegion  = "region"
	ddlTime    = "timestamp"
)

// ddlNoDay is the projection's first day when the layout found no day
// folder: November 2013, when CloudTrail began delivering. An earlier
// start than the trail's costs nothing but empty partitions; a later one
// would hide days.
const ddlNoDay = "2013/11/01"

// DDL returns the CREATE EXTERNAL TABLE statement for the trail l found:
// AWS's documented CloudTrail table (the JSON SerDe over CloudTrail's
// input format) partitioned by account, region and delivery day, with
// partition projection, so that it needs no ALTER TABLE ADD PARTITION
// and no crawler. The accounts and regions are enums of those l found
// (an account or region that starts delivering later must be added to
// projection.account.values or projection.region.values); the days run
// from l's earliest to NOW. table is [database.]table; it is written in
// backticks, lower-cased as Athena stores it.
//
// Once run, the table reads back from Glue (ResolveTable) with these
// partitions and userIdentity with onBehalfOf, for Compile.
func DDL(l trail.BucketLayout, table string) (string, error) {
	name, err := ddlName(table)
	if err != nil {
		return "", err
	}
	if err := ddlCheckLayout(l); err != nil {
		return "", err
	}
	loc := l.Location()
	start := ddlNoDay
	if !l.Earliest.IsZero() {
		start = l.Earliest.UTC().Format("2006/01/02")
	}
	props := [][2]string{
		{"projection.enabled", "true"},
		{"projection.timestamp.type", "date"},
		{"projection.timestamp.format", "yyyy/MM/dd"},
		{"projection.timestamp.interval", "1"},
		{"projection.timestamp.interval.unit", "DAYS"},
		{"projection.timestamp.range", start + ",NOW"},
		{"projection.region.type", "enum"},
		{"projection.region.values", strings.Join(l.Regions, ",")},
		{"projection.account.type", "enum"},
		{"projection.account.values", strings.Join(l.Accounts, ",")},
		{"storage.location.template", loc + "${" + ddlAccount + "}/CloudTrail/${" + ddlRegion + "}/${" + ddlTime + "}"},
	}
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE EXTERNAL TABLE %s (\n%s\n)\n", name, ddlColumns)
	fmt.Fprintf(&b, "PARTITIONED BY (%s STRING, %s STRING, `%s` STRING)\n", ddlAccount, ddlRegion, ddlTime)
	b.WriteString("ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'\n")
	b.WriteString("STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'\n")
	b.WriteString("OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'\n")
	fmt.Fprintf(&b, "LOCATION '%s'\n", loc)
	b.WriteString("TBLPROPERTIES (\n")
	for i, p := range props {
		sep := ","
		if i == len(props)-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "  '%s'='%s'%s\n", p[0], p[1], sep)
	}
	b.WriteString(")\n")
	return b.String(), nil
}

// ddlName is table in backticks, each part.
func ddlName(table string) (string, error) {
	parts, err := ddlParts(table)
	if err != nil {
		return "", err
	}
	for i, p := range parts {
		parts[i] = "`" + p + "`"
	}
	return strings.Join(parts, "."), nil
}

// ddlParts splits [database.]table and checks each part is a name Glue
// takes (1 to 255 bytes of UTF-8, no control characters) that a backtick
// can quote (none in it), lower-cased.
func ddlParts(table string) ([]string, error) {
	parts := strings.Split(table, ".")
	if len(parts) > 2 {
		return nil, fmt.Errorf("table %q: write table or database.table (one dot at most)", table)
	}
	for i, p := range parts {
		switch {
		case p == "":
			return nil, fmt.Errorf("table %q: a name part is empty (write table or database.table)", table)
		case len(p) > 255:
			return nil, fmt.Errorf("table %q: a name part is longer than 255 bytes", table)
		case !utf8.ValidString(p):
			return nil, fmt.Errorf("table %q: not valid UTF-8", table)
		case strings.TrimSpace(p) != p:
			return nil, fmt.Errorf("table %q: a name part starts or ends with a space", table)
		case strings.ContainsRune(p, '`'):
			return nil, fmt.Errorf("table %q: a backtick cannot be quoted in a table name", table)
		}
		for _, r := range p {
			if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r == '\u2028' || r == '\u2029' {
				return nil, fmt.Errorf("table %q: a control character cannot be in a table name", table)
			}
		}
		parts[i] = strings.ToLower(p)
	}
	return parts, nil
}

// ddlCheckLayout refuses what the statement could not hold as it is: a
// bucket or prefix a string literal or the location template would read
// otherwise, a layout with no account or region.
func ddlCheckLayout(l trail.BucketLayout) error {
	if l.Bucket == "" {
		return fmt.Errorf("athena DDL: the layout names no bucket")
	}
	for i := 0; i < len(l.Bucket); i++ {
		c := l.Bucket[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return fmt.Errorf("athena DDL: bucket %q is not an S3 bucket name", l.Bucket)
		}
	}
	for _, r := range l.Prefix + l.Org {
		if r == '\'' || r == '\\' || r == '$' || r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 {
			return fmt.Errorf("athena DDL: the prefix %q has a character a table location cannot hold here ('\\ $ or a control character)", l.Prefix)
		}
	}
	if l.Prefix != "" && !strings.HasSuffix(l.Prefix, "/") {
		return fmt.Errorf("athena DDL: the prefix %q does not end in /", l.Prefix)
	}
	if len(l.Accounts) == 0 || len(l.Regions) == 0 {
		return fmt.Errorf("athena DDL: %s has no account with a CloudTrail region folder", l.Location())
	}
	for _, v := range append(append([]string{}, l.Accounts...), l.Regions...) {
		if v == "" || strings.ContainsAny(v, ",'\\$") {
			return fmt.Errorf("athena DDL: %q cannot be a projection value", v)
		}
	}
	return nil
}
