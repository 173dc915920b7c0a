package localtrail

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/pricing"
	"github.com/aws/aws-sdk-go-v2/service/pricing/types"
	"github.com/aws/smithy-go"
)

func pricingClient(url string) *pricing.Client {
	return pricing.New(pricing.Options{Region: "us-east-1", HTTPClient: sharedHTTP, BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""), RetryMaxAttempts: 1})
}

func match(field, value string) types.Filter {
	return types.Filter{Type: types.FilterTypeTermMatch, Field: aws.String(field), Value: aws.String(value)}
}

// priceDoc is what the test reads of a product document, with encoding/json.
type priceDoc struct {
	Product struct {
		ProductFamily string
		Attributes    map[string]string
		SKU           string
	}
	ServiceCode string
	Terms       struct {
		OnDemand map[string]struct {
			PriceDimensions map[string]struct {
				Unit         string
				PricePerUnit map[string]string
			}
		}
	}
}

func products(t *testing.T, c *pricing.Client, service string, filters ...types.Filter) []priceDoc {
	t.Helper()
	var docs []priceDoc
	p := pricing.NewGetProductsPaginator(c, &pricing.GetProductsInput{ServiceCode: aws.String(service), Filters: filters,
		FormatVersion: aws.String("aws_v1"), MaxResults: aws.Int32(3)})
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range out.PriceList {
			var d priceDoc
			if err := json.Unmarshal([]byte(s), &d); err != nil {
				t.Fatalf("%v: %s", err, s)
			}
			docs = append(docs, d)
		}
	}
	return docs
}

// TestGetProductsTermMatch drives the endpoint with the SDK's own client
// and paginator: each filter narrows the products to those whose field
// equals the value, and the documents have the Price List's shape.
func TestGetProductsTermMatch(t *testing.T) {
	c := pricingClient(serve(t, New(nil, Options{})))
	gpu := []types.Filter{match("instanceType", "g5.2xlarge"), match("regionCode", "us-west-2")}
	if got := products(t, c, "AmazonEC2", gpu...); len(got) != 3 {
		t.Errorf("g5.2xlarge in us-west-2: %d products, want Linux, Windows and the reservation", len(got))
	}
	got := products(t, c, "AmazonEC2", append(gpu, match("operatingSystem", "Linux"), match("tenancy", "Shared"),
		match("preInstalledSw", "NA"), match("capacitystatus", "Used"))...)
	if len(got) != 1 {
		t.Fatalf("%d products, want one", len(got))
	}
	d := got[0]
	a := d.Product.Attributes
	if d.ServiceCode != "AmazonEC2" || d.Product.ProductFamily != "Compute Instance" || a["location"] != "US West (Oregon)" ||
		a["usagetype"] != "USW2-BoxUsage:g5.2xlarge" || len(d.Product.SKU) != 16 || len(d.Terms.OnDemand) != 1 {
		t.Errorf("document %+v", d)
	}
	for _, term := range d.Terms.OnDemand {
		for _, dim := range term.PriceDimensions {
			if dim.Unit != "Hrs" || dim.PricePerUnit["USD"] != "1.2120000000" {
				t.Errorf("price %+v", dim)
			}
		}
	}
	if got := products(t, c, "AmazonEC2", match("productFamily", "NAT Gateway"), match("regionCode", "eu-west-1")); len(got) != 2 {
		t.Errorf("NAT gateway products in eu-west-1: %d, want hours and bytes", len(got))
	}
	if got := products(t, c, "AmazonVPC", match("group", "VPCPublicIPv4Address"), match("regionCode", "us-east-1")); len(got) != 2 {
		t.Errorf("public IPv4 products in us-east-1: %d, want idle and in use", len(got))
	}
	if got := products(t, c, "AmazonEC2", match("instanceType", "g5.2xlarge"), match("regionCode", "ap-south-1")); len(got) != 0 {
		t.Errorf("a region not in the catalogue: %d products", len(got))
	}
	if got := products(t, c, "AmazonRDS", match("noSuchAttribute", "x")); len(got) != 0 {
		t.Errorf("an unknown attribute matched %d products", len(got))
	}
}

// TestGetProductsPagesEveryProductOnce: small pages join to the whole
// service's catalogue, each product once.
func TestGetProductsPagesEveryProductOnce(t *testing.T) {
	c := pricingClient(serve(t, New(nil, Options{})))
	var skus []string
	for _, d := range products(t, c, "AmazonEC2") {
		skus = append(skus, d.Product.SKU)
	}
	want := 0
	for _, r := range priceRows {
		if r.service == "AmazonEC2" {
			want++
		}
	}
	slices.Sort(skus)
	if len(skus) != want || len(slices.Compact(skus)) != want {
		t.Errorf("%d products (%d distinct), want %d", len(skus), len(slices.Compact(skus)), want)
	}
}

func TestGetProductsRefusals(t *testing.T) {
	srv := New(nil, Options{})
	c := pricingClient(serve(t, srv))
	code := func(in *pricing.GetProductsInput) string {
		_, err := c.GetProducts(context.Background(), in)
		var apiErr smithy.APIError
		if errors.As(err, &apiErr) {
			return apiErr.ErrorCode()
		}
		return ""
	}
	contains := types.Filter{Type: types.FilterTypeContains, Field: aws.String("instanceType"), Value: aws.String("g5")}
	if got := code(&pricing.GetProductsInput{ServiceCode: aws.String("AmazonEC2"), Filters: []types.Filter{contains}}); got != "InvalidParameterException" {
		t.Errorf("CONTAINS: %q", got)
	}
	if got := code(&pricing.GetProductsInput{ServiceCode: aws.String("AmazonEC2"), NextToken: aws.String("forged")}); got != "InvalidParameterException" {
		t.Errorf("forged token: %q", got)
	}
	srv.SetPricingDenied(true)
	_, err := c.GetProducts(context.Background(), &pricing.GetProductsInput{ServiceCode: aws.String("AmazonEC2")})
	var denied *types.AccessDeniedException
	if !errors.As(err, &denied) || !strings.Contains(err.Error(), "pricing:GetProducts") {
		t.Errorf("denied: %v", err)
	}
	if srv.PricingRequests() != 3 {
		t.Errorf("%d requests counted, want 3", srv.PricingRequests())
	}
}
