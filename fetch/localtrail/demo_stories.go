package localtrail

import (
	"fmt"
	"time"

	"lazytrail/model"
)

// The demo account's stories, one function each. Every function draws from
// the shared generator in a fixed order, so the account is reproducible.

const (
	skeddlyAccount = "717313221563"
	ssoReadOnly    = "AWSReservedSSO_ReadOnlyAccess_8e0c3d9a1b2f4e57"
	ssoAdmin       = "AWSReservedSSO_AdministratorAccess_3f2a9c1d7e5b8a04"
	ssoPowerUser   = "AWSReservedSSO_PowerUserAccess_7b1e3c5d9f2a4680"
	skeddlyUA      = "aws-sdk-dotnet-coreclr/3.7.400.12 aws-sdk-dotnet-core/3.7.402.2 .NET_Core/8.0.8 OS/Linux_5.10.223 ClientAsync Skeddly/5.2"
	terraformUA    = "APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.72.1 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.2 ua/2.1 os/linux lang/go#1.23.2 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.182.0"
	browserUA      = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36"
	consoleEC2UA   = "console.ec2.amazonaws.com"
	ssoEmailDomain = "@example.com"
)

func cliUA(command string) string {
	return "aws-cli/2.22.4 md/awscrt#0.22.0 ua/2.0 os/macos#24.1.0 md/arch#arm64 lang/python#3.12.7 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off md/command#" + command
}

// day returns midnight UTC of the dth day of the window (0 = the oldest).
func (g *demoGen) day(d int) time.Time {
	return g.start.Truncate(24 * time.Hour).Add(time.Duration(d) * 24 * time.Hour)
}

func (g *demoGen) days() int { return int(history/(24*time.Hour)) + 1 }

// ago returns end minus d days, at hh:mm:ss UTC of that day.
func (g *demoGen) ago(days int, hh, mm, ss int) time.Time {
	t := g.end.Add(-time.Duration(days) * 24 * time.Hour).Truncate(24 * time.Hour)
	return t.Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute + time.Duration(ss)*time.Second)
}

func (g *demoGen) secs(n int) time.Duration { return time.Duration(g.rng.IntN(n)+1) * time.Second }

func (g *demoGen) instanceID() string { return "i-0" + g.hex(16) }

func instancesParam(ids ...string) string {
	s := `{"instancesSet":{"items":[`
	for i, id := range ids {
		if i > 0 {
			s += ","
		}
		s += `{"instanceId":"` + id + `"}`
	}
	return s + `]}}`
}

func instanceResources(ids ...string) []model.Resource {
	rs := make([]model.Resource, len(ids))
	for i, id := range ids {
		rs[i] = model.Resource{Type: "AWS::EC2::Instance", Name: id}
	}
	return rs
}

func stateChange(ids []string, from, to string, fromCode, toCode int) string {
	s := `{"requestId":"` + requestIDSlot + `","instancesSet":{"items":[`
	for i, id := range ids {
		if i > 0 {
			s += ","
		}
		s += fmt.Sprintf(`{"instanceId":"%s","currentState":{"code":%d,"name":"%s"},"previousState":{"code":%d,"name":"%s"}}`, id, toCode, to, fromCode, from)
	}
	return s + `]}}`
}

