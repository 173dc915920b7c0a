package model

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// synth makes realistic CloudTrail records for benchmarks: the mix the
// design's stories describe (read-only Describe noise from roles, scheduler
// sessions stopping and starting instances, IAM users launching with
// Terraform, console sign-ins, access-denied calls, service events), with
// the repetition of a real account: a few dozen sessions, users, IPs and
// user agents, sixteen regions, and unique event and request ids.
type synth struct {
	rng *rand.Rand
	t   time.Time
	n   int
}

func newSynth(seed uint64) *synth {
	return &synth{rng: rand.New(rand.NewPCG(seed, 1)), t: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)}
}

var (
	synthRegions = []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3",
		"eu-central-1", "eu-north-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-southeast-1",
		"ap-southeast-2", "ca-central-1", "sa-east-1"}
	synthAgents = []string{
		"aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.171.0",
		"aws-cli/2.15.40 Python/3.11.8 Linux/6.5.0-1018-aws exe/x86_64.ubuntu.22 prompt/off command/ec2.describe-instances",
		"APN/1.0 HashiCorp/1.0 Terraform/1.8.2 (+https://www.terraform.io) terraform-provider-aws/5.49.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go/1.51.30 (go1.22.2; linux; amd64)",
		"Skeddly/1.0 aws-sdk-dotnet-45/3.7.300.2 ua/2.0 os/windows#6.2.9200.0 md/ARCH#X64 lang/.NET_Framework#4.8",
		"Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
	}
	synthDescribes = []string{"DescribeInstances", "DescribeSecurityGroups", "DescribeVolumes", "DescribeSubnets",
		"DescribeInstanceStatus", "DescribeTags"}
)

func (s *synth) pick(list []string) string { return list[s.rng.IntN(len(list))] }

func (s *synth) uuid() string {
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", s.rng.Uint32(), s.rng.IntN(1<<16), s.rng.IntN(1<<12), s.rng.IntN(1<<12), s.rng.Uint64()&(1<<48-1))
}

func (s *synth) assumedRole(role, session string) string {
	return fmt.Sprintf(`{"type":"AssumedRole","principalId":"AROAEXAMPLE%s:%s","arn":"arn:aws:sts::111122223333:assumed-role/%s/%s","accountId":"111122223333","accessKeyId":"ASIAEXAMPLE%08d","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE%s","arn":"arn:aws:iam::111122223333:role/%s","accountId":"111122223333","userName":"%s"},"webIdFederationData":{},"attributes":{"creationDate":"2024-05-01T00:00:00Z","mfaAuthenticated":"false"}}}`,
		role, session, role, session, len(session)*7919%100000000, role, role, role)
}

func (s *synth) iamUser(name string) string {
	return fmt.Sprintf(`{"type":"IAMUser","principalId":"AIDAEXAMPLE%s","arn":"arn:aws:iam::111122223333:user/%s","accountId":"111122223333","accessKeyId":"AKIAEXAMPLE%s","userName":"%s","sessionContext":{"attributes":{"creationDate":"2024-05-01T08:00:00Z","mfaAuthenticated":"true"}}}`,
		name, name, name, name)
}

