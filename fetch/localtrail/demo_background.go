package localtrail

import (
	"fmt"
	"time"

	"lazytrail/model"
)

// The demo account's background: AWS services, the identity plane and the
// read-only noise every real account is full of.

// awsServices: services assuming roles (AWSService, in us-east-1), auto
// scaling through its service-linked role in us-west-2, the SSM agent on
// instances in eu-west-1, and KMS key rotation (an AwsServiceEvent without
// userIdentity.type).
func (g *demoGen) awsServices() {
	services := []string{"ec2.amazonaws.com", "lambda.amazonaws.com", "autoscaling.amazonaws.com", "ecs-tasks.amazonaws.com"}
	for d := range g.days() {
		for range 6 + g.rng.IntN(8) {
			svc := services[g.rng.IntN(len(services))]
			at := g.day(d).Add(time.Duration(g.rng.IntN(86400)) * time.Second)
			role := map[string]string{"ec2.amazonaws.com": "app-instance-role", "lambda.amazonaws.com": "orders-api-lambda", "autoscaling.amazonaws.com": "AWSServiceRoleForAutoScaling", "ecs-tasks.amazonaws.com": "ecsTaskExecutionRole"}[svc]
			roleARN := "arn:aws:iam::" + DemoAccount + ":role/" + role
			g.add(call{at: at, region: "us-east-1", who: awsService(svc), name: "AssumeRole", source: "sts.amazonaws.com", readOnly: true,
				params:    fmt.Sprintf(`{"roleArn":"%s","roleSessionName":"%s"}`, roleARN, g.hex(12)),
				response:  `{"credentials":{"accessKeyId":"` + g.keyID("ASIA") + `","sessionToken":"<sensitiveDataRemoved>","expiration":"` + at.Add(6*time.Hour).Format("Jan 2, 2006, 3:04:05 PM") + `"}}`,
				resources: []model.Resource{{Type: "AWS::IAM::Role", Name: roleARN}},
				recRes:    []model.RecordResource{{AccountID: DemoAccount, Type: "AWS::IAM::Role", ARN: roleARN}}})
		}
		if g.rng.IntN(3) == 0 {
			at := g.day(d).Add(time.Duration(8+g.rng.IntN(12)) * time.Hour)
			asg := g.roleSession("AWSServiceRoleForAutoScaling", "AutoScaling", "autoscaling.amazonaws.com", "autoscaling.amazonaws.com", at)
			asg.identity.InvokedBy = "autoscaling.amazonaws.com"
			id := g.instanceID()
			g.add(call{at: at, region: "us-west-2", who: asg, name: "RunInstances", source: "ec2.amazonaws.com",
				params:   `{"instancesSet":{"items":[{"minCount":1,"maxCount":1}]},"launchTemplate":{"launchTemplateId":"lt-0e1d2c3b4a5968778","version":"7"},"clientToken":"` + g.uuid() + `"}`,
				response: `{"instancesSet":{"items":[{"instanceId":"` + id + `","instanceState":{"code":0,"name":"pending"},"instanceType":"c5.large"}]}}`, resources: instanceResources(id)})
			end := at.Add(time.Duration(2+g.rng.IntN(6)) * time.Hour)
			g.add(call{at: end, region: "us-west-2", who: asg, name: "TerminateInstances", source: "ec2.amazonaws.com",
				params: instancesParam(id), response: stateChange([]string{id}, "running", "shutting-down", 16, 32), resources: instanceResources(id)})
		}
	}
	agents := []string{g.instanceID(), g.instanceID()}
	for d := g.days() - 30; d < g.days(); d++ {
		for h := 0; h < 24; h += 2 {
			for _, id := range agents {
				at := g.day(d).Add(time.Duration(h)*time.Hour + g.secs(3600))
				who := g.roleSession("app-instance-role", id, "aws-sdk-go/1.44.260 (go1.21.3; linux; amd64) amazon-ssm-agent/3.3.1142.0", "10.20.1."+fmt.Sprint(10+len(id)%50), at)
				who.identity.SessionContext.Attributes = &model.RecordAttributes{CreationDate: at.Add(-time.Hour).Format(time.RFC3339), MFAAuthenticated: "false"}
				g.add(call{at: at, region: "eu-west-1", who: who, name: "UpdateInstanceInformation", source: "ssm.amazonaws.com",
					params:    `{"instanceId":"` + id + `","agentVersion":"3.3.1142.0","agentStatus":"Active","platformType":"Linux","platformName":"Amazon Linux","platformVersion":"2023"}`,
					resources: instanceResources(id)})
			}
		}
	}
	key := "arn:aws:kms:eu-central-1:" + DemoAccount + ":key/2f6a1c9e-7b3d-4e58-9a0c-1d2e3f4a5b6c"
	for d := 3; d < g.days(); d += 30 {
		at := g.day(d).Add(4*time.Hour + g.secs(600))
		g.add(call{at: at, region: "eu-central-1", who: &actor{identity: &model.RecordIdentity{AccountID: DemoAccount, InvokedBy: "AWS Internal"}, userAgent: "AWS Internal", sourceIP: "AWS Internal"},
			name: "RotateKey", source: "kms.amazonaws.com", eventType: "AwsServiceEvent",
			details:   `{"keyId":"2f6a1c9e-7b3d-4e58-9a0c-1d2e3f4a5b6c","rotationType":"AUTOMATIC"}`,
			resources: []model.Resource{{Type: "AWS::KMS::Key", Name: key}}, recRes: []model.RecordResource{{AccountID: DemoAccount, Type: "AWS::KMS::Key", ARN: key}}})
	}
}

