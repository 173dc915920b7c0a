package athena

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"

	"lazytrail/model"
)

// A table from an older version of AWS's guide lacks columns later ones
// added: the query selects NULL for them instead of failing, and finds
// the partitions however the projection names them.
func TestTableOfOlderAndNewerTables(t *testing.T) {
	col := func(n, typ string) gluetypes.Column {
		return gluetypes.Column{Name: aws.String(n), Type: aws.String(typ)}
	}
	old := &gluetypes.Table{
		StorageDescriptor: &gluetypes.StorageDescriptor{Columns: []gluetypes.Column{
			col("useridentity", "struct<type:string,arn:string,sessioncontext:struct<attributes:struct<mfaauthenticated:string>>>"),
			col("eventname", "string"),
		}},
		PartitionKeys: []gluetypes.Column{col("region", "string"), col("dt", "string")},
		Parameters:    map[string]string{"projection.enabled": "true", "projection.dt.type": "date", "projection.dt.format": "yyyy/MM/dd/HH"},
	}
	tbl, err := tableOf("db", "old", old)
	if err != nil {
		t.Fatal(err)
	}
	if tbl.OnBehalfOf || tbl.TimeColumn != "dt" || tbl.TimeLayout != "2006/01/02/15" || tbl.RegionColumn != "region" || tbl.AccountColumn != "" {
		t.Fatalf("old table read as %+v", tbl)
	}
	for col := range optionalColumns {
		if !tbl.Lacks[col] {
			t.Errorf("the old table should lack %s", col)
		}
	}
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	sql, err := Compile(Query{Table: tbl, Filter: model.ParseFilter("raw:abc"), Since: at, Until: at.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	for _, lacked := range []string{"eventcategory", "tlsdetails", "creationdate", "onbehalfof"} {
		if strings.Contains(sql, lacked) {
			t.Errorf("the SQL names %s, which the table lacks:\n%s", lacked, sql)
		}
	}
	if _, err := tableOf("db", "bad", &gluetypes.Table{
		PartitionKeys: []gluetypes.Column{col("day", "string")},
		Parameters:    map[string]string{"projection.enabled": "true", "projection.day.type": "date", "projection.day.format": "yyyy-MM-dd'T'"},
	}); err == nil || !strings.Contains(err.Error(), "does not read") {
		t.Errorf("an unreadable projection format: %v", err)
	}
}

// AWS's guide for manual partitioning has year, month and day columns:
// the range bounds their concatenation. A partition that is neither
// projected as a date nor one of those bounds nothing (its values could
// be in any form), and the start notice says every query scans it all.
func TestTableOfManualPartitions(t *testing.T) {
	col := func(n string) gluetypes.Column {
		return gluetypes.Column{Name: aws.String(n), Type: aws.String("string")}
	}
	manual, err := tableOf("db", "org", &gluetypes.Table{PartitionKeys: []gluetypes.Column{col("account"), col("region"), col("year"), col("month"), col("day")}})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2024, 1, 5, 10, 0, 0, 0, time.UTC)
	sql, err := Compile(Query{Table: manual, Filter: model.ParseFilter(""), Since: at, Until: at.Add(49 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`concat("year", '/', "month", '/', "day") >= '2024/01/05'`, `concat("year", '/', "month", '/', "day") <= '2024/01/07'`} {
		if !strings.Contains(sql, want) {
			t.Errorf("no %s in\n%s", want, sql)
		}
	}
	if manual.Unpartitioned() != "" {
		t.Errorf("a year/month/day table is said to scan everything")
	}
	loose, err := tableOf("db", "dt", &gluetypes.Table{PartitionKeys: []gluetypes.Column{col("dt")}})
	if err != nil {
		t.Fatal(err)
	}
	if loose.TimeColumn != "" || !strings.Contains(loose.Unpartitioned(), "scans the whole bucket") {
		t.Errorf("an undeclared dt partition was used as the day: %+v", loose)
	}
}
