package athenatest

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
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
// defines the CloudTrail table (see NewGlueTable).
func CreateTable(t testing.TB, cfg aws.Config, db, name string) {
	t.Helper()
	if err := NewGlueTable(context.Background(), cfg, db, name); err != nil {
		t.Fatal(err)
	}
}