// iamAndSTS: identity-plane activity, recorded in us-east-1 only.
func (g *demoGen) iamAndSTS() {
	admin := "sam.okafor" + ssoEmailDomain
	for d := 0; d < g.days(); d += 2 + g.rng.IntN(6) {
		at := g.day(d).Add(time.Duration(9+g.rng.IntN(8))*time.Hour + g.secs(3600))
		who := g.roleSession(ssoAdmin, admin, "AWS Internal", "AWS Internal", at)
		who.console = true
		user := fmt.Sprintf("svc-%s", g.hex(6))
		g.add(call{at: at, region: "us-east-1", who: who, name: "CreateUser", source: "iam.amazonaws.com",
			params:    `{"userName":"` + user + `","tags":[]}`,
			response:  `{"user":{"path":"/","userName":"` + user + `","userId":"` + g.keyID("AIDA") + `","arn":"arn:aws:iam::` + DemoAccount + `:user/` + user + `","createDate":"` + at.Format("Jan 2, 2006, 3:04:05 PM") + `"}}`,
			resources: []model.Resource{{Type: "AWS::IAM::User", Name: user}}})
		at = at.Add(g.secs(120))
		g.add(call{at: at, region: "us-east-1", who: who, name: "AttachUserPolicy", source: "iam.amazonaws.com",
			params:    `{"userName":"` + user + `","policyArn":"arn:aws:iam::aws:policy/ReadOnlyAccess"}`,
			resources: []model.Resource{{Type: "AWS::IAM::User", Name: user}, {Type: "AWS::IAM::Policy", Name: "arn:aws:iam::aws:policy/ReadOnlyAccess"}}})
	}
	for d := range g.days() {
		for range 3 + g.rng.IntN(6) {
			at := g.day(d).Add(time.Duration(g.rng.IntN(86400)) * time.Second)
			ci := g.roleSession("github-actions-deploy", fmt.Sprintf("gha-%d", 11000000000+g.rng.IntN(900000000)), "aws-sdk-js/3.699.0 ua/2.1 os/linux#6.8.0-1017-azure lang/js md/nodejs#20.18.0 api/sts#3.699.0", "20.51.222."+fmt.Sprint(g.rng.IntN(250)), at)
			g.add(call{at: at, region: "us-east-1", who: ci, name: "GetCallerIdentity", source: "sts.amazonaws.com", readOnly: true})
			for _, name := range []string{"ListRoles", "GetRole", "ListAttachedRolePolicies"}[:1+g.rng.IntN(3)] {
				at = at.Add(g.secs(5))
				g.add(call{at: at, region: "us-east-1", who: ci, name: name, source: "iam.amazonaws.com", readOnly: true})
			}
		}
	}
}

