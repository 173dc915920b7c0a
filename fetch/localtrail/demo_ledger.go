package localtrail

import (
	"fmt"
	"time"

	"lazytrail/model"
)

// The demo account's resources, for the resource ledger: who created what
// that is still running and what it costs. Every type of model.LedgerRules
// is created at least once here, and most are deleted once too, with the
// record shapes AWS writes (the odd ones kept: NAT gateways' wrapped
// CreateNatGatewayResponse, EBS sizes as strings, RDS's dBInstance keys).
// ledgerStories runs last in Demo, so every earlier draw and id stays.

// Ids of the ledger stories.
const (
	DemoForgottenGPU       = "i-0f4e2a9c71b3d5806"        // g5.2xlarge launched by tom.weber in us-west-2 weeks ago, never stopped
	DemoScratchInstance    = "i-03c8e1f5a7b9d2460"        // mei.chen's t3.large in us-west-2: stopped, resized to m5.large, started, terminated
	DemoOrphanVolume       = "vol-0a7d3f9e1c5b28e46"      // gp3 500 GiB attached to DemoScratchInstance, left behind when it ended
	DemoDeletedVolume      = "vol-0e2b6c8a4f1d39751"      // gp2 20 GiB created and deleted the same day
	DemoSnapshot           = "snap-0c9a1e7f3b5d20864"     // of DemoOrphanVolume, kept
	DemoSnapshotCopy       = "snap-05f7b3d9e1a2c4680"     // DemoSnapshot copied to eu-west-1, deleted later
	DemoImage              = "ami-0b8e4f2a6c1d39e75"      // CreateImage of DemoScratchInstance, kept
	DemoImageCopy          = "ami-07d1c9e3a5f2b8640"      // DemoImage copied to eu-west-1, deregistered later
	DemoIdleEIP            = "eipalloc-0d5e7a9c1b3f24680" // allocated in us-east-1 by olu.adeyemi, never associated or released
	DemoNATGatewayEIP      = "eipalloc-09a1c3e5f7b2d4861" // DemoNATGateway's address, kept
	DemoReleasedEIP        = "eipalloc-0c2e4a6b8d1f35792" // DemoDeletedNATGateway's address, released with it
	DemoNATGateway         = "nat-0a1b2c3d4e5f67890"      // us-east-1, created by Terraform, kept
	DemoDeletedNATGateway  = "nat-0f9e8d7c6b5a43210"      // eu-west-1, created and deleted by Terraform
	DemoWebSecurityGroup   = "sg-0e5a7c9b1d3f24681"       // the ALB's, kept
	DemoTempSecurityGroup  = "sg-0d2f4b6a8c1e39570"       // created, opened, deleted
	DemoALB                = "arn:aws:elasticloadbalancing:us-east-1:" + DemoAccount + ":loadbalancer/app/orders-web/7c2e9f1a3b5d4068"
	DemoDeletedNLB         = "arn:aws:elasticloadbalancing:eu-west-1:" + DemoAccount + ":loadbalancer/net/ingest-nlb/4f6a8c0e2b1d3957"
	DemoRDSInstance        = "orders-db"    // db.t3.micro mysql in us-east-1, stopped for a week then started again
	DemoDeletedRDSInstance = "analytics-pg" // db.m5.large postgres in eu-west-1, resized to db.m5.xlarge, deleted
	DemoBucket             = "orders-exports-" + DemoAccount
	DemoDeletedBucket      = "tmp-migration-" + DemoAccount
	DemoFunction           = "orders-api-handler" // memory raised from 512 to 1024 MB
	DemoDeletedFunction    = "thumbnail-test"
	DemoTable              = "orders"          // on demand
	DemoDeletedTable       = "orders-loadtest" // provisioned, deleted after the test
	DemoEKSCluster         = "platform-prod"   // us-west-2, kept
	DemoDeletedEKSCluster  = "platform-sandbox"
	DemoUser               = "ci-legacy"      // created with DemoAccessKey, kept
	DemoDeletedUser        = "contractor-tmp" // created with DemoDeletedAccessKey, both deleted
	DemoAccessKey          = "AKIAWB7Q3MZL5KD2XN4E"
	DemoDeletedAccessKey   = "AKIAWB7Q3MZLR6TY8HJC"
)

// ec2Response is an EC2 responseElements object with the call's request id.
func ec2Response(fields string) string {
	return `{"requestId":"` + requestIDSlot + `",` + fields + `}`
}

