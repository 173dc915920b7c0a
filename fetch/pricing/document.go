package pricing

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// document is the part of a Price List product document read here: the
// product's usagetype and its on-demand price dimensions.
type document struct {
	Product struct {
		Attributes struct {
			UsageType string `json:"usagetype"`
		} `json:"attributes"`
	} `json:"product"`
	Terms struct {
		OnDemand map[string]struct {
			PriceDimensions map[string]struct {
				Unit         string            `json:"unit"`
				BeginRange   string            `json:"beginRange"`
				PricePerUnit map[string]string `json:"pricePerUnit"`
			} `json:"priceDimensions"`
		} `json:"OnDemand"`
	} `json:"terms"`
}

// onDemandUSD reads a product's on-demand USD price in unit: the first
// tier's (beginRange 0), as a resource's own hours start there.
func onDemandUSD(raw, unit string) (usd float64, usagetype string, err error) {
	var d document
	if err := json.Unmarshal([]byte(raw), &d); err != nil {
		return 0, "", fmt.Errorf("a price list document does not parse: %v", err)
	}
	usagetype = d.Product.Attributes.UsageType
	for _, term := range d.Terms.OnDemand {
		for _, dim := range term.PriceDimensions {
			if dim.Unit != unit || (dim.BeginRange != "" && dim.BeginRange != "0") {
				continue
			}
			s, ok := dim.PricePerUnit["USD"]
			if !ok {
				continue
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || v < 0 {
				return 0, usagetype, fmt.Errorf("price %q of %s is not a number", s, usagetype)
			}
			return v, usagetype, nil
		}
	}
	return 0, usagetype, errNoOnDemand
}

var errNoOnDemand = fmt.Errorf("no on-demand price")