// skeddly: Skeddly assumes SkeddlyScheduler from its own account with a
// fresh skeddly-<hex> session for every run, starting instances in the
// morning and stopping them in the evening, every day, in four regions.
func (g *demoGen) skeddly() {
	regions := []string{"us-east-1", "eu-west-1", "us-west-2", "ap-southeast-2"}
	fleet := map[string][]string{}
	for _, r := range regions {
		fleet[r] = []string{g.instanceID(), g.instanceID(), g.instanceID()}
	}
	skeddlyIPs := []string{"52.5.213.198", "34.226.105.41"}
	caller := &actor{identity: &model.RecordIdentity{Type: "AWSAccount", PrincipalID: "AIDA2J6QXKZ4TLM7RBW3E", AccountID: skeddlyAccount}, userAgent: skeddlyUA}
	roleARN := "arn:aws:iam::" + DemoAccount + ":role/SkeddlyScheduler"
	for d := range g.days() {
		for i, r := range regions {
			for _, run := range []struct {
				hour             int
				name             string
				from, to         string
				fromCode, toCode int
			}{{6, "StartInstances", "stopped", "pending", 80, 0}, {18, "StopInstances", "running", "stopping", 16, 64}} {
				at := g.day(d).Add(time.Duration(run.hour+i)*time.Hour + time.Duration(g.rng.IntN(240))*time.Second)
				session := "skeddly-" + g.hex(16)
				ip := skeddlyIPs[g.rng.IntN(len(skeddlyIPs))]
				caller.sourceIP = ip
				who := g.roleSession("SkeddlyScheduler", session, skeddlyUA, ip, at)
				who.identity.SessionContext.Attributes.CreationDate = at.Format(time.RFC3339)
				g.add(call{at: at, region: "us-east-1", who: caller, name: "AssumeRole", source: "sts.amazonaws.com", readOnly: true,
					params: fmt.Sprintf(`{"roleArn":"%s","roleSessionName":"%s","externalId":"skeddly-50417823","durationSeconds":3600}`, roleARN, session),
					response: fmt.Sprintf(`{"credentials":{"accessKeyId":"%s","sessionToken":"<sensitiveDataRemoved>","expiration":"%s"},"assumedRoleUser":{"assumedRoleId":"%s","arn":"%s"}}`,
						who.identity.AccessKeyID, at.Add(time.Hour).Format("Jan 2, 2006, 3:04:05 PM"), who.identity.PrincipalID, who.identity.ARN),
					resources: []model.Resource{{Type: "AWS::IAM::AccessKey", Name: who.identity.AccessKeyID}, {Type: "AWS::STS::AssumedRole", Name: who.identity.ARN}, {Type: "AWS::IAM::Role", Name: roleARN}},
					recRes:    []model.RecordResource{{AccountID: DemoAccount, Type: "AWS::IAM::Role", ARN: roleARN}}})
				ids := fleet[r]
				at = at.Add(g.secs(3))
				g.add(call{at: at, region: r, who: who, name: "DescribeInstances", source: "ec2.amazonaws.com", readOnly: true,
					params: `{"instancesSet":{},"filterSet":{"items":[{"name":"tag:skeddly-managed","valueSet":{"items":[{"value":"true"}]}}]}}`})
				at = at.Add(g.secs(5))
				g.add(call{at: at, region: r, who: who, name: run.name, source: "ec2.amazonaws.com",
					params: instancesParam(ids...), response: stateChange(ids, run.from, run.to, run.fromCode, run.toCode),
					resources: instanceResources(ids...)})
			}
		}
	}
}

// adamTerraform: the IAM user adam runs terraform apply in eu-west-1 about
// three weeks ago and creates DemoAdamInstance; weekly plans before that.
func (g *demoGen) adamTerraform() {
	adam := g.iamUser("adam", terraformUA, "81.2.69.142", false)
	region := "eu-west-1"
	plan := func(at time.Time) time.Time {
		for _, name := range []string{"DescribeImages", "DescribeVpcs", "DescribeSubnets", "DescribeSecurityGroups", "DescribeInstances", "DescribeInstanceAttribute", "DescribeVolumes"} {
			at = at.Add(g.secs(2))
			g.add(call{at: at, region: region, who: adam, name: name, source: "ec2.amazonaws.com", readOnly: true, params: `{"filterSet":{}}`})
		}
		return at
	}
	for w := 11; w > 3; w-- {
		at := g.ago(w*7, 10+g.rng.IntN(6), g.rng.IntN(60), g.rng.IntN(60))
		g.add(call{at: at, region: "us-east-1", who: adam, name: "GetCallerIdentity", source: "sts.amazonaws.com", readOnly: true})
		plan(at)
	}
	at := g.ago(21, 14, 2, 11)
	g.add(call{at: at, region: "us-east-1", who: adam, name: "GetCallerIdentity", source: "sts.amazonaws.com", readOnly: true})
	at = plan(at).Add(3 * time.Second)
	g.add(call{at: at, region: region, who: adam, name: "RunInstances", source: "ec2.amazonaws.com",
		params:    `{"instancesSet":{"items":[{"imageId":"ami-0d64bb532e0502c46","minCount":1,"maxCount":1}]},"instanceType":"t3.medium","blockDeviceMapping":{},"subnetId":"subnet-0f3b9a7c2d1e45a60","monitoring":{"enabled":false},"disableApiTermination":false,"disableApiStop":false,"clientToken":"terraform-` + at.Format("20060102150405") + `000000001","tagSpecificationSet":{"items":[{"resourceType":"instance","tags":[{"key":"Name","value":"build-runner"},{"key":"ManagedBy","value":"terraform"}]}]}}`,
		response:  `{"requestId":"` + requestIDSlot + `","reservationId":"r-0a9b8c7d6e5f40312","ownerId":"` + DemoAccount + `","groupSet":{},"instancesSet":{"items":[{"instanceId":"` + DemoAdamInstance + `","imageId":"ami-0d64bb532e0502c46","currentInstanceBootMode":"legacy-bios","instanceState":{"code":0,"name":"pending"},"privateDnsName":"ip-10-20-3-117.eu-west-1.compute.internal","amiLaunchIndex":0,"productCodes":{},"instanceType":"t3.medium","launchTime":` + fmt.Sprint(at.UnixMilli()) + `,"placement":{"availabilityZone":"eu-west-1b","tenancy":"default"},"monitoring":{"state":"disabled"},"subnetId":"subnet-0f3b9a7c2d1e45a60","vpcId":"vpc-0c4d5e6f7a8b9c0d1","privateIpAddress":"10.20.3.117"}]}}`,
		resources: instanceResources(DemoAdamInstance)})
	for _, name := range []string{"DescribeInstances", "DescribeInstanceAttribute", "DescribeVolumes", "DescribeInstanceCreditSpecifications"} {
		at = at.Add(g.secs(4))
		g.add(call{at: at, region: region, who: adam, name: name, source: "ec2.amazonaws.com", readOnly: true,
			params: instancesParam(DemoAdamInstance), resources: instanceResources(DemoAdamInstance)})
	}
}

