package localtrail

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"sync"
)

// The Price List catalogue the local endpoint's GetProducts answers from:
// on-demand prices for the demo account's resource types and regions,
// plus the neighbouring products a real GetProducts returns for the same
// query (Windows and reserved-capacity rows of an instance type, Multi-AZ
// databases, NAT data processing, load balancer capacity units, EKS
// extended support) so that a client whose filters or choice among the
// results are wrong gets a wrong price here too.
//
// The priced rows carry AWS's published on-demand rates (USD) as they
// stood in 2025, from AWS's pricing pages: EC2 from
// aws.amazon.com/ec2/pricing/on-demand/ (Linux, shared tenancy), EBS from
// aws.amazon.com/ebs/pricing/, public IPv4 from aws.amazon.com/vpc/pricing/
// ($0.005 an hour for every address since February 2024, in use or idle),
// NAT gateways from the same page, load balancers from
// aws.amazon.com/elasticloadbalancing/pricing/, RDS from
// aws.amazon.com/rds/mysql/pricing/ and /rds/postgresql/pricing/, EKS from
// aws.amazon.com/eks/pricing/ ($0.10 an hour per cluster in standard
// support, $0.60 in extended). They were written down from those pages,
// not fetched here (this machine does not reach AWS): the real GetProducts
// is the authority. The neighbouring rows (Windows, reservations,
// Multi-AZ, bytes, LCUs, trust-store and regional-NAT hours) are there to
// be told apart; their prices only need to differ. The attribute names and
// values (regionCode, productFamily, volumeApiName, group
// VPCPublicIPv4Address under AmazonVPC, usagetype prefixes like USW2- and
// EU-) are the Price List's, as open-source cost tools query them.

type priceRow struct {
	service   string // serviceCode
	family    string // product.productFamily; "" when the Price List gives none
	region    string // regionCode
	usagetype string
	operation string
	unit      string // Hrs, GB-Mo, GB, LCU-Hrs
	usd       string
	desc      string
	attrs     map[string]string
}

// locations are the Price List's location names for the regions priced.
var locations = map[string]string{
	"us-east-1": "US East (N. Virginia)", "us-west-2": "US West (Oregon)", "eu-west-1": "EU (Ireland)",
	"eu-central-1": "EU (Frankfurt)",
}

// usagePrefix is the usagetype prefix of a region (us-east-1 has none in
// EC2, ELB and RDS; AmazonVPC and AmazonEKS write USE1-).
var usagePrefix = map[string]string{"us-east-1": "", "us-west-2": "USW2-", "eu-west-1": "EU-", "eu-central-1": "EUC1-"}

func prefixed(region string, always bool) string {
	if p := usagePrefix[region]; p != "" || !always {
		return p
	}
	return "USE1-"
}

func ec2Instance(region, typ, os, capacity, usd string) priceRow {
	operation, sw := "RunInstances", "NA"
	if os == "Windows" {
		operation = "RunInstances:0002"
	}
	usage := prefixed(region, false) + "BoxUsage:" + typ
	if capacity != "Used" {
		usage = prefixed(region, false) + capacity + ":" + typ
	}
	return priceRow{service: "AmazonEC2", family: "Compute Instance", region: region, usagetype: usage, operation: operation,
		unit: "Hrs", usd: usd, desc: fmt.Sprintf("$%s per On Demand %s %s Instance Hour", usd, os, typ),
		attrs: map[string]string{"instanceType": typ, "operatingSystem": os, "tenancy": "Shared", "preInstalledSw": sw,
			"capacitystatus": capacity, "licenseModel": "No License required", "marketoption": "OnDemand"}}
}

func ebsVolume(region, apiName, volumeType, usd string) priceRow {
	return priceRow{service: "AmazonEC2", family: "Storage", region: region, usagetype: prefixed(region, false) + "EBS:VolumeUsage." + apiName,
		operation: "", unit: "GB-Mo", usd: usd, desc: fmt.Sprintf("$%s per GB-month of %s provisioned storage", usd, volumeType),
		attrs: map[string]string{"volumeApiName": apiName, "volumeType": volumeType, "storageMedia": "SSD-backed"}}
}

func publicIPv4(region, state, usd string) priceRow {
	return priceRow{service: "AmazonVPC", region: region, usagetype: prefixed(region, true) + "PublicIPv4:" + state + "Address",
		unit: "Hrs", usd: usd, desc: fmt.Sprintf("$%s per %s public IPv4 address per hour", usd, state),
		attrs: map[string]string{"group": "VPCPublicIPv4Address", "groupDescription": "Hourly charge for " + state + " Public IPv4 Addresses"}}
}

func natGateway(region, usage, unit, usd string) priceRow {
	return priceRow{service: "AmazonEC2", family: "NAT Gateway", region: region, usagetype: prefixed(region, false) + usage,
		operation: "NatGateway", unit: unit, usd: usd, desc: fmt.Sprintf("$%s per %s for %s", usd, unit, usage),
		attrs: map[string]string{"group": "NGW:NatGateway"}}
}