// noise: read-only sessions of people, CI and monitoring in every region,
// denser in recent weeks, as in a real account.
func (g *demoGen) noise() {
	people := []string{"priya.nair", "tom.weber", "lena.fischer", "jordan.lee", "sam.okafor", "mei.chen", "olu.adeyemi"}
	weight := map[string]int{"us-east-1": 3, "eu-west-1": 3, "us-west-2": 2, "eu-central-1": 2}
	reads := []struct{ name, source string }{
		{"DescribeInstances", "ec2.amazonaws.com"}, {"DescribeInstances", "ec2.amazonaws.com"}, {"DescribeInstanceStatus", "ec2.amazonaws.com"},
		{"DescribeSecurityGroups", "ec2.amazonaws.com"}, {"DescribeVolumes", "ec2.amazonaws.com"}, {"DescribeSubnets", "ec2.amazonaws.com"},
		{"DescribeVpcs", "ec2.amazonaws.com"}, {"DescribeAddresses", "ec2.amazonaws.com"}, {"DescribeImages", "ec2.amazonaws.com"},
		{"DescribeTags", "ec2.amazonaws.com"}, {"DescribeAlarms", "monitoring.amazonaws.com"}, {"DescribeLogGroups", "logs.amazonaws.com"},
		{"DescribeDBInstances", "rds.amazonaws.com"}, {"ListFunctions20150331", "lambda.amazonaws.com"}, {"DescribeLoadBalancers", "elasticloadbalancing.amazonaws.com"},
		{"DescribeStacks", "cloudformation.amazonaws.com"}, {"DescribeInstanceInformation", "ssm.amazonaws.com"}, {"GetMetricData", "monitoring.amazonaws.com"},
	}
	n := g.days()
	for d := range n {
		ramp := 0.5 + 2*float64(d)/float64(n)
		for _, region := range DemoRegions {
			w := max(1, weight[region])
			bursts := int(float64(w)*2.3*ramp + g.rng.Float64())
			for range bursts {
				hour := 6 + g.rng.IntN(14)
				if g.rng.IntN(5) == 0 {
					hour = g.rng.IntN(24)
				}
				at := g.day(d).Add(time.Duration(hour)*time.Hour + time.Duration(g.rng.IntN(3600))*time.Second)
				var who *actor
				switch k := g.rng.IntN(10); {
				case k < 5:
					p := people[g.rng.IntN(len(people))]
					role := ssoReadOnly
					if g.rng.IntN(4) == 0 {
						role = ssoPowerUser
					}
					who = g.roleSession(role, p+ssoEmailDomain, consoleEC2UA, "198.51.100."+fmt.Sprint(10+g.rng.IntN(90)), at)
					who.console = true
				case k < 8:
					who = g.roleSession("github-actions-deploy", fmt.Sprintf("gha-%d", 11000000000+g.rng.IntN(900000000)), "aws-sdk-js/3.699.0 ua/2.1 os/linux#6.8.0-1017-azure lang/js md/nodejs#20.18.0 api/ec2#3.699.0", "20.51.222."+fmt.Sprint(g.rng.IntN(250)), at)
				default:
					who = g.roleSession("DatadogIntegrationRole", "DatadogAWSIntegration", "aws-sdk-go/1.55.5 (go1.22.7; linux; amd64)", "3.233.144."+fmt.Sprint(g.rng.IntN(250)), at)
				}
				for range 2 + g.rng.IntN(9) {
					r := reads[g.rng.IntN(len(reads))]
					at = at.Add(g.secs(20))
					g.add(call{at: at, region: region, who: who, name: r.name, source: r.source, readOnly: true})
				}
			}
		}
	}
}