func res(typ, name string) []model.Resource { return []model.Resource{{Type: typ, Name: name}} }

func (g *demoGen) ledgerStories() {
	g.forgottenGPU()
	g.scratchInstance()
	g.networkResources()
	g.loadBalancers()
	g.databases()
	g.serverless()
	g.kubernetes()
	g.iamResources()
}

func (g *demoGen) runInstance(at time.Time, region string, who *actor, id, instanceType, ami, az, subnet, tags string) {
	g.add(call{at: at, region: region, who: who, name: "RunInstances", source: "ec2.amazonaws.com",
		params:    `{"instancesSet":{"items":[{"imageId":"` + ami + `","minCount":1,"maxCount":1}]},"instanceType":"` + instanceType + `","blockDeviceMapping":{},"subnetId":"` + subnet + `","monitoring":{"enabled":false},"disableApiTermination":false,"disableApiStop":false,"clientToken":"` + g.uuid() + `","tagSpecificationSet":{"items":[{"resourceType":"instance","tags":[` + tags + `]}]}}`,
		response:  ec2Response(`"reservationId":"r-0` + g.hex(16) + `","ownerId":"` + DemoAccount + `","groupSet":{},"instancesSet":{"items":[{"instanceId":"` + id + `","imageId":"` + ami + `","currentInstanceBootMode":"uefi","instanceState":{"code":0,"name":"pending"},"privateDnsName":"ip-10-40-2-` + fmt.Sprint(10+g.rng.IntN(200)) + `.` + region + `.compute.internal","amiLaunchIndex":0,"productCodes":{},"instanceType":"` + instanceType + `","launchTime":` + fmt.Sprint(at.UnixMilli()) + `,"placement":{"availabilityZone":"` + az + `","tenancy":"default"},"monitoring":{"state":"disabled"},"subnetId":"` + subnet + `","vpcId":"vpc-0a4c6e8b1d3f52790","privateIpAddress":"10.40.2.17"}]}`),
		resources: instanceResources(id)})
}

// forgottenGPU: tom.weber launches a g5.2xlarge from the console to try a
// model, six weeks ago, and never stops it.
func (g *demoGen) forgottenGPU() {
	at := g.ago(43, 15, 22, 9)
	tom := g.roleSession(ssoPowerUser, "tom.weber"+ssoEmailDomain, consoleEC2UA, "198.51.100.23", at)
	tom.console = true
	g.runInstance(at, "us-west-2", tom, DemoForgottenGPU, "g5.2xlarge", "ami-05134c8ef96964280", "us-west-2b", "subnet-08c2e4a6b1d3f5970",
		`{"key":"Name","value":"tom-llm-test"}`)
	g.add(call{at: at.Add(g.secs(30)), region: "us-west-2", who: tom, name: "DescribeInstances", source: "ec2.amazonaws.com", readOnly: true,
		params: instancesParam(DemoForgottenGPU), resources: instanceResources(DemoForgottenGPU)})
}