func loadBalancer(region, family, usage, operation, unit, usd string) priceRow {
	return priceRow{service: "AWSELB", family: family, region: region, usagetype: prefixed(region, false) + usage,
		operation: operation, unit: unit, usd: usd, desc: fmt.Sprintf("$%s per %s (%s)", usd, unit, usage),
		attrs: map[string]string{"groupDescription": family}}
}

func rdsInstance(region, class, engine, deployment, usd string) priceRow {
	usage := "InstanceUsage:"
	if deployment == "Multi-AZ" {
		usage = "Multi-AZUsage:"
	}
	return priceRow{service: "AmazonRDS", family: "Database Instance", region: region, usagetype: prefixed(region, false) + usage + class,
		operation: "CreateDBInstance:0002", unit: "Hrs", usd: usd, desc: fmt.Sprintf("$%s per RDS %s %s instance hour (%s)", usd, class, engine, deployment),
		attrs: map[string]string{"instanceType": class, "databaseEngine": engine, "deploymentOption": deployment, "licenseModel": "No license required"}}
}

func eksCluster(region, support, usd string) priceRow {
	return priceRow{service: "AmazonEKS", family: "Compute", region: region, usagetype: prefixed(region, true) + "AmazonEKS-Hours:" + support,
		operation: "CreateOperation", unit: "Hrs", usd: usd, desc: fmt.Sprintf("Amazon EKS cluster usage in %s (%s)", region, support),
		attrs: map[string]string{"tiertype": support}}
}

var priceRows = []priceRow{
	ec2Instance("us-west-2", "g5.2xlarge", "Linux", "Used", "1.2120000000"),
	ec2Instance("us-west-2", "g5.2xlarge", "Windows", "Used", "1.5800000000"),
	ec2Instance("us-west-2", "g5.2xlarge", "Linux", "AllocatedCapacityReservation", "0.0000000000"),
	ec2Instance("us-east-1", "g5.2xlarge", "Linux", "Used", "1.2120000000"),
	ec2Instance("us-west-2", "t3.large", "Linux", "Used", "0.0832000000"),
	ec2Instance("us-west-2", "t3.large", "Windows", "Used", "0.1108000000"),
	ec2Instance("us-west-2", "m5.large", "Linux", "Used", "0.0960000000"),
	ec2Instance("us-west-2", "c5.large", "Linux", "Used", "0.0850000000"),
	ec2Instance("eu-west-1", "t3.medium", "Linux", "Used", "0.0456000000"),
	ec2Instance("eu-west-1", "t3.medium", "Windows", "Used", "0.0640000000"),
	ec2Instance("us-east-1", "t3.medium", "Linux", "Used", "0.0416000000"),

	ebsVolume("us-west-2", "gp3", "General Purpose", "0.0800000000"),
	ebsVolume("us-west-2", "gp2", "General Purpose", "0.1000000000"),
	ebsVolume("us-west-2", "io2", "Provisioned IOPS", "0.1250000000"),
	ebsVolume("us-east-1", "gp3", "General Purpose", "0.0800000000"),
	ebsVolume("eu-west-1", "gp3", "General Purpose", "0.0880000000"),
	ebsVolume("eu-west-1", "gp2", "General Purpose", "0.1100000000"),

	publicIPv4("us-east-1", "Idle", "0.0050000000"),
	publicIPv4("us-east-1", "InUse", "0.0050000000"),
	publicIPv4("eu-west-1", "Idle", "0.0050000000"),
	publicIPv4("eu-west-1", "InUse", "0.0050000000"),
	publicIPv4("us-west-2", "Idle", "0.0050000000"),
	publicIPv4("us-west-2", "InUse", "0.0050000000"),

	natGateway("us-east-1", "NatGateway-Hours", "Hrs", "0.0450000000"),
	natGateway("us-east-1", "NatGateway-Bytes", "GB", "0.0450000000"),
	natGateway("us-east-1", "RegionalNatGateway-Hours", "Hrs", "0.0650000000"),
	natGateway("eu-west-1", "NatGateway-Hours", "Hrs", "0.0480000000"),
	natGateway("eu-west-1", "NatGateway-Bytes", "GB", "0.0480000000"),

	loadBalancer("us-east-1", "Load Balancer-Application", "LoadBalancerUsage", "LoadBalancing:Application", "Hrs", "0.0225000000"),
	loadBalancer("us-east-1", "Load Balancer-Application", "LCUUsage", "LoadBalancing:Application", "LCU-Hrs", "0.0080000000"),
	loadBalancer("us-east-1", "Load Balancer-Application", "TS-LoadBalancerUsage", "LoadBalancing:Application", "Hrs", "0.0050000000"),
	loadBalancer("us-east-1", "Load Balancer-Network", "LoadBalancerUsage", "LoadBalancing:Network", "Hrs", "0.0225000000"),
	loadBalancer("us-east-1", "Load Balancer", "LoadBalancerUsage", "LoadBalancing", "Hrs", "0.0250000000"),
	loadBalancer("eu-west-1", "Load Balancer-Application", "LoadBalancerUsage", "LoadBalancing:Application", "Hrs", "0.0252000000"),
	loadBalancer("eu-west-1", "Load Balancer-Network", "LoadBalancerUsage", "LoadBalancing:Network", "Hrs", "0.0252000000"),
	loadBalancer("eu-west-1", "Load Balancer-Network", "LCUUsage", "LoadBalancing:Network", "LCU-Hrs", "0.0060000000"),

	rdsInstance("us-east-1", "db.t3.micro", "MySQL", "Single-AZ", "0.0170000000"),
	rdsInstance("us-east-1", "db.t3.micro", "MySQL", "Multi-AZ", "0.0340000000"),
	rdsInstance("us-east-1", "db.t3.micro", "PostgreSQL", "Single-AZ", "0.0180000000"),
	rdsInstance("eu-west-1", "db.m5.large", "PostgreSQL", "Single-AZ", "0.1910000000"),
	rdsInstance("eu-west-1", "db.m5.large", "PostgreSQL", "Multi-AZ", "0.3820000000"),
	rdsInstance("eu-west-1", "db.m5.xlarge", "PostgreSQL", "Single-AZ", "0.3820000000"),
	rdsInstance("eu-west-1", "db.m5.large", "MySQL", "Single-AZ", "0.1900000000"),

	eksCluster("us-west-2", "perCluster", "0.1000000000"),
	eksCluster("us-west-2", "extendedSupport", "0.6000000000"),
	eksCluster("us-east-1", "perCluster", "0.1000000000"),
}

