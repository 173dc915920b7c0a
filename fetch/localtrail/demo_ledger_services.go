package localtrail

import (
	"fmt"
	"time"

	"lazytrail/model"
)

// The demo's managed services for the ledger: RDS, DynamoDB, S3, Lambda,
// EKS and IAM (see demo_ledger.go).

// databases: orders-db (stopped a week, started again), analytics-pg
// (resized, then deleted), and the DynamoDB tables.
func (g *demoGen) databases() {
	at := g.ago(70, 9, 50, 13)
	sam := g.roleSession(ssoAdmin, "sam.okafor"+ssoEmailDomain, "AWS Internal", "AWS Internal", at)
	sam.console = true
	rdsDB := func(id string) []model.Resource { return res("AWS::RDS::DBInstance", id) }
	dbResponse := func(region, id, class, engine, version, status string) string {
		return `{"dBInstanceIdentifier":"` + id + `","dBInstanceClass":"` + class + `","engine":"` + engine + `","dBInstanceStatus":"` + status + `","masterUsername":"admin","allocatedStorage":20,"preferredBackupWindow":"03:00-03:30","backupRetentionPeriod":7,"dBSecurityGroups":[],"vpcSecurityGroups":[{"vpcSecurityGroupId":"sg-0a3c5e7b9d1f24680","status":"active"}],"multiAZ":false,"engineVersion":"` + version + `","autoMinorVersionUpgrade":true,"licenseModel":"general-public-license","publiclyAccessible":false,"storageType":"gp3","dbInstancePort":0,"storageEncrypted":true,"dbiResourceId":"db-` + g.keyID("ABCD")[4:] + `","dBInstanceArn":"arn:aws:rds:` + region + `:` + DemoAccount + `:db:` + id + `","iAMDatabaseAuthenticationEnabled":false,"deletionProtection":false}`
	}
	g.add(call{at: at, region: "us-east-1", who: sam, name: "CreateDBInstance", source: "rds.amazonaws.com",
		params:    `{"dBInstanceIdentifier":"` + DemoRDSInstance + `","allocatedStorage":20,"dBInstanceClass":"db.t3.micro","engine":"mysql","masterUsername":"admin","masterUserPassword":"****","vpcSecurityGroupIds":["sg-0a3c5e7b9d1f24680"],"backupRetentionPeriod":7,"multiAZ":false,"engineVersion":"8.0.39","autoMinorVersionUpgrade":true,"publiclyAccessible":false,"storageType":"gp3","storageEncrypted":true}`,
		response:  dbResponse("us-east-1", DemoRDSInstance, "db.t3.micro", "mysql", "8.0.39", "creating"),
		resources: rdsDB(DemoRDSInstance)})
	at = g.ago(20, 19, 2, 44)
	g.add(call{at: at, region: "us-east-1", who: sam, name: "StopDBInstance", source: "rds.amazonaws.com",
		params: `{"dBInstanceIdentifier":"` + DemoRDSInstance + `"}`, response: dbResponse("us-east-1", DemoRDSInstance, "db.t3.micro", "mysql", "8.0.39", "stopping"), resources: rdsDB(DemoRDSInstance)})
	at = g.ago(13, 8, 31, 9)
	g.add(call{at: at, region: "us-east-1", who: sam, name: "StartDBInstance", source: "rds.amazonaws.com",
		params: `{"dBInstanceIdentifier":"` + DemoRDSInstance + `"}`, response: dbResponse("us-east-1", DemoRDSInstance, "db.t3.micro", "mysql", "8.0.39", "starting"), resources: rdsDB(DemoRDSInstance)})

	at = g.ago(58, 14, 12, 0)
	lena := g.roleSession(ssoPowerUser, "lena.fischer"+ssoEmailDomain, cliUA("rds.create-db-instance"), "185.199.110.42", at)
	as := func(command string) *actor { a := *lena; a.userAgent = cliUA(command); return &a }
	g.add(call{at: at, region: "eu-west-1", who: lena, name: "CreateDBInstance", source: "rds.amazonaws.com",
		params:    `{"dBInstanceIdentifier":"` + DemoDeletedRDSInstance + `","allocatedStorage":100,"dBInstanceClass":"db.m5.large","engine":"postgres","masterUsername":"admin","masterUserPassword":"****","multiAZ":false,"engineVersion":"16.4","storageType":"gp3"}`,
		response:  dbResponse("eu-west-1", DemoDeletedRDSInstance, "db.m5.large", "postgres", "16.4", "creating"),
		resources: rdsDB(DemoDeletedRDSInstance)})
	at = g.ago(52, 10, 40, 31)
	g.add(call{at: at, region: "eu-west-1", who: as("rds.modify-db-instance"), name: "ModifyDBInstance", source: "rds.amazonaws.com",
		params:    `{"dBInstanceIdentifier":"` + DemoDeletedRDSInstance + `","dBInstanceClass":"db.m5.xlarge","applyImmediately":true}`,
		response:  dbResponse("eu-west-1", DemoDeletedRDSInstance, "db.m5.large", "postgres", "16.4", "available"),
		resources: rdsDB(DemoDeletedRDSInstance)})
	at = g.ago(39, 16, 55, 2)
	g.add(call{at: at, region: "eu-west-1", who: as("rds.delete-db-instance"), name: "DeleteDBInstance", source: "rds.amazonaws.com",
		params:    `{"dBInstanceIdentifier":"` + DemoDeletedRDSInstance + `","skipFinalSnapshot":true,"deleteAutomatedBackups":true}`,
		response:  dbResponse("eu-west-1", DemoDeletedRDSInstance, "db.m5.xlarge", "postgres", "16.4", "deleting"),
		resources: rdsDB(DemoDeletedRDSInstance)})

	table := func(at time.Time, who *actor, name, billing string) {
		arn := "arn:aws:dynamodb:us-east-1:" + DemoAccount + ":table/" + name
		throughput, summary := `,"provisionedThroughput":{"readCapacityUnits":100,"writeCapacityUnits":100}`, ``
		respThroughput := `"provisionedThroughput":{"numberOfDecreasesToday":0,"readCapacityUnits":100,"writeCapacityUnits":100}`
		if billing == "PAY_PER_REQUEST" {
			throughput = ``
			respThroughput = `"provisionedThroughput":{"numberOfDecreasesToday":0,"readCapacityUnits":0,"writeCapacityUnits":0}`
			summary = `,"billingModeSummary":{"billingMode":"PAY_PER_REQUEST"}`
		}
		g.add(call{at: at, region: "us-east-1", who: who, name: "CreateTable", source: "dynamodb.amazonaws.com",
			params: `{"tableName":"` + name + `","attributeDefinitions":[{"attributeName":"pk","attributeType":"S"},{"attributeName":"sk","attributeType":"S"}],"keySchema":[{"attributeName":"pk","keyType":"HASH"},{"attributeName":"sk","keyType":"RANGE"}],"billingMode":"` + billing + `"` + throughput + `}`,
			response: `{"tableDescription":{"attributeDefinitions":[{"attributeName":"pk","attributeType":"S"},{"attributeName":"sk","attributeType":"S"}],"tableName":"` + name + `","keySchema":[{"attributeName":"pk","keyType":"HASH"},{"attributeName":"sk","keyType":"RANGE"}],"tableStatus":"CREATING","creationDateTime":"` + at.Format("Jan 2, 2006, 3:04:05 PM") + `",` + respThroughput +
				`,"tableSizeBytes":0,"itemCount":0,"tableArn":"` + arn + `","tableId":"` + g.uuid() + `"` + summary + `,"deletionProtectionEnabled":false}}`,
			resources: res("AWS::DynamoDB::Table", arn), recRes: []model.RecordResource{{AccountID: DemoAccount, Type: "AWS::DynamoDB::Table", ARN: arn}}})
	}
	table(g.ago(68, 11, 5, 9), sam, DemoTable, "PAY_PER_REQUEST")
	at = g.ago(29, 13, 44, 0)
	jordan := g.roleSession(ssoPowerUser, "jordan.lee"+ssoEmailDomain, cliUA("dynamodb.create-table"), "198.51.100.77", at)
	table(at, jordan, DemoDeletedTable, "PROVISIONED")
	at = g.ago(28, 9, 2, 30)
	arn := "arn:aws:dynamodb:us-east-1:" + DemoAccount + ":table/" + DemoDeletedTable
	del := *jordan
	del.userAgent = cliUA("dynamodb.delete-table")
	g.add(call{at: at, region: "us-east-1", who: &del, name: "DeleteTable", source: "dynamodb.amazonaws.com",
		params:    `{"tableName":"` + DemoDeletedTable + `"}`,
		response:  `{"tableDescription":{"tableName":"` + DemoDeletedTable + `","tableStatus":"DELETING","provisionedThroughput":{"numberOfDecreasesToday":0,"readCapacityUnits":100,"writeCapacityUnits":100},"tableSizeBytes":0,"itemCount":0,"tableArn":"` + arn + `","tableId":"` + g.uuid() + `","deletionProtectionEnabled":false}}`,
		resources: res("AWS::DynamoDB::Table", arn), recRes: []model.RecordResource{{AccountID: DemoAccount, Type: "AWS::DynamoDB::Table", ARN: arn}}})
}