// scratchInstance: mei.chen runs a t3.large with a big data volume, stops
// it, resizes it to m5.large, starts it, images it and snapshots the
// volume, then terminates the instance: the volume stays behind.
func (g *demoGen) scratchInstance() {
	const region, az = "us-west-2", "us-west-2a"
	at := g.ago(30, 10, 4, 51)
	mei := g.roleSession(ssoPowerUser, "mei.chen"+ssoEmailDomain, cliUA("ec2.run-instances"), "198.51.100.61", at)
	as := func(command string) *actor { a := *mei; a.userAgent = cliUA(command); return &a }
	g.runInstance(at, region, mei, DemoScratchInstance, "t3.large", "ami-0c0ba4e76e4392ce9", az, "subnet-0b1d3f5a7c9e24680",
		`{"key":"Name","value":"mei-scratch"},{"key":"Owner","value":"mei.chen"}`)
	vol := res("AWS::EC2::Volume", DemoOrphanVolume)
	at = at.Add(4 * time.Minute)
	g.add(call{at: at, region: region, who: as("ec2.create-volume"), name: "CreateVolume", source: "ec2.amazonaws.com",
		params:    `{"size":500,"zone":"` + az + `","volumeType":"gp3","encrypted":false,"iops":3000,"throughput":125,"tagSpecificationSet":{"items":[{"resourceType":"volume","tags":[{"key":"Name","value":"mei-scratch-data"}]}]}}`,
		response:  ec2Response(`"volumeId":"` + DemoOrphanVolume + `","size":"500","availabilityZone":"` + az + `","status":"creating","createTime":` + fmt.Sprint(at.UnixMilli()) + `,"volumeType":"gp3","iops":3000,"encrypted":false,"tagSet":{"items":[{"key":"Name","value":"mei-scratch-data"}]},"multiAttachEnabled":false,"throughput":125`),
		resources: vol})
	at = at.Add(g.secs(40))
	g.add(call{at: at, region: region, who: as("ec2.attach-volume"), name: "AttachVolume", source: "ec2.amazonaws.com",
		params:    `{"volumeId":"` + DemoOrphanVolume + `","instanceId":"` + DemoScratchInstance + `","device":"/dev/sdf","deleteOnTermination":false}`,
		response:  ec2Response(`"volumeId":"` + DemoOrphanVolume + `","instanceId":"` + DemoScratchInstance + `","device":"/dev/sdf","status":"attaching","attachTime":` + fmt.Sprint(at.UnixMilli()) + `,"deleteOnTermination":false`),
		resources: append(instanceResources(DemoScratchInstance), vol...)})

	// A small volume made by mistake in the wrong zone, deleted at once.
	at = at.Add(7 * time.Minute)
	small := res("AWS::EC2::Volume", DemoDeletedVolume)
	g.add(call{at: at, region: region, who: as("ec2.create-volume"), name: "CreateVolume", source: "ec2.amazonaws.com",
		params:    `{"size":20,"zone":"us-west-2c","volumeType":"gp2","encrypted":false}`,
		response:  ec2Response(`"volumeId":"` + DemoDeletedVolume + `","size":"20","availabilityZone":"us-west-2c","status":"creating","createTime":` + fmt.Sprint(at.UnixMilli()) + `,"volumeType":"gp2","iops":100,"encrypted":false,"multiAttachEnabled":false`),
		resources: small})
	at = at.Add(3 * time.Minute)
	g.add(call{at: at, region: region, who: as("ec2.delete-volume"), name: "DeleteVolume", source: "ec2.amazonaws.com",
		params: `{"volumeId":"` + DemoDeletedVolume + `"}`, response: ec2Response(`"_return":true`), resources: small})

	ids := []string{DemoScratchInstance}
	at = g.ago(27, 18, 40, 2)
	g.add(call{at: at, region: region, who: as("ec2.stop-instances"), name: "StopInstances", source: "ec2.amazonaws.com",
		params: instancesParam(ids...), response: stateChange(ids, "running", "stopping", 16, 64), resources: instanceResources(ids...)})
	at = g.ago(25, 9, 12, 30)
	g.add(call{at: at, region: region, who: as("ec2.modify-instance-attribute"), name: "ModifyInstanceAttribute", source: "ec2.amazonaws.com",
		params: `{"instanceId":"` + DemoScratchInstance + `","instanceType":{"value":"m5.large"}}`, response: ec2Response(`"_return":true`), resources: instanceResources(ids...)})
	at = at.Add(g.secs(60))
	g.add(call{at: at, region: region, who: as("ec2.start-instances"), name: "StartInstances", source: "ec2.amazonaws.com",
		params: instancesParam(ids...), response: stateChange(ids, "stopped", "pending", 80, 0), resources: instanceResources(ids...)})

	at = g.ago(19, 16, 5, 44)
	img := res("AWS::EC2::Image", DemoImage)
	g.add(call{at: at, region: region, who: as("ec2.create-image"), name: "CreateImage", source: "ec2.amazonaws.com",
		params:    `{"instanceId":"` + DemoScratchInstance + `","name":"mei-scratch-2026","noReboot":true}`,
		response:  ec2Response(`"imageId":"` + DemoImage + `"`),
		resources: append(instanceResources(DemoScratchInstance), img...)})
	at = at.Add(g.secs(120))
	snap := res("AWS::EC2::Snapshot", DemoSnapshot)
	g.add(call{at: at, region: region, who: as("ec2.create-snapshot"), name: "CreateSnapshot", source: "ec2.amazonaws.com",
		params:    `{"volumeId":"` + DemoOrphanVolume + `","description":"scratch data before cleanup"}`,
		response:  ec2Response(`"snapshotId":"` + DemoSnapshot + `","volumeId":"` + DemoOrphanVolume + `","status":"pending","startTime":` + fmt.Sprint(at.UnixMilli()) + `,"progress":"","ownerId":"` + DemoAccount + `","volumeSize":"500","description":"scratch data before cleanup","encrypted":false`),
		resources: append(vol, snap...)})

	// Copies made in eu-west-1 (a copy's call is recorded in the
	// destination region) and removed a week later.
	at = at.Add(20 * time.Minute)
	g.add(call{at: at, region: "eu-west-1", who: as("ec2.copy-snapshot"), name: "CopySnapshot", source: "ec2.amazonaws.com",
		params:    `{"sourceRegion":"us-west-2","sourceSnapshotId":"` + DemoSnapshot + `","description":"dr copy"}`,
		response:  ec2Response(`"snapshotId":"` + DemoSnapshotCopy + `"`),
		resources: res("AWS::EC2::Snapshot", DemoSnapshotCopy)})
	at = at.Add(g.secs(60))
	g.add(call{at: at, region: "eu-west-1", who: as("ec2.copy-image"), name: "CopyImage", source: "ec2.amazonaws.com",
		params:    `{"sourceRegion":"us-west-2","sourceImageId":"` + DemoImage + `","name":"mei-scratch-2026-dr"}`,
		response:  ec2Response(`"imageId":"` + DemoImageCopy + `"`),
		resources: res("AWS::EC2::Image", DemoImageCopy)})
	at = g.ago(12, 11, 2, 17)
	g.add(call{at: at, region: "eu-west-1", who: as("ec2.deregister-image"), name: "DeregisterImage", source: "ec2.amazonaws.com",
		params: `{"imageId":"` + DemoImageCopy + `"}`, response: ec2Response(`"_return":true`), resources: res("AWS::EC2::Image", DemoImageCopy)})
	at = at.Add(g.secs(30))
	g.add(call{at: at, region: "eu-west-1", who: as("ec2.delete-snapshot"), name: "DeleteSnapshot", source: "ec2.amazonaws.com",
		params: `{"snapshotId":"` + DemoSnapshotCopy + `"}`, response: ec2Response(`"_return":true`), resources: res("AWS::EC2::Snapshot", DemoSnapshotCopy)})

	at = g.ago(18, 9, 30, 3)
	g.add(call{at: at, region: region, who: as("ec2.terminate-instances"), name: "TerminateInstances", source: "ec2.amazonaws.com",
		params: instancesParam(ids...), response: stateChange(ids, "running", "shutting-down", 16, 32), resources: instanceResources(ids...)})
}

