package athena

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
)

// defaultDatabase is where Athena looks for a table named without one.
const defaultDatabase = "default"

// ResolveTable reads the table's definition from the Glue catalogue (one
// GetTable call) and finds its partition columns: the day (a date
// projection, or a key named like AWS's guide names it), the region and
// the account. name is "table" or "db.table".
func ResolveTable(ctx context.Context, client *glue.Client, name string) (Table, error) {
	db, tbl, err := splitName(name)
	if err != nil {
		return Table{}, err
	}
	out, err := client.GetTable(ctx, &glue.GetTableInput{DatabaseName: &db, Name: &tbl})
	region := client.Options().Region
	if err != nil {
		var missing *gluetypes.EntityNotFoundException
		if errors.As(err, &missing) {
			return Table{}, fmt.Errorf("the Glue catalogue in %s has no table %s.%s: if it is in another region set AWS_REGION (or the profile's region); to make one, run the CREATE TABLE that `lazytrail athena-ddl s3://BUCKET` prints in Athena", region, db, tbl)
		}
		return Table{}, fmt.Errorf("reading table %s.%s from the Glue catalogue: %w", db, tbl, err)
	}
	if out.Table == nil {
		return Table{}, fmt.Errorf("the Glue catalogue returned no definition for %s.%s", db, tbl)
	}
	return tableOf(db, tbl, out.Table)
}

// splitName splits db.table, rejecting what would need more than quoting.
// Both are lower-cased, as the Glue catalogue and Athena keep names.
func splitName(name string) (db, tbl string, err error) {
	lower := strings.ToLower(name)
	db, tbl, found := strings.Cut(lower, ".")
	if !found {
		db, tbl = defaultDatabase, lower
	}
	for _, part := range []string{db, tbl} {
		if part == "" || strings.ContainsAny(part, "\".`\x00\n\r\t") {
			return "", "", fmt.Errorf("--athena %q is not a table or db.table name", name)
		}
	}
	return db, tbl, nil
}

// tableOf reads the partition columns from a Glue table's definition.
func tableOf(db, tbl string, t *gluetypes.Table) (Table, error) {
	out := Table{Name: quoteIdent(db) + "." + quoteIdent(tbl)}
	params := t.Parameters
	projected := strings.EqualFold(params["projection.enabled"], "true")
	dateParts := map[string]string{}
	for _, k := range t.PartitionKeys {
		col := aws.ToString(k.Name)
		lower := strings.ToLower(col)
		kind := ""
		if projected {
			kind = strings.ToLower(params["projection."+col+".type"])
		}
		switch {
		case out.TimeColumn == "" && kind == "date":
			// A date projection says its format; a partition that is not
			// projected holds values nobody declared, so it bounds nothing
			// (unless it is the year/month/day of manual partitioning).
			out.TimeColumn = col
			layout := "2006/01/02"
			if f := params["projection."+col+".format"]; f != "" {
				l, err := goLayout(f)
				if err != nil {
					return Table{}, fmt.Errorf("table %s.%s: partition %s: %w", db, tbl, col, err)
				}
				layout = l
			}
			out.TimeLayout = layout
		case out.RegionColumn == "" && slices.Contains([]string{"region", "awsregion", "aws_region"}, lower):
			out.RegionColumn = col
		case out.AccountColumn == "" && slices.Contains([]string{"account", "accountid", "account_id"}, lower):
			out.AccountColumn = col
		case slices.Contains([]string{"year", "month", "day"}, lower) && kind != "date":
			dateParts[lower] = col
		}
	}
	if out.TimeColumn == "" && len(dateParts) == 3 {
		// AWS's guide for manual partitions: year, month and day, each a
		// zero-padded string as in the log files' keys.
		out.TimeParts = []string{dateParts["year"], dateParts["month"], dateParts["day"]}
		out.TimeLayout = "2006/01/02"
	}
	types := map[string]string{} // top-level column -> its type, lower case
	if sd := t.StorageDescriptor; sd != nil {
		for _, c := range sd.Columns {
			types[strings.ToLower(aws.ToString(c.Name))] = strings.ToLower(aws.ToString(c.Type))
		}
	}
	out.OnBehalfOf = strings.Contains(types["useridentity"], "onbehalfof")
	for col, top := range optionalColumns {
		typ, ok := types[top]
		field := col[strings.LastIndex(col, ".")+1:]
		if !ok || col != top && !strings.Contains(typ, field+":") {
			if out.Lacks == nil {
				out.Lacks = map[string]bool{}
			}
			out.Lacks[col] = true
		}
	}
	return out, nil
}

// goLayout turns a projection's date format (Java's DateTimeFormatter
// letters) into Go's layout, for the formats CloudTrail's key layout
// allows: days, maybe hours.
func goLayout(java string) (string, error) {
	r := strings.NewReplacer("yyyy", "2006", "MM", "01", "dd", "02", "HH", "15", "mm", "04", "ss", "05")
	layout := r.Replace(java)
	for _, c := range layout {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			return "", fmt.Errorf("projection format %q has letters lazytrail does not read (it reads yyyy, MM, dd, HH, mm, ss)", java)
		}
	}
	return layout, nil
}

// Unpartitioned says what the table's missing partition columns cost, for
// the status line; "" when the time range prunes partitions.
func (t Table) Unpartitioned() string {
	if t.TimeColumn == "" && len(t.TimeParts) == 0 {
		return "the table has no date-projected or year/month/day partition: every query scans the whole bucket"
	}
	return ""
}