// securityGroupBreach: maria.sec, an MFA-protected IAM user, opens SSH to
// the world on DemoSecurityGroup in eu-west-1 and closes it hours later.
func (g *demoGen) securityGroupBreach() {
	maria := g.iamUser("maria.sec", cliUA("ec2.authorize-security-group-ingress"), "185.199.110.42", true)
	at := g.ago(9, 2, 9, 44)
	g.add(call{at: at, region: "us-east-1", who: maria, name: "GetSessionToken", source: "sts.amazonaws.com", readOnly: true,
		params:   `{"durationSeconds":43200,"serialNumber":"arn:aws:iam::` + DemoAccount + `:mfa/maria.sec"}`,
		response: `{"credentials":{"accessKeyId":"` + maria.identity.AccessKeyID + `","sessionToken":"<sensitiveDataRemoved>","expiration":"` + at.Add(12*time.Hour).Format("Jan 2, 2006, 3:04:05 PM") + `"}}`})
	at = g.ago(9, 2, 14, 7)
	perm := `"ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"groups":{},"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0","description":"temp access"}]},"ipv6Ranges":{},"prefixListIds":{}}]}`
	sg := []model.Resource{{Type: "AWS::EC2::SecurityGroup", Name: DemoSecurityGroup}}
	g.add(call{at: at.Add(-40 * time.Second), region: "eu-west-1", who: maria, name: "DescribeSecurityGroups", source: "ec2.amazonaws.com", readOnly: true,
		params: `{"securityGroupSet":{"items":[{"groupId":"` + DemoSecurityGroup + `"}]},"securityGroupIdSet":{},"filterSet":{}}`, resources: sg})
	g.add(call{at: at, region: "eu-west-1", who: maria, name: "AuthorizeSecurityGroupIngress", source: "ec2.amazonaws.com",
		params:    `{"groupId":"` + DemoSecurityGroup + `",` + perm + `}`,
		response:  `{"requestId":"` + requestIDSlot + `","_return":true,"securityGroupRuleSet":{"items":[{"groupOwnerId":"` + DemoAccount + `","groupId":"` + DemoSecurityGroup + `","securityGroupRuleId":"sgr-07c1e2d3f4a5b6c78","isEgress":false,"ipProtocol":"tcp","fromPort":22,"toPort":22,"cidrIpv4":"0.0.0.0/0","description":"temp access"}]}}`,
		resources: sg})
	revoker := *maria
	revoker.userAgent = cliUA("ec2.revoke-security-group-ingress")
	at = g.ago(9, 4, 51, 23)
	g.add(call{at: at, region: "eu-west-1", who: &revoker, name: "RevokeSecurityGroupIngress", source: "ec2.amazonaws.com",
		params:    `{"groupId":"` + DemoSecurityGroup + `",` + perm + `}`,
		response:  `{"requestId":"` + requestIDSlot + `","_return":true,"revokedSecurityGroupRuleSet":{"items":[{"groupOwnerId":"` + DemoAccount + `","groupId":"` + DemoSecurityGroup + `","securityGroupRuleId":"sgr-07c1e2d3f4a5b6c78","isEgress":false,"ipProtocol":"tcp","fromPort":22,"toPort":22,"cidrIpv4":"0.0.0.0/0"}]}}`,
		resources: sg})
}