// networkResources: an Elastic IP allocated and forgotten, NAT gateways
// from Terraform (one kept, one deleted with its address), security groups.
func (g *demoGen) networkResources() {
	at := g.ago(61, 13, 44, 20)
	olu := g.roleSession(ssoPowerUser, "olu.adeyemi"+ssoEmailDomain, consoleEC2UA, "198.51.100.88", at)
	olu.console = true
	g.allocateAddress(at, "us-east-1", olu, DemoIdleEIP, "54.210.77.31")
	// Over the account's quota once: a failed call the ledger ignores.
	g.add(call{at: at.Add(-2 * time.Minute), region: "us-east-1", who: olu, name: "AllocateAddress", source: "ec2.amazonaws.com",
		params: `{"domain":"vpc"}`, errCode: "Client.AddressLimitExceeded", errMsg: "The maximum number of addresses has been reached."})

	tf := func(at time.Time) *actor {
		return g.roleSession("github-actions-deploy", fmt.Sprintf("gha-%d", 11000000000+g.rng.IntN(900000000)), terraformUA, "20.51.222."+fmt.Sprint(g.rng.IntN(250)), at)
	}
	at = g.ago(75, 11, 15, 2)
	who := tf(at)
	g.allocateAddress(at, "us-east-1", who, DemoNATGatewayEIP, "34.194.12.208")
	g.createNatGateway(at.Add(g.secs(20)), "us-east-1", who, DemoNATGateway, DemoNATGatewayEIP, "subnet-0a2c4e6f8b1d35790", "vpc-0b3d5f7a9c1e24680")

	at = g.ago(50, 14, 1, 37)
	who = tf(at)
	g.allocateAddress(at, "eu-west-1", who, DemoReleasedEIP, "52.48.201.19")
	g.createNatGateway(at.Add(g.secs(20)), "eu-west-1", who, DemoDeletedNATGateway, DemoReleasedEIP, "subnet-0e4a6c8b2d1f35790", "vpc-0d1f3b5a7c9e24681")
	at = g.ago(36, 10, 47, 5)
	who = tf(at)
	nat := res("AWS::EC2::NatGateway", DemoDeletedNATGateway)
	g.add(call{at: at, region: "eu-west-1", who: who, name: "DeleteNatGateway", source: "ec2.amazonaws.com",
		params:    `{"DeleteNatGatewayRequest":{"NatGatewayId":"` + DemoDeletedNATGateway + `"}}`,
		response:  `{"DeleteNatGatewayResponse":{"xmlns":"http://ec2.amazonaws.com/doc/2016-11-15/","requestId":"` + requestIDSlot + `","natGatewayId":"` + DemoDeletedNATGateway + `"}}`,
		resources: nat})
	at = at.Add(90 * time.Second)
	g.add(call{at: at, region: "eu-west-1", who: who, name: "ReleaseAddress", source: "ec2.amazonaws.com",
		params: `{"allocationId":"` + DemoReleasedEIP + `"}`, response: ec2Response(`"_return":true`), resources: res("AWS::EC2::EIP", DemoReleasedEIP)})

	at = g.ago(74, 16, 20, 0)
	who = tf(at)
	g.createSecurityGroup(at, "us-east-1", who, DemoWebSecurityGroup, "orders-web-alb", "vpc-0b3d5f7a9c1e24680")
	at = g.ago(33, 15, 9, 41)
	priya := g.roleSession(ssoPowerUser, "priya.nair"+ssoEmailDomain, cliUA("ec2.create-security-group"), "198.51.100.35", at)
	g.createSecurityGroup(at, "eu-west-1", priya, DemoTempSecurityGroup, "debug-temp", "vpc-0d1f3b5a7c9e24681")
	sg := res("AWS::EC2::SecurityGroup", DemoTempSecurityGroup)
	at = at.Add(g.secs(90))
	g.add(call{at: at, region: "eu-west-1", who: priya, name: "AuthorizeSecurityGroupIngress", source: "ec2.amazonaws.com",
		params:    `{"groupId":"` + DemoTempSecurityGroup + `","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":5432,"toPort":5432,"groups":{},"ipRanges":{"items":[{"cidrIp":"198.51.100.35/32"}]},"ipv6Ranges":{},"prefixListIds":{}}]}}`,
		response:  ec2Response(`"_return":true,"securityGroupRuleSet":{"items":[{"groupOwnerId":"` + DemoAccount + `","groupId":"` + DemoTempSecurityGroup + `","securityGroupRuleId":"sgr-0` + g.hex(16) + `","isEgress":false,"ipProtocol":"tcp","fromPort":5432,"toPort":5432,"cidrIpv4":"198.51.100.35/32"}]}`),
		resources: sg})
	at = at.Add(3 * time.Hour)
	g.add(call{at: at, region: "eu-west-1", who: priya, name: "DeleteSecurityGroup", source: "ec2.amazonaws.com",
		params: `{"groupId":"` + DemoTempSecurityGroup + `"}`, response: ec2Response(`"_return":true,"groupId":"` + DemoTempSecurityGroup + `"`), resources: sg})
}

