package athenatest

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
)

// Progress makes moto's queries move one state (QUEUED, RUNNING,
// SUCCEEDED) every `times` GetQueryExecution calls, instead of at once,
// so that a test sees them running.
func Progress(t testing.TB, moto string, times int) {
	t.Helper()
	body := []byte(`{"model_name":"athena::execution","transition":{"progression":"manual","times":` + strconv.Itoa(times) + `}}`)
	resp, err := http.Post(moto+"/moto-api/state-manager/set-transition", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		t.Fatalf("moto refused the transition: %s", resp.Status)
	}
}

// UserIdentityType is the useridentity column's type in AWS's CloudTrail
// table, with onbehalfof (tables made after Identity Center users).
const UserIdentityType = "struct<type:string,principalid:string,arn:string,accountid:string,invokedby:string," +
	"accesskeyid:string,username:string,onbehalfof:struct<userid:string,identitystorearn:string>," +
	"sessioncontext:struct<attributes:struct<mfaauthenticated:string,creationdate:string>," +
	"sessionissuer:struct<type:string,principalid:string,arn:string,accountid:string,username:string>," +
	"ec2roledelivery:string,webidfederationdata:map<string,string>>>"

// CreateTable makes db.name in moto's Glue catalogue as AWS's guide
// defines the CloudTrail table with partition projection: its columns,
// and partitions account, region and timestamp (yyyy/MM/dd).
func CreateTable(t testing.TB, cfg aws.Config, db, name string) {
	t.Helper()
	c := glue.NewFromConfig(cfg)
	ctx := context.Background()
	_, err := c.CreateDatabase(ctx, &glue.CreateDatabaseInput{DatabaseInput: &gluetypes.DatabaseInput{Name: &db}})
	var exists *gluetypes.AlreadyExistsException
	if err != nil && !asAlreadyExists(err, &exists) {
		t.Fatalf("create database %s: %v", db, err)
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
		t.Fatalf("create table %s.%s: %v", db, name, err)
	}
}

func asAlreadyExists(err error, target **gluetypes.AlreadyExistsException) bool {
	return errors.As(err, target)
}
