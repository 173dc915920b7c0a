package athenatest

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
)

// NewGlueTable makes db.name in a Glue catalogue (moto's) as AWS's guide
// defines the CloudTrail table with partition projection: its columns,
// and partitions account, region and timestamp (yyyy/MM/dd). A database
// that exists already is used as it is.
func NewGlueTable(ctx context.Context, cfg aws.Config, db, name string) error {
	c := glue.NewFromConfig(cfg)
	_, err := c.CreateDatabase(ctx, &glue.CreateDatabaseInput{DatabaseInput: &gluetypes.DatabaseInput{Name: &db}})
	var exists *gluetypes.AlreadyExistsException
	if err != nil && !asAlreadyExists(err, &exists) {
		return fmt.Errorf("create database %s: %w", db, err)
	}
	col := func(n, typ string) gluetypes.Column {
		return gluetypes.Column{Name: aws.String(n), Type: aws.String(typ)}
	}
	columns := []gluetypes.Column{col("eventversion", "string"), col("useridentity", UserIdentityType)}
	for _, name := range []string{"eventtime", "eventsource", "eventname", "awsregion", "sourceipaddress", "useragent",
		"errorcode", "errormessage", "requestparameters", "responseelements", "additionaleventdata", "requestid",
		"eventid"} {
		columns = append(columns, col(name, "string"))
	}
	columns = append(columns, col("readonly", "string"), col("resources", "array<struct<arn:string,accountid:string,type:string>>"))
	for _, name := range []string{"eventtype", "apiversion", "recipientaccountid", "serviceeventdetails", "sharedeventid",
		"vpcendpointid", "vpcendpointaccountid", "eventcategory"} {
		columns = append(columns, col(name, "string"))
	}
	columns = append(columns,
		col("addendum", "struct<reason:string,updatedfields:string,originalrequestid:string,originaleventid:string>"),
		col("sessioncredentialfromconsole", "string"), col("edgedevicedetails", "string"),
		col("tlsdetails", "struct<tlsversion:string,ciphersuite:string,clientprovidedhostheader:string>"))
	_, err = c.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: &db, TableInput: &gluetypes.TableInput{
		Name:              &name,
		StorageDescriptor: &gluetypes.StorageDescriptor{Columns: columns},
		PartitionKeys:     []gluetypes.Column{col("account", "string"), col("region", "string"), col("timestamp", "string")},
		Parameters: map[string]string{
			"projection.enabled":          "true",
			"projection.timestamp.type":   "date",
			"projection.timestamp.format": "yyyy/MM/dd",
			"projection.region.type":      "enum",
			"projection.account.type":     "enum",
		},
	}})
	if err != nil {
		return fmt.Errorf("create table %s.%s: %w", db, name, err)
	}
	return nil
}

func asAlreadyExists(err error, target **gluetypes.AlreadyExistsException) bool {
	return errors.As(err, target)
}