func (g *demoGen) allocateAddress(at time.Time, region string, who *actor, id, ip string) {
	g.add(call{at: at, region: region, who: who, name: "AllocateAddress", source: "ec2.amazonaws.com",
		params:    `{"domain":"vpc"}`,
		response:  ec2Response(`"publicIp":"` + ip + `","domain":"vpc","allocationId":"` + id + `","publicIpv4Pool":"amazon","networkBorderGroup":"` + region + `"`),
		resources: res("AWS::EC2::EIP", id)})
}

func (g *demoGen) createNatGateway(at time.Time, region string, who *actor, id, eip, subnet, vpc string) {
	g.add(call{at: at, region: region, who: who, name: "CreateNatGateway", source: "ec2.amazonaws.com",
		params: `{"CreateNatGatewayRequest":{"SubnetId":"` + subnet + `","AllocationId":"` + eip + `","ClientToken":"terraform-` + at.Format("20060102150405") + `000000002","ConnectivityType":"public"}}`,
		response: `{"CreateNatGatewayResponse":{"xmlns":"http://ec2.amazonaws.com/doc/2016-11-15/","requestId":"` + requestIDSlot + `","clientToken":"terraform-` + at.Format("20060102150405") + `000000002","natGateway":{"createTime":"` + at.Format("2006-01-02T15:04:05.000Z") +
			`","natGatewayAddressSet":{"item":{"allocationId":"` + eip + `","isPrimary":true,"status":"associating"}},"natGatewayId":"` + id + `","state":"pending","subnetId":"` + subnet + `","vpcId":"` + vpc + `","connectivityType":"public"}}}`,
		resources: res("AWS::EC2::NatGateway", id)})
}

