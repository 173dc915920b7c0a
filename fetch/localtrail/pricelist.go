package localtrail

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// The Price List Query API's GetProducts, served beside LookupEvents so that
// --demo can price its ledger through the real SDK client. Filters are
// evaluated as AWS documents TERM_MATCH: a product matches when every
// filter's field (an attribute, productFamily or sku) equals its value.

const getProductsTarget = "AWSPriceListService.GetProducts"

type getProductsRequest struct {
	ServiceCode   *string
	Filters       []priceFilter
	FormatVersion *string
	MaxResults    *float64
	NextToken     *string
}

type priceFilter struct {
	Type  *string
	Field *string
	Value *string
}

// SetPricingDenied makes GetProducts answer AccessDeniedException, as for
// a principal without pricing:GetProducts.
func (s *Server) SetPricingDenied(denied bool) { s.pricingDenied.Store(denied) }

// PricingRequests counts the GetProducts requests answered (or refused)
// since the server started.
func (s *Server) PricingRequests() int { return int(s.pricingRequests.Load()) }

func (s *Server) getProducts(w http.ResponseWriter, r *http.Request) {
	s.pricingRequests.Add(1)
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if s.pricingDenied.Load() {
		writeError(w, badRequest("AccessDeniedException",
			"User: arn:aws:sts::123456789012:assumed-role/lazytrail/local is not authorized to perform: pricing:GetProducts because no identity-based policy allows the pricing:GetProducts action"))
		return
	}
	var req getProductsRequest
	if err == nil {
		err = json.Unmarshal(body, &req)
	}
	if err != nil {
		writeError(w, badRequest("SerializationException", "The request body is not a valid GetProducts request: "+err.Error()))
		return
	}
	products, next, apiErr := evaluate(&req)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	out := struct {
		FormatVersion string
		PriceList     []string
		NextToken     *string `json:",omitempty"`
	}{FormatVersion: "aws_v1", PriceList: products}
	if next != "" {
		out.NextToken = &next
	}
	writeJSON(w, http.StatusOK, out)
}

// evaluate answers one page: the matching products' documents in catalogue
// order, and the token of the next page ("" at the end).
func evaluate(req *getProductsRequest) ([]string, string, *apiError) {
	invalid := func(msg string) ([]string, string, *apiError) {
		return nil, "", badRequest("InvalidParameterException", msg)
	}
	if req.ServiceCode == nil || *req.ServiceCode == "" {
		return invalid("ServiceCode is required.")
	}
	if req.FormatVersion != nil && *req.FormatVersion != "aws_v1" {
		return invalid("FormatVersion " + strconv.Quote(*req.FormatVersion) + " is not supported; use aws_v1.")
	}
	limit := 100
	if req.MaxResults != nil {
		m := *req.MaxResults
		if m != float64(int(m)) || m < 1 || m > 100 {
			return invalid("MaxResults must be between 1 and 100.")
		}
		limit = int(m)
	}
	for _, f := range req.Filters {
		if f.Field == nil || f.Value == nil {
			return invalid("Each filter needs a Field and a Value.")
		}
		if f.Type == nil || *f.Type != "TERM_MATCH" {
			t := "<none>"
			if f.Type != nil {
				t = *f.Type
			}
			return invalid(fmt.Sprintf("Filter type %q is not evaluated by this endpoint; use TERM_MATCH.", t))
		}
	}
	from := 0
	if req.NextToken != nil {
		n, err := strconv.Atoi(strings.TrimPrefix(*req.NextToken, "products-after-"))
		if err != nil || n < 0 || !strings.HasPrefix(*req.NextToken, "products-after-") {
			return invalid("The NextToken is not valid.")
		}
		from = n
	}
	var matched []string
	for _, p := range catalogue() {
		if p.service == *req.ServiceCode && p.matches(req.Filters) {
			matched = append(matched, p.doc)
		}
	}
	if from > len(matched) {
		return invalid("The NextToken is not valid.")
	}
	page, next := matched[from:], ""
	if len(page) > limit {
		page, next = page[:limit], "products-after-"+strconv.Itoa(from+limit)
	}
	return page, next, nil
}

func (p *catalogueProduct) matches(filters []priceFilter) bool {
	for _, f := range filters {
		if *f.Field == "ServiceCode" {
			if p.service != *f.Value {
				return false
			}
			continue
		}
		if v, ok := p.fields[*f.Field]; !ok || v != *f.Value {
			return false
		}
	}
	return true
}