// catalogueProduct is one product as GetProducts returns it: the document
// (a JSON string on the wire) and what its filters match against.
type catalogueProduct struct {
	service string
	fields  map[string]string // the attributes, productFamily and sku
	doc     string
}

var catalogue = sync.OnceValue(func() []catalogueProduct {
	out := make([]catalogueProduct, len(priceRows))
	for i, r := range priceRows {
		out[i] = r.product()
	}
	return out
})

const (
	onDemandOffer = "JRTCKXETXF" // the offer term code of every on-demand price
	onDemandRate  = "6YS6EN2CT7"
	publication   = "2025-11-20T18:30:12Z"
)

func (r priceRow) product() catalogueProduct {
	sum := sha256.Sum256([]byte(r.service + r.region + r.usagetype + r.family + fmt.Sprint(r.attrs)))
	const alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
	sku := make([]byte, 16)
	for i := range sku {
		sku[i] = alphabet[int(sum[i])%len(alphabet)]
	}
	attrs := map[string]string{"servicecode": r.service, "regionCode": r.region, "location": locations[r.region],
		"locationType": "AWS Region", "usagetype": r.usagetype}
	if r.operation != "" {
		attrs["operation"] = r.operation
	}
	for k, v := range r.attrs {
		attrs[k] = v
	}
	type dimension struct {
		Unit         string            `json:"unit"`
		EndRange     string            `json:"endRange"`
		Description  string            `json:"description"`
		AppliesTo    []string          `json:"appliesTo"`
		RateCode     string            `json:"rateCode"`
		BeginRange   string            `json:"beginRange"`
		PricePerUnit map[string]string `json:"pricePerUnit"`
	}
	type term struct {
		PriceDimensions map[string]dimension `json:"priceDimensions"`
		SKU             string               `json:"sku"`
		EffectiveDate   string               `json:"effectiveDate"`
		OfferTermCode   string               `json:"offerTermCode"`
		TermAttributes  map[string]string    `json:"termAttributes"`
	}
	type product struct {
		ProductFamily string            `json:"productFamily,omitempty"`
		Attributes    map[string]string `json:"attributes"`
		SKU           string            `json:"sku"`
	}
	s := string(sku)
	rate := s + "." + onDemandOffer + "." + onDemandRate
	doc, err := json.Marshal(struct {
		Product         product                    `json:"product"`
		ServiceCode     string                     `json:"serviceCode"`
		Terms           map[string]map[string]term `json:"terms"`
		Version         string                     `json:"version"`
		PublicationDate string                     `json:"publicationDate"`
	}{
		Product:     product{ProductFamily: r.family, Attributes: attrs, SKU: s},
		ServiceCode: r.service,
		Terms: map[string]map[string]term{"OnDemand": {s + "." + onDemandOffer: {
			PriceDimensions: map[string]dimension{rate: {Unit: r.unit, EndRange: "Inf", Description: r.desc, AppliesTo: []string{},
				RateCode: rate, BeginRange: "0", PricePerUnit: map[string]string{"USD": r.usd}}},
			SKU: s, EffectiveDate: "2025-11-01T00:00:00Z", OfferTermCode: onDemandOffer, TermAttributes: map[string]string{},
		}}},
		Version: "20251120183012", PublicationDate: publication,
	})
	if err != nil {
		panic(err) // a bug in the table
	}
	fields := map[string]string{"sku": s}
	if r.family != "" {
		fields["productFamily"] = r.family
	}
	for k, v := range attrs {
		fields[k] = v
	}
	return catalogueProduct{service: r.service, fields: fields, doc: string(doc)}
}