// reboot: DemoRebootInstance is rebooted from the console at night by an
// SSO power user, the event story 1 looks for.
func (g *demoGen) reboot() {
	at := g.ago(5, 3, 12, 38)
	jordan := g.roleSession(ssoPowerUser, "jordan.lee"+ssoEmailDomain, consoleEC2UA, "198.51.100.77", at)
	jordan.console = true
	g.add(call{at: at.Add(-25 * time.Second), region: "us-east-2", who: jordan, name: "DescribeInstanceStatus", source: "ec2.amazonaws.com", readOnly: true,
		params: instancesParam(DemoRebootInstance), resources: instanceResources(DemoRebootInstance)})
	g.add(call{at: at, region: "us-east-2", who: jordan, name: "RebootInstances", source: "ec2.amazonaws.com",
		params: instancesParam(DemoRebootInstance), response: `{"requestId":"` + requestIDSlot + `","_return":true}`,
		resources: instanceResources(DemoRebootInstance)})
}

func loginData(mfa string) string {
	return `{"LoginTo":"https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_c1a2b3","MobileVersion":"No","MFAUsed":"` + mfa + `"}`
}

// signIns: console sign-ins of IAM users every few days, and a burst of
// failed attempts against an unknown user name from one address.
func (g *demoGen) signIns() {
	users := []struct {
		name string
		mfa  string
	}{{"adam", "No"}, {"maria.sec", "Yes"}, {"ops-breakglass", "Yes"}}
	for d := 0; d < g.days(); d += 1 + g.rng.IntN(3) {
		u := users[g.rng.IntN(len(users))]
		who := g.iamUser(u.name, browserUA, g.ip(), false)
		who.identity.AccessKeyID = ""
		at := g.day(d).Add(time.Duration(7+g.rng.IntN(11))*time.Hour + g.secs(3600))
		if g.rng.IntN(6) == 0 {
			g.add(call{at: at.Add(-time.Minute), region: "us-east-1", who: who, name: "ConsoleLogin", source: "signin.amazonaws.com", eventType: "AwsConsoleSignIn",
				response: `{"ConsoleLogin":"Failure"}`, extra: loginData(u.mfa), errMsg: "Failed authentication"})
		}
		g.add(call{at: at, region: "us-east-1", who: who, name: "ConsoleLogin", source: "signin.amazonaws.com", eventType: "AwsConsoleSignIn",
			response: `{"ConsoleLogin":"Success"}`, extra: loginData(u.mfa)})
	}
	attacker := &actor{identity: &model.RecordIdentity{Type: "IAMUser", AccountID: DemoAccount, PrincipalID: DemoAccount, UserName: "HIDDEN_DUE_TO_SECURITY_REASONS"}, userAgent: browserUA, sourceIP: "45.155.205.233"}
	at := g.ago(12, 23, 40, 0)
	for range 14 {
		at = at.Add(g.secs(40))
		g.add(call{at: at, region: "us-east-1", who: attacker, name: "ConsoleLogin", source: "signin.amazonaws.com", eventType: "AwsConsoleSignIn",
			response: `{"ConsoleLogin":"Failure"}`, extra: loginData("No"), errMsg: "No username found in supplied account"})
	}
}

