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