func (g *demoGen) createSecurityGroup(at time.Time, region string, who *actor, id, name, vpc string) {
	g.add(call{at: at, region: region, who: who, name: "CreateSecurityGroup", source: "ec2.amazonaws.com",
		params:    `{"groupName":"` + name + `","groupDescription":"` + name + `","vpcId":"` + vpc + `"}`,
		response:  ec2Response(`"_return":true,"groupId":"` + id + `"`),
		resources: res("AWS::EC2::SecurityGroup", id)})
}

// loadBalancers: Terraform's ALB in us-east-1, kept; an NLB in eu-west-1
// created and torn down.
func (g *demoGen) loadBalancers() {
	const elbUA = "APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.72.1 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.2 ua/2.1 os/linux lang/go#1.23.2 md/GOOS#linux md/GOARCH#amd64 api/elasticloadbalancingv2#1.41.0"
	create := func(at time.Time, region, arn, name, typ, sg string) {
		who := g.roleSession("github-actions-deploy", fmt.Sprintf("gha-%d", 11000000000+g.rng.IntN(900000000)), elbUA, "20.51.222."+fmt.Sprint(g.rng.IntN(250)), at)
		sgs, sgResp := `[]`, ``
		if sg != "" {
			sgs = `["` + sg + `"]`
			sgResp = `,"securityGroups":["` + sg + `"]`
		}
		scheme := "internet-facing"
		g.add(call{at: at, region: region, who: who, name: "CreateLoadBalancer", source: "elasticloadbalancing.amazonaws.com",
			params: `{"name":"` + name + `","subnets":["subnet-0a2c4e6f8b1d35790","subnet-0c4e6a8b2d1f35791"],"securityGroups":` + sgs + `,"scheme":"` + scheme + `","type":"` + typ + `","ipAddressType":"ipv4"}`,
			response: `{"loadBalancers":[{"loadBalancerArn":"` + arn + `","dNSName":"` + name + `-` + fmt.Sprint(1000000000+g.rng.IntN(900000000)) + `.` + region + `.elb.amazonaws.com","canonicalHostedZoneId":"Z35SXDOTRQ7X7K","createdTime":"` + at.Format("Jan 2, 2006, 3:04:05 PM") +
				`","loadBalancerName":"` + name + `","scheme":"` + scheme + `","vpcId":"vpc-0b3d5f7a9c1e24680","state":{"code":"provisioning"},"type":"` + typ + `","availabilityZones":[{"zoneName":"` + region + `a","subnetId":"subnet-0a2c4e6f8b1d35790","loadBalancerAddresses":[]},{"zoneName":"` + region + `b","subnetId":"subnet-0c4e6a8b2d1f35791","loadBalancerAddresses":[]}]` + sgResp + `,"ipAddressType":"ipv4"}]}`,
			resources: res("AWS::ElasticLoadBalancingV2::LoadBalancer", arn)})
	}
	create(g.ago(74, 16, 24, 10), "us-east-1", DemoALB, "orders-web", "application", DemoWebSecurityGroup)
	create(g.ago(48, 10, 3, 55), "eu-west-1", DemoDeletedNLB, "ingest-nlb", "network", "")
	at := g.ago(41, 17, 30, 12)
	who := g.roleSession("github-actions-deploy", fmt.Sprintf("gha-%d", 11000000000+g.rng.IntN(900000000)), elbUA, "20.51.222."+fmt.Sprint(g.rng.IntN(250)), at)
	g.add(call{at: at, region: "eu-west-1", who: who, name: "DeleteLoadBalancer", source: "elasticloadbalancing.amazonaws.com",
		params: `{"loadBalancerArn":"` + DemoDeletedNLB + `"}`, resources: res("AWS::ElasticLoadBalancingV2::LoadBalancer", DemoDeletedNLB)})
}

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