// serverless: S3 buckets and Lambda functions, which have no hourly price.
func (g *demoGen) serverless() {
	at := g.ago(66, 10, 12, 40)
	priya := g.roleSession(ssoPowerUser, "priya.nair"+ssoEmailDomain, cliUA("s3api.create-bucket"), "198.51.100.35", at)
	as := func(command string) *actor { a := *priya; a.userAgent = cliUA(command); return &a }
	bucket := func(at time.Time, name, region string) {
		g.add(call{at: at, region: region, who: as("s3api.create-bucket"), name: "CreateBucket", source: "s3.amazonaws.com",
			params:    `{"bucketName":"` + name + `","Host":"` + name + `.s3.` + region + `.amazonaws.com","CreateBucketConfiguration":{"xmlns":"http://s3.amazonaws.com/doc/2006-03-01/","LocationConstraint":"` + region + `"}}`,
			extra:     `{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":153,"AuthenticationMethod":"AuthHeader","x-amz-id-2":"` + g.hex(40) + `","bytesTransferredOut":0}`,
			resources: res("AWS::S3::Bucket", name)})
	}
	bucket(at, DemoBucket, "us-west-2")
	at = g.ago(45, 15, 31, 8)
	bucket(at, DemoDeletedBucket, "eu-west-1")
	at = g.ago(38, 12, 0, 51)
	g.add(call{at: at, region: "eu-west-1", who: as("s3.rb"), name: "DeleteBucket", source: "s3.amazonaws.com",
		params:    `{"bucketName":"` + DemoDeletedBucket + `","Host":"` + DemoDeletedBucket + `.s3.eu-west-1.amazonaws.com"}`,
		extra:     `{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":0,"AuthenticationMethod":"AuthHeader","x-amz-id-2":"` + g.hex(40) + `","bytesTransferredOut":0}`,
		resources: res("AWS::S3::Bucket", DemoDeletedBucket)})

	function := func(at time.Time, name string, memory int) {
		arn := "arn:aws:lambda:us-east-1:" + DemoAccount + ":function:" + name
		role := "arn:aws:iam::" + DemoAccount + ":role/orders-api-lambda"
		g.add(call{at: at, region: "us-east-1", who: as("lambda.create-function"), name: "CreateFunction20150331", source: "lambda.amazonaws.com",
			params: fmt.Sprintf(`{"functionName":"%s","runtime":"python3.12","role":"%s","handler":"app.handler","code":{},"description":"","timeout":15,"memorySize":%d,"publish":false,"packageType":"Zip","architectures":["arm64"]}`, name, role, memory),
			response: fmt.Sprintf(`{"functionName":"%s","functionArn":"%s","runtime":"python3.12","role":"%s","handler":"app.handler","codeSize":48213,"description":"","timeout":15,"memorySize":%d,"lastModified":"%s","codeSha256":"%s","version":"$LATEST","tracingConfig":{"mode":"PassThrough"},"revisionId":"%s","state":"Pending","stateReason":"The function is being created.","stateReasonCode":"Creating","packageType":"Zip","architectures":["arm64"],"ephemeralStorage":{"size":512},"snapStart":{"applyOn":"None","optimizationStatus":"Off"},"loggingConfig":{"logFormat":"Text","logGroup":"/aws/lambda/%s"}}`,
				name, arn, role, memory, at.Format("2006-01-02T15:04:05.000+0000"), g.hex(43)+"=", g.uuid(), name),
			resources: res("AWS::Lambda::Function", name)})
	}
	function(g.ago(64, 9, 22, 5), DemoFunction, 512)
	at = g.ago(22, 14, 8, 19)
	g.add(call{at: at, region: "us-east-1", who: as("lambda.update-function-configuration"), name: "UpdateFunctionConfiguration20150331v2", source: "lambda.amazonaws.com",
		params:    `{"functionName":"` + DemoFunction + `","memorySize":1024}`,
		response:  `{"functionName":"` + DemoFunction + `","functionArn":"arn:aws:lambda:us-east-1:` + DemoAccount + `:function:` + DemoFunction + `","runtime":"python3.12","memorySize":1024,"version":"$LATEST","state":"Active","lastUpdateStatus":"InProgress","revisionId":"` + g.uuid() + `"}`,
		resources: res("AWS::Lambda::Function", DemoFunction)})
	function(g.ago(35, 16, 44, 0), DemoDeletedFunction, 256)
	at = g.ago(34, 10, 1, 2)
	g.add(call{at: at, region: "us-east-1", who: as("lambda.delete-function"), name: "DeleteFunction20150331", source: "lambda.amazonaws.com",
		params: `{"functionName":"` + DemoDeletedFunction + `"}`, resources: res("AWS::Lambda::Function", DemoDeletedFunction)})
}

