package model

import "unsafe"

// resourceRule says where a resource LookupEvents would list can be found in
// a record that has no resources[] of its own: for calls to source, follow
// path from the top of requestParameters (or responseElements), walking
// through any arrays on the way, to string leaves naming resources of typ.
type resourceRule struct {
	source     string
	inResponse bool
	path       []string
	typ        string
}

var resourceRules = []resourceRule{
	// Stop/Start/Reboot/TerminateInstances name them in the request,
	// RunInstances only in its response.
	{"ec2.amazonaws.com", false, []string{"instancesSet", "items", "instanceId"}, "AWS::EC2::Instance"},
	{"ec2.amazonaws.com", true, []string{"instancesSet", "items", "instanceId"}, "AWS::EC2::Instance"},
	{"ec2.amazonaws.com", false, []string{"instanceId"}, "AWS::EC2::Instance"},
	{"ec2.amazonaws.com", false, []string{"groupId"}, "AWS::EC2::SecurityGroup"},
	{"ec2.amazonaws.com", true, []string{"groupId"}, "AWS::EC2::SecurityGroup"},
	{"s3.amazonaws.com", false, []string{"bucketName"}, "AWS::S3::Bucket"},
	{"iam.amazonaws.com", false, []string{"userName"}, "AWS::IAM::User"},
	{"iam.amazonaws.com", false, []string{"roleName"}, "AWS::IAM::Role"},
	{"iam.amazonaws.com", false, []string{"policyArn"}, "AWS::IAM::Policy"},
	{"cloudtrail.amazonaws.com", false, []string{"name"}, "AWS::CloudTrail::Trail"},
	{"cloudtrail.amazonaws.com", false, []string{"trailName"}, "AWS::CloudTrail::Trail"},
}

// recordResources lists the record's own resources[], or when it has none
// the ones resourceRules derive from its request and response.
func recordResources(r *record) []Resource {
	if len(r.Resources) > 0 {
		out := make([]Resource, 0, len(r.Resources))
		for _, res := range r.Resources {
			name := res.ARN
			if name == "" {
				name = res.ARNPrefix
			}
			out = append(out, Resource{Type: intern(res.Type), Name: intern(name)})
		}
		return out
	}
	var found resourceSet
	for i := range resourceRules {
		rule := &resourceRules[i]
		if rule.source != r.EventSource {
			continue
		}
		// Most calls (Describe*, List*) name no resource: skip a side
		// that does not even mention the key. A side that is null or
		// absent simply yields nothing.
		side := r.RequestParameters
		if rule.inResponse {
			side = r.ResponseElements
		}
		doc := unsafe.String(unsafe.SliceData(side), len(side)) // only read
		if !mentions(doc, rule.path[len(rule.path)-1]) {
			continue
		}
		pathStrings(doc, rule.path, func(name string) {
			found.add(Resource{Type: rule.typ, Name: intern(name)})
		})
	}
	return found.list
}

// resourceSet keeps resources in first-seen order without repeats.
type resourceSet struct {
	list []Resource
	seen map[Resource]struct{} // only once the list is too long to scan
}

func (s *resourceSet) add(r Resource) {
	if s.seen != nil {
		if _, dup := s.seen[r]; dup {
			return
		}
		s.seen[r] = struct{}{}
	} else {
		for _, have := range s.list {
			if have == r {
				return
			}
		}
		if len(s.list) == 16 {
			s.seen = make(map[Resource]struct{}, 32)
			for _, have := range s.list {
				s.seen[have] = struct{}{}
			}
			s.seen[r] = struct{}{}
		}
	}
	s.list = append(s.list, r)
}