// rootUsage: the root user signs in once and looks around.
func (g *demoGen) rootUsage() {
	root := &actor{identity: &model.RecordIdentity{Type: "Root", PrincipalID: DemoAccount, ARN: "arn:aws:iam::" + DemoAccount + ":root", AccountID: DemoAccount,
		SessionContext: &model.RecordSession{SessionIssuer: nil, WebIDFederationData: &struct{}{}, Attributes: &model.RecordAttributes{MFAAuthenticated: "true"}}},
		userAgent: browserUA, sourceIP: "81.2.69.160"}
	at := g.ago(40, 16, 3, 12)
	root.identity.SessionContext.Attributes.CreationDate = at.Format(time.RFC3339)
	login := *root
	login.identity = &model.RecordIdentity{Type: "Root", PrincipalID: DemoAccount, ARN: root.identity.ARN, AccountID: DemoAccount}
	g.add(call{at: at, region: "us-east-1", who: &login, name: "ConsoleLogin", source: "signin.amazonaws.com", eventType: "AwsConsoleSignIn",
		response: `{"ConsoleLogin":"Success"}`, extra: loginData("Yes")})
	root.identity.AccessKeyID = g.keyID("ASIA")
	root.console = true
	for _, c := range []struct{ region, name, source string }{
		{"us-east-1", "GetAccountSummary", "iam.amazonaws.com"},
		{"us-east-1", "ListMFADevices", "iam.amazonaws.com"},
		{"us-east-1", "ListAccessKeys", "iam.amazonaws.com"},
		{"eu-west-1", "DescribeRegions", "ec2.amazonaws.com"},
		{"us-east-1", "GetAccountPasswordPolicy", "iam.amazonaws.com"},
	} {
		at = at.Add(g.secs(90))
		g.add(call{at: at, region: c.region, who: root, name: c.name, source: c.source, readOnly: true})
	}
	at = at.Add(g.secs(60))
	g.add(call{at: at, region: "us-east-1", who: root, name: "UpdateAccountPasswordPolicy", source: "iam.amazonaws.com",
		params: `{"minimumPasswordLength":14,"requireSymbols":true,"requireNumbers":true,"requireUppercaseCharacters":true,"requireLowercaseCharacters":true,"allowUsersToChangePassword":true,"maxPasswordAge":90,"passwordReusePrevention":24}`})
}

// denials: an intern without EC2 rights, a CI role probing IAM, and a
// read-only user trying to stop CloudTrail near the breach.
func (g *demoGen) denials() {
	intern := g.iamUser("dev-intern", cliUA("ec2.run-instances"), "203.0.113.58", false)
	for w := 12; w > 0; w -= 1 + g.rng.IntN(2) {
		at := g.ago(w*7-g.rng.IntN(3), 9+g.rng.IntN(8), g.rng.IntN(60), g.rng.IntN(60))
		g.add(call{at: at, region: "us-west-2", who: intern, name: "RunInstances", source: "ec2.amazonaws.com",
			errCode: "Client.UnauthorizedOperation",
			errMsg:  "You are not authorized to perform this operation. User: " + intern.identity.ARN + " is not authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:us-west-2:" + DemoAccount + ":instance/* because no identity-based policy allows the ec2:RunInstances action. Encoded authorization failure message: " + g.hex(96),
			params:  `{"instancesSet":{"items":[{"imageId":"ami-05134c8ef96964280","minCount":1,"maxCount":1}]},"instanceType":"g5.2xlarge","blockDeviceMapping":{},"monitoring":{"enabled":false},"disableApiTermination":false,"disableApiStop":false}`})
	}
	for d := 0; d < g.days(); d += 4 + g.rng.IntN(5) {
		at := g.day(d).Add(time.Duration(g.rng.IntN(86400)) * time.Second)
		ci := g.roleSession("github-actions-deploy", fmt.Sprintf("gha-%d", 11000000000+g.rng.IntN(900000000)), "aws-sdk-js/3.699.0 ua/2.1 os/linux#6.8.0-1017-azure lang/js md/nodejs#20.18.0 api/iam#3.699.0", "20.51.222."+fmt.Sprint(g.rng.IntN(250)), at)
		g.add(call{at: at, region: "us-east-1", who: ci, name: "CreateUser", source: "iam.amazonaws.com",
			errCode: "AccessDenied", errMsg: "User: " + ci.identity.ARN + " is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::" + DemoAccount + ":user/deploy-bot because no identity-based policy allows the iam:CreateUser action",
			params: `{"userName":"deploy-bot"}`, resources: []model.Resource{{Type: "AWS::IAM::User", Name: "deploy-bot"}}})
	}
	at := g.ago(9, 2, 31, 50)
	lena := g.roleSession(ssoReadOnly, "lena.fischer"+ssoEmailDomain, cliUA("cloudtrail.stop-logging"), "185.199.110.42", at)
	g.add(call{at: at, region: "eu-west-1", who: lena, name: "StopLogging", source: "cloudtrail.amazonaws.com",
		errCode: "AccessDenied", errMsg: "User: " + lena.identity.ARN + " is not authorized to perform: cloudtrail:StopLogging on resource: arn:aws:cloudtrail:eu-west-1:" + DemoAccount + ":trail/org-trail",
		params: `{"name":"org-trail"}`, resources: []model.Resource{{Type: "AWS::CloudTrail::Trail", Name: "org-trail"}}})
}