// kubernetes: EKS clusters from Terraform; the sandbox is torn down.
func (g *demoGen) kubernetes() {
	const eksUA = "APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.72.1 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.2 ua/2.1 os/linux lang/go#1.23.2 md/GOOS#linux md/GOARCH#amd64 api/eks#1.51.0"
	cluster := func(at time.Time, name, version string) {
		who := g.roleSession("github-actions-deploy", fmt.Sprintf("gha-%d", 11000000000+g.rng.IntN(900000000)), eksUA, "20.51.222."+fmt.Sprint(g.rng.IntN(250)), at)
		role := "arn:aws:iam::" + DemoAccount + ":role/eks-cluster-role"
		vpc := `{"subnetIds":["subnet-0b1d3f5a7c9e24680","subnet-08c2e4a6b1d3f5970"],"securityGroupIds":[],"endpointPublicAccess":true,"endpointPrivateAccess":false}`
		token := g.uuid()
		g.add(call{at: at, region: "us-west-2", who: who, name: "CreateCluster", source: "eks.amazonaws.com",
			params: `{"name":"` + name + `","version":"` + version + `","roleArn":"` + role + `","resourcesVpcConfig":` + vpc + `,"clientRequestToken":"` + token + `","bootstrapSelfManagedAddons":true}`,
			response: `{"cluster":{"name":"` + name + `","arn":"arn:aws:eks:us-west-2:` + DemoAccount + `:cluster/` + name + `","createdAt":"` + at.Format("Jan 2, 2006, 3:04:05 PM") + `","version":"` + version + `","roleArn":"` + role +
				`","resourcesVpcConfig":{"subnetIds":["subnet-0b1d3f5a7c9e24680","subnet-08c2e4a6b1d3f5970"],"securityGroupIds":[],"vpcId":"vpc-0a4c6e8b1d3f52790","endpointPublicAccess":true,"endpointPrivateAccess":false,"publicAccessCidrs":["0.0.0.0/0"]},"kubernetesNetworkConfig":{"serviceIpv4Cidr":"172.20.0.0/16","ipFamily":"ipv4"},"status":"CREATING","certificateAuthority":{},"clientRequestToken":"` + token + `","platformVersion":"eks.12","tags":{},"accessConfig":{"authenticationMode":"API_AND_CONFIG_MAP"}}}`,
			resources: res("AWS::EKS::Cluster", name)})
	}
	cluster(g.ago(72, 13, 10, 0), DemoEKSCluster, "1.31")
	cluster(g.ago(47, 11, 30, 0), DemoDeletedEKSCluster, "1.31")
	at := g.ago(32, 17, 45, 12)
	who := g.roleSession("github-actions-deploy", fmt.Sprintf("gha-%d", 11000000000+g.rng.IntN(900000000)), eksUA, "20.51.222."+fmt.Sprint(g.rng.IntN(250)), at)
	g.add(call{at: at, region: "us-west-2", who: who, name: "DeleteCluster", source: "eks.amazonaws.com",
		params:    `{"name":"` + DemoDeletedEKSCluster + `"}`,
		response:  `{"cluster":{"name":"` + DemoDeletedEKSCluster + `","arn":"arn:aws:eks:us-west-2:` + DemoAccount + `:cluster/` + DemoDeletedEKSCluster + `","version":"1.31","status":"DELETING","platformVersion":"eks.12"}}`,
		resources: res("AWS::EKS::Cluster", DemoDeletedEKSCluster)})
}

