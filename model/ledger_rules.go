package model

// The resource ledger's pairing rules are data: for each resource type,
// which calls create, delete, start, stop or modify it, and where in the
// record the resource's id and size are. The builder (ledger.go), the
// Athena SQL compiler (fetch/athena) and the README's rules table all read
// this one table; adding a type is adding an entry, not code.
//
// A path is a record field followed by JSON keys, dotted:
// "responseElements.instancesSet.items[].instanceId". "[]" walks through an
// array: a path through one yields one id per element (a RunInstances that
// started three instances makes three rows). A size path that starts with
// the same array prefix as the id path is read from the same element (each
// instance's own type); any other size path is read once for the record.

// LedgerRule is one resource type's pairing.
type LedgerRule struct {
	Type   string // CloudFormation-style, as resources[].type: AWS::EC2::Instance
	Source string // the eventSource of every call below
	Create []LedgerCall
	Delete []LedgerCall
	Start  []LedgerCall // the resource starts running (instances, RDS)
	Stop   []LedgerCall // the resource stops running
	Modify []LedgerCall // changed in place; its size, when the call gives one, is the new size
	// Cost says how the estimate prices the resource; "" when it has no
	// hourly price of its own (buckets, functions, users: priced by use).
	Cost CostKind
	// Running is true for types whose cost accrues only while running
	// (Start/Stop pair up): instances, RDS instances. Others accrue while
	// they exist.
	Running bool
}

// LedgerCall is one call of a rule and where its record names the resource.
type LedgerCall struct {
	Event string   // eventName
	ID    string   // path to the resource id(s)
	Size  []string // paths whose values, joined by a space, are the size; the first that is missing leaves it out
	Unit  string   // appended to the size ("GiB")
}

// CostKind is how a resource is priced: the pricer turns a kind, a region
// and a size into a unit price.
type CostKind string

// The cost kinds.
const (
	CostNone         CostKind = ""
	CostEC2Instance  CostKind = "ec2-instance"  // per hour running, by instance type
	CostEBSVolume    CostKind = "ebs-volume"    // per GB-month existing, by volume type
	CostElasticIP    CostKind = "elastic-ip"    // per hour existing (public IPv4)
	CostNATGateway   CostKind = "nat-gateway"   // per hour existing (data processed not counted)
	CostLoadBalancer CostKind = "load-balancer" // per hour existing, by type (LCUs not counted)
	CostRDSInstance  CostKind = "rds-instance"  // per hour running, by class and engine
	CostEKSCluster   CostKind = "eks-cluster"   // per hour existing
)

