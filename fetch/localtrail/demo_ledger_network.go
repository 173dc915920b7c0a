package localtrail

import (
	"fmt"
	"time"
)

// The demo's network resources for the ledger: Elastic IPs, NAT gateways,
// security groups and load balancers (see demo_ledger.go).

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