// iamResources: a CI user with a long-lived key (kept), and a contractor
// whose key is disabled and deleted with the user.
func (g *demoGen) iamResources() {
	at := g.ago(80, 10, 3, 0)
	sam := g.roleSession(ssoAdmin, "sam.okafor"+ssoEmailDomain, "AWS Internal", "AWS Internal", at)
	sam.console = true
	user := func(at time.Time, name, key string) {
		g.add(call{at: at, region: "us-east-1", who: sam, name: "CreateUser", source: "iam.amazonaws.com",
			params:    `{"userName":"` + name + `","tags":[]}`,
			response:  `{"user":{"path":"/","userName":"` + name + `","userId":"` + g.keyID("AIDA") + `","arn":"arn:aws:iam::` + DemoAccount + `:user/` + name + `","createDate":"` + at.Format("Jan 2, 2006, 3:04:05 PM") + `"}}`,
			resources: res("AWS::IAM::User", name)})
		at = at.Add(g.secs(60))
		g.add(call{at: at, region: "us-east-1", who: sam, name: "CreateAccessKey", source: "iam.amazonaws.com",
			params:    `{"userName":"` + name + `"}`,
			response:  `{"accessKey":{"userName":"` + name + `","accessKeyId":"` + key + `","status":"Active","createDate":"` + at.Format("Jan 2, 2006, 3:04:05 PM") + `"}}`,
			resources: append(res("AWS::IAM::User", name), res("AWS::IAM::AccessKey", key)...)})
	}
	user(at, DemoUser, DemoAccessKey)
	user(g.ago(55, 9, 15, 0), DemoDeletedUser, DemoDeletedAccessKey)
	keyed := append(res("AWS::IAM::User", DemoDeletedUser), res("AWS::IAM::AccessKey", DemoDeletedAccessKey)...)
	at = g.ago(26, 17, 0, 3)
	g.add(call{at: at, region: "us-east-1", who: sam, name: "UpdateAccessKey", source: "iam.amazonaws.com",
		params: `{"userName":"` + DemoDeletedUser + `","accessKeyId":"` + DemoDeletedAccessKey + `","status":"Inactive"}`, resources: keyed})
	at = g.ago(24, 10, 20, 9)
	g.add(call{at: at, region: "us-east-1", who: sam, name: "DeleteAccessKey", source: "iam.amazonaws.com",
		params: `{"userName":"` + DemoDeletedUser + `","accessKeyId":"` + DemoDeletedAccessKey + `"}`, resources: keyed})
	at = at.Add(g.secs(60))
	g.add(call{at: at, region: "us-east-1", who: sam, name: "DeleteUser", source: "iam.amazonaws.com",
		params: `{"userName":"` + DemoDeletedUser + `"}`, resources: res("AWS::IAM::User", DemoDeletedUser)})
}