// LedgerRules is the table. Every path was checked against a real record
// (the comment above each rule says where): the stratus-red-team records
// in ../shared/datasets, and records AWS wrote that aws-spotlight
// (github.com/wwalpha/aws-spotlight, backend/src/cloudtrail/test/datas/,
// account ids anonymised) keeps as test data, cited as "spotlight NAME".
// ledger_rules_test.go holds a record of every call's shape and checks
// that each path finds its value there.
var LedgerRules = []LedgerRule{
	// RunInstances, TerminateInstances: spotlight EC2_RunInstances,
	// EC2_TerminateInstances (instancesSet.items[] on both sides, the type
	// per item in the response). StartInstances, StopInstances,
	// ModifyInstanceAttribute: stratus ec2-user-data. An instanceType
	// change is {"instanceType": {"value": "t3.large"}}, the shape every
	// ModifyInstanceAttribute attribute takes (a real record's
	// {"disableApiTermination": {"value": false}}).
	{
		Type: "AWS::EC2::Instance", Source: "ec2.amazonaws.com", Cost: CostEC2Instance, Running: true,
		Create: []LedgerCall{{Event: "RunInstances", ID: "responseElements.instancesSet.items[].instanceId",
			Size: []string{"responseElements.instancesSet.items[].instanceType"}}},
		Delete: []LedgerCall{{Event: "TerminateInstances", ID: "requestParameters.instancesSet.items[].instanceId"}},
		Start:  []LedgerCall{{Event: "StartInstances", ID: "requestParameters.instancesSet.items[].instanceId"}},
		Stop:   []LedgerCall{{Event: "StopInstances", ID: "requestParameters.instancesSet.items[].instanceId"}},
		Modify: []LedgerCall{{Event: "ModifyInstanceAttribute", ID: "requestParameters.instanceId",
			Size: []string{"requestParameters.instanceType.value"}}},
	},
	// spotlight ec2/EC2_CreateVolume ("size": "170" is a string, the type
	// "gp3"), EC2_DeleteVolume.
	{
		Type: "AWS::EC2::Volume", Source: "ec2.amazonaws.com", Cost: CostEBSVolume,
		Create: []LedgerCall{{Event: "CreateVolume", ID: "responseElements.volumeId",
			Size: []string{"responseElements.volumeType", "responseElements.size"}, Unit: "GiB"}},
		Delete: []LedgerCall{{Event: "DeleteVolume", ID: "requestParameters.volumeId"}},
	},
	// spotlight EC2_CreateSnapshot ("volumeSize": "15"), EC2_DeleteSnapshot;
	// CopySnapshot answers snapshotId the same way (its API result; no
	// record found).
	// CreateSnapshots (several volumes at once) is left out: its response
	// is XML turned JSON, snapshotSet.item an object for one snapshot and
	// an array for more (spotlight EC2_CreateSnapshots), which one path
	// cannot walk both ways.
	{
		Type: "AWS::EC2::Snapshot", Source: "ec2.amazonaws.com",
		Create: []LedgerCall{
			{Event: "CreateSnapshot", ID: "responseElements.snapshotId", Size: []string{"responseElements.volumeSize"}, Unit: "GiB"},
			{Event: "CopySnapshot", ID: "responseElements.snapshotId"},
		},
		Delete: []LedgerCall{{Event: "DeleteSnapshot", ID: "requestParameters.snapshotId"}},
	},
	// spotlight EC2_CreateImage, EC2_DeregisterImage; RegisterImage and
	// CopyImage answer imageId the same way (their API results; no record
	// found).
	{
		Type: "AWS::EC2::Image", Source: "ec2.amazonaws.com",
		Create: []LedgerCall{
			{Event: "CreateImage", ID: "responseElements.imageId"},
			{Event: "RegisterImage", ID: "responseElements.imageId"},
			{Event: "CopyImage", ID: "responseElements.imageId"},
		},
		Delete: []LedgerCall{{Event: "DeregisterImage", ID: "requestParameters.imageId"}},
	},
	// AllocateAddress answers allocationId, publicIp and domain at the top
	// of responseElements, ReleaseAddress names requestParameters.allocationId
	// (spotlight's EC2_AllocateAddress.ts and EC2_ReleaseAddress.ts read
	// them so). A release by publicIp (EC2-Classic) names no allocation id
	// and pairs with nothing.
	{
		Type: "AWS::EC2::EIP", Source: "ec2.amazonaws.com", Cost: CostElasticIP,
		Create: []LedgerCall{{Event: "AllocateAddress", ID: "responseElements.allocationId", Size: []string{"responseElements.domain"}}},
		Delete: []LedgerCall{{Event: "ReleaseAddress", ID: "requestParameters.allocationId"}},
	},
	// spotlight EC2_CreateNatGateway, EC2_DeleteNatGateway: both wrapped in
	// CreateNatGatewayResponse / DeleteNatGatewayRequest, the request's
	// keys capitalised (NatGatewayId), the response's not.
	{
		Type: "AWS::EC2::NatGateway", Source: "ec2.amazonaws.com", Cost: CostNATGateway,
		Create: []LedgerCall{{Event: "CreateNatGateway", ID: "responseElements.CreateNatGatewayResponse.natGateway.natGatewayId",
			Size: []string{"responseElements.CreateNatGatewayResponse.natGateway.connectivityType"}}},
		Delete: []LedgerCall{{Event: "DeleteNatGateway", ID: "requestParameters.DeleteNatGatewayRequest.NatGatewayId"}},
	},
	// spotlight ec2/EC2_CreateSecurityGroup (under archive/),
	// EC2_DeleteSecurityGroup; AuthorizeSecurityGroupIngress: stratus
	// ec2-security-group-open-port-22-ingress, whose request shape the other
	// three rule calls share. A default-VPC call by
	// groupName alone names no id and pairs with nothing.
	{
		Type: "AWS::EC2::SecurityGroup", Source: "ec2.amazonaws.com",
		Create: []LedgerCall{{Event: "CreateSecurityGroup", ID: "responseElements.groupId"}},
		Delete: []LedgerCall{{Event: "DeleteSecurityGroup", ID: "requestParameters.groupId"}},
		Modify: []LedgerCall{
			{Event: "AuthorizeSecurityGroupIngress", ID: "requestParameters.groupId"},
			{Event: "RevokeSecurityGroupIngress", ID: "requestParameters.groupId"},
			{Event: "AuthorizeSecurityGroupEgress", ID: "requestParameters.groupId"},
			{Event: "RevokeSecurityGroupEgress", ID: "requestParameters.groupId"},
		},
	},
	// spotlight ELASTICLOADBALANCING_CreateLoadBalancer, _DeleteLoadBalancer.
	// A classic ELB's calls have the same names and source but name the
	// balancer by loadBalancerName: no loadBalancerArn, so no row.
	{
		Type: "AWS::ElasticLoadBalancingV2::LoadBalancer", Source: "elasticloadbalancing.amazonaws.com", Cost: CostLoadBalancer,
		Create: []LedgerCall{{Event: "CreateLoadBalancer", ID: "responseElements.loadBalancers[].loadBalancerArn",
			Size: []string{"responseElements.loadBalancers[].type"}}},
		Delete: []LedgerCall{{Event: "DeleteLoadBalancer", ID: "requestParameters.loadBalancerArn"}},
	},
	// spotlight rds/RDS_CreateDBInstance, RDS_DeleteDBInstance; Start, Stop
	// and ModifyDBInstance take the same DBInstanceIdentifier parameter,
	// named as in those (no record of them was found to check). The request's
	// identifier is the caller's spelling; RDS stores it lower-cased (the
	// response's), so a create and a delete typed in different cases do not
	// pair. ModifyDBInstance's response is the DBInstance, engine included
	// (as the create's and the delete's are), so a new class keeps a price
	// key ("db.m5.large mysql").
	{
		Type: "AWS::RDS::DBInstance", Source: "rds.amazonaws.com", Cost: CostRDSInstance, Running: true,
		Create: []LedgerCall{{Event: "CreateDBInstance", ID: "requestParameters.dBInstanceIdentifier",
			Size: []string{"requestParameters.dBInstanceClass", "requestParameters.engine"}}},
		Delete: []LedgerCall{{Event: "DeleteDBInstance", ID: "requestParameters.dBInstanceIdentifier"}},
		Start:  []LedgerCall{{Event: "StartDBInstance", ID: "requestParameters.dBInstanceIdentifier"}},
		Stop:   []LedgerCall{{Event: "StopDBInstance", ID: "requestParameters.dBInstanceIdentifier"}},
		Modify: []LedgerCall{{Event: "ModifyDBInstance", ID: "requestParameters.dBInstanceIdentifier",
			Size: []string{"requestParameters.dBInstanceClass", "responseElements.engine"}}},
	},
	// spotlight S3_CreateBucket, S3_DeleteBucket (responseElements null).
	{
		Type: "AWS::S3::Bucket", Source: "s3.amazonaws.com",
		Create: []LedgerCall{{Event: "CreateBucket", ID: "requestParameters.bucketName"}},
		Delete: []LedgerCall{{Event: "DeleteBucket", ID: "requestParameters.bucketName"}},
	},
	// spotlight LAMBDA_CreateFunction20150331, LAMBDA_DeleteFunction20150331;
	// UpdateFunctionConfiguration20150331v2: stratus lambda-layer-extension,
	// whose requestParameters.functionName is the function's ARN: the
	// response's functionName is the plain name, as the create's is, and
	// its memorySize is there whatever the update changed. A delete called
	// with the ARN (the API takes either) does not pair: it answers nothing.
	{
		Type: "AWS::Lambda::Function", Source: "lambda.amazonaws.com",
		Create: []LedgerCall{{Event: "CreateFunction20150331", ID: "responseElements.functionName",
			Size: []string{"responseElements.memorySize"}, Unit: "MB"}},
		Delete: []LedgerCall{{Event: "DeleteFunction20150331", ID: "requestParameters.functionName"}},
		Modify: []LedgerCall{{Event: "UpdateFunctionConfiguration20150331v2", ID: "responseElements.functionName",
			Size: []string{"responseElements.memorySize"}, Unit: "MB"}},
	},
	// spotlight DYNAMODB_CreateTable, DYNAMODB_DeleteTable: both answer
	// tableDescription.tableName, the plain name even when the caller gave
	// the table's ARN (which the API accepts). billingMode is absent from a
	// request that keeps the default (PROVISIONED): then no size.
	{
		Type: "AWS::DynamoDB::Table", Source: "dynamodb.amazonaws.com",
		Create: []LedgerCall{{Event: "CreateTable", ID: "responseElements.tableDescription.tableName", Size: []string{"requestParameters.billingMode"}}},
		Delete: []LedgerCall{{Event: "DeleteTable", ID: "responseElements.tableDescription.tableName"}},
	},
	// spotlight EKS_CreateCluster, EKS_DeleteCluster.
	{
		Type: "AWS::EKS::Cluster", Source: "eks.amazonaws.com", Cost: CostEKSCluster,
		Create: []LedgerCall{{Event: "CreateCluster", ID: "requestParameters.name", Size: []string{"requestParameters.version"}}},
		Delete: []LedgerCall{{Event: "DeleteCluster", ID: "requestParameters.name"}},
	},
	// CreateUser: stratus iam-create-admin-user; DeleteUser takes the same
	// UserName parameter (no record found).
	{
		Type: "AWS::IAM::User", Source: "iam.amazonaws.com",
		Create: []LedgerCall{{Event: "CreateUser", ID: "requestParameters.userName"}},
		Delete: []LedgerCall{{Event: "DeleteUser", ID: "requestParameters.userName"}},
	},
	// CreateAccessKey: stratus iam-backdoor-user, iam-create-admin-user and
	// spotlight IAM_CreateAccessKey (requestParameters null when a user
	// makes their own key: the id is only in the response);
	// DeleteAccessKey: spotlight's IAM_DeleteAccessKey.ts; UpdateAccessKey
	// takes AccessKeyId and Status the same way (no record found).
	{
		Type: "AWS::IAM::AccessKey", Source: "iam.amazonaws.com",
		Create: []LedgerCall{{Event: "CreateAccessKey", ID: "responseElements.accessKey.accessKeyId"}},
		Delete: []LedgerCall{{Event: "DeleteAccessKey", ID: "requestParameters.accessKeyId"}},
		Modify: []LedgerCall{{Event: "UpdateAccessKey", ID: "requestParameters.accessKeyId", Size: []string{"requestParameters.status"}}},
	},
}
