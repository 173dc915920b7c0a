package pricing

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pricing/types"

	"lazytrail/model"
)

// query is one GetProducts question: the service, its TERM_MATCH filters,
// which of the products answered is the one meant (a region's NAT gateway
// products include the bytes processed and regional gateways; its load
// balancer products include capacity units), and the unit the price must
// be in. The attribute names are the Price List's; every query pins the
// region by regionCode and leaves out Local Zones and Outposts by
// locationType.
type query struct {
	service string
	filters []types.Filter
	pick    func(usagetype string) bool // nil: any product
	unit    string                      // Hrs or GB-Mo
	per     model.PriceUnit
}

func termMatch(field, value string) types.Filter {
	return types.Filter{Type: types.FilterTypeTermMatch, Field: aws.String(field), Value: aws.String(value)}
}

// loadBalancerUsage reports a load balancer's own hours, with or without a
// region prefix (LoadBalancerUsage, USW2-LoadBalancerUsage), and not the
// trust store's (TS-, EUW2-TS-) nor an Outpost's (EUW2-Outposts-).
func loadBalancerUsage(u string) bool {
	parts := strings.Split(u, "-")
	switch len(parts) {
	case 1:
		return u == "LoadBalancerUsage"
	case 2:
		return parts[1] == "LoadBalancerUsage" && parts[0] != "TS"
	}
	return false
}

// lbFamilies are the productFamily of each ELBv2 load balancer type, as
// CreateLoadBalancer's response names the type.
var lbFamilies = map[string]string{
	"application": "Load Balancer-Application",
	"network":     "Load Balancer-Network",
	"gateway":     "Load Balancer-Gateway",
}

// rdsEngines are the Price List's databaseEngine for the engines whose
// price needs no edition or licence model (CreateDBInstance's engine).
var rdsEngines = map[string]string{
	"mysql":             "MySQL",
	"postgres":          "PostgreSQL",
	"mariadb":           "MariaDB",
	"aurora-mysql":      "Aurora MySQL",
	"aurora-postgresql": "Aurora PostgreSQL",
}

// errUnpriced is a key this pricer cannot ask about; its text is the
// miss's reason.
type errUnpriced string

func (e errUnpriced) Error() string { return string(e) }

// queryFor builds the question for a key. On-demand Linux, shared tenancy
// and Single-AZ are assumed: CloudTrail's create calls do not carry the
// licence, and the ledger's size does not carry Multi-AZ.
func queryFor(key model.PriceKey) (query, error) {
	region := termMatch("regionCode", key.Region)
	inRegion := termMatch("locationType", "AWS Region")
	switch key.Kind {
	case model.CostEC2Instance:
		if key.Size == "" {
			return query{}, errUnpriced("instance type unknown")
		}
		return query{service: "AmazonEC2", unit: "Hrs", per: model.PerHour, filters: []types.Filter{
			termMatch("instanceType", key.Size), region, inRegion,
			termMatch("operatingSystem", "Linux"), termMatch("tenancy", "Shared"),
			termMatch("preInstalledSw", "NA"), termMatch("capacitystatus", "Used"),
		}}, nil
	case model.CostEBSVolume:
		volumeType, _, _ := strings.Cut(key.Size, " ") // "gp3 500 GiB" or "gp3"
		if volumeType == "" {
			return query{}, errUnpriced("volume type unknown")
		}
		return query{service: "AmazonEC2", unit: "GB-Mo", per: model.PerGBMonth, filters: []types.Filter{
			termMatch("productFamily", "Storage"), termMatch("volumeApiName", volumeType), region, inRegion,
		}}, nil
	case model.CostElasticIP:
		// Public IPv4 moved to AmazonVPC with the February 2024 change; an
		// allocated address is billed the same idle or in use.
		return query{service: "AmazonVPC", unit: "Hrs", per: model.PerHour,
			filters: []types.Filter{termMatch("group", "VPCPublicIPv4Address"), region, inRegion},
			pick:    func(u string) bool { return strings.HasSuffix(u, "PublicIPv4:IdleAddress") }}, nil
	case model.CostNATGateway:
		return query{service: "AmazonEC2", unit: "Hrs", per: model.PerHour,
			filters: []types.Filter{termMatch("productFamily", "NAT Gateway"), region, inRegion},
			pick:    func(u string) bool { return u == "NatGateway-Hours" || strings.HasSuffix(u, "-NatGateway-Hours") }}, nil
	case model.CostLoadBalancer:
		family := lbFamilies[strings.ToLower(key.Size)]
		if family == "" {
			return query{}, errUnpriced(fmt.Sprintf("load balancer type %q unknown", key.Size))
		}
		return query{service: "AWSELB", unit: "Hrs", per: model.PerHour,
			filters: []types.Filter{termMatch("productFamily", family), region, inRegion},
			pick:    loadBalancerUsage}, nil
	case model.CostRDSInstance:
		class, engine, _ := strings.Cut(key.Size, " ")
		dbEngine := rdsEngines[strings.ToLower(engine)]
		switch {
		case class == "" || engine == "":
			return query{}, errUnpriced("DB class or engine unknown")
		case dbEngine == "":
			return query{}, errUnpriced(fmt.Sprintf("engine %q not priced (only MySQL, PostgreSQL, MariaDB and Aurora are)", engine))
		}
		return query{service: "AmazonRDS", unit: "Hrs", per: model.PerHour, filters: []types.Filter{
			termMatch("productFamily", "Database Instance"), termMatch("instanceType", class),
			termMatch("databaseEngine", dbEngine), termMatch("deploymentOption", "Single-AZ"), region, inRegion,
		}}, nil
	case model.CostEKSCluster:
		return query{service: "AmazonEKS", unit: "Hrs", per: model.PerHour,
			filters: []types.Filter{region, inRegion},
			pick:    func(u string) bool { return strings.HasSuffix(u, "AmazonEKS-Hours:perCluster") }}, nil
	}
	if key.Kind == model.CostNone {
		return query{}, errUnpriced("no hourly price: billed by use")
	}
	return query{}, errUnpriced(fmt.Sprintf("no hourly price for %q resources", key.Kind))
}