// record returns the next synthetic record, 1 to 3 KB of compact JSON.
func (s *synth) record() string {
	s.n++
	s.t = s.t.Add(time.Duration(s.rng.IntN(20)) * time.Second)
	region := s.pick(synthRegions)
	when := s.t.Format(time.RFC3339)
	id, req := s.uuid(), s.uuid()
	instance := fmt.Sprintf("i-%017x", s.rng.IntN(400))
	tail := fmt.Sprintf(`"requestID":"%s","eventID":"%s","eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"ec2.%s.amazonaws.com"}`, req, id, region)
	ip := fmt.Sprintf("198.51.100.%d", s.rng.IntN(30))
	switch k := s.rng.IntN(100); {
	case k < 55: // read-only noise from CI and monitoring roles
		role := []string{"MonitoringRole", "CIDeployRole", "AWSReservedSSO_ReadOnly_0123abcd"}[k%3]
		session := fmt.Sprintf("session-%d", s.rng.IntN(40))
		return fmt.Sprintf(`{"eventVersion":"1.09","userIdentity":%s,"eventTime":"%s","eventSource":"ec2.amazonaws.com","eventName":"%s","awsRegion":"%s","sourceIPAddress":"%s","userAgent":"%s","requestParameters":{"maxResults":1000,"filterSet":{"items":[{"name":"instance-state-name","valueSet":{"items":[{"value":"running"}]}}]}},"responseElements":null,"readOnly":true,%s}`,
			s.assumedRole(role, session), when, s.pick(synthDescribes), region, ip, s.pick(synthAgents), tail)
	case k < 75: // the scheduler
		session := fmt.Sprintf("skeddly-%06x", s.rng.IntN(60))
		name := []string{"StopInstances", "StartInstances"}[k%2]
		return fmt.Sprintf(`{"eventVersion":"1.09","userIdentity":%s,"eventTime":"%s","eventSource":"ec2.amazonaws.com","eventName":"%s","awsRegion":"%s","sourceIPAddress":"34.201.12.9","userAgent":"%s","requestParameters":{"instancesSet":{"items":[{"instanceId":"%s"}]},"force":false},"responseElements":{"requestId":"%s","instancesSet":{"items":[{"instanceId":"%s","currentState":{"code":64,"name":"stopping"},"previousState":{"code":16,"name":"running"}}]}},"readOnly":false,%s}`,
			s.assumedRole("SkeddlyRole", session), when, name, region, synthAgents[3], instance, req, instance, tail)
	case k < 85: // people launching with Terraform
		user := []string{"adam", "beatrice", "chen", "dana"}[k%4]
		return fmt.Sprintf(`{"eventVersion":"1.09","userIdentity":%s,"eventTime":"%s","eventSource":"ec2.amazonaws.com","eventName":"RunInstances","awsRegion":"%s","sourceIPAddress":"%s","userAgent":"%s","requestParameters":{"instancesSet":{"items":[{"imageId":"ami-0abcdef1234567890","minCount":1,"maxCount":1}]},"instanceType":"t3.micro","blockDeviceMapping":{},"monitoring":{"enabled":false},"disableApiTermination":false,"disableApiStop":false,"clientToken":"terraform-%s"},"responseElements":{"requestId":"%s","reservationId":"r-0123456789abcdef0","ownerId":"111122223333","groupSet":{},"instancesSet":{"items":[{"instanceId":"%s","imageId":"ami-0abcdef1234567890","instanceState":{"code":0,"name":"pending"},"privateDnsName":"ip-10-0-1-23.ec2.internal","amiLaunchIndex":0,"productCodes":{},"instanceType":"t3.micro","launchTime":1714550400000,"placement":{"availabilityZone":"%sa","tenancy":"default"},"monitoring":{"state":"disabled"},"subnetId":"subnet-0123456789abcdef0","vpcId":"vpc-0123456789abcdef0","privateIpAddress":"10.0.1.23"}]}},"readOnly":false,%s}`,
			s.iamUser(user), when, region, ip, synthAgents[2], req, req, instance, region, tail)
	case k < 92: // denied calls
		return fmt.Sprintf(`{"eventVersion":"1.09","userIdentity":%s,"eventTime":"%s","eventSource":"ec2.amazonaws.com","eventName":"TerminateInstances","awsRegion":"%s","errorCode":"Client.UnauthorizedOperation","errorMessage":"You are not authorized to perform this operation. User: arn:aws:sts::111122223333:assumed-role/CIDeployRole/session-3 is not authorized to perform: ec2:TerminateInstances on resource: arn:aws:ec2:%s:111122223333:instance/%s","sourceIPAddress":"%s","userAgent":"%s","requestParameters":{"instancesSet":{"items":[{"instanceId":"%s"}]}},"responseElements":null,"readOnly":false,%s}`,
			s.assumedRole("CIDeployRole", "session-3"), when, region, region, instance, ip, synthAgents[0], instance, tail)
	case k < 96: // console sign-ins
		return fmt.Sprintf(`{"eventVersion":"1.09","userIdentity":%s,"eventTime":"%s","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"%s","userAgent":"%s","requestParameters":null,"responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"LoginTo":"https://console.aws.amazon.com/console/home","MobileVersion":"No","MFAUsed":"Yes"},"eventID":"%s","readOnly":false,"eventType":"AwsConsoleSignIn","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}`,
			s.iamUser("beatrice"), when, ip, synthAgents[4], id)
	default: // service events
		return fmt.Sprintf(`{"eventVersion":"1.08","userIdentity":{"type":"AWSService","invokedBy":"autoscaling.amazonaws.com"},"eventTime":"%s","eventSource":"sts.amazonaws.com","eventName":"AssumeRole","awsRegion":"%s","sourceIPAddress":"autoscaling.amazonaws.com","userAgent":"autoscaling.amazonaws.com","requestParameters":{"roleArn":"arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling","roleSessionName":"AutoScaling"},"responseElements":{"credentials":{"accessKeyId":"ASIAEXAMPLESERVICE01","sessionToken":"<sensitiveDataRemoved>","expiration":"May 6, 2024, 5:12:00 AM"}},"readOnly":true,"resources":[{"accountId":"111122223333","type":"AWS::IAM::Role","ARN":"arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"}],%s}`,
			when, region, tail)
	}
}
