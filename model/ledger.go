package model

import (
	"context"
	"time"
)

// LedgerRow is one resource the ledger saw created, changed or deleted in
// the range. Text fields are as recorded (attacker-controlled: escape them
// to show). The json names are the ledger's jsonl keys.
type LedgerRow struct {
	ResourceID   string `json:"resourceId"`
	ResourceType string `json:"resourceType"` // AWS::EC2::Instance
	Account      string `json:"account"`
	Region       string `json:"region"`

	// Created* are zero when the creation is not in the range (a resource
	// only changed or deleted in it).
	CreatedTime    time.Time `json:"createdTime"`
	CreatedBy      string    `json:"createdBy"` // the user name as the list shows it
	CreatedByARN   string    `json:"createdByArn"`
	CreatedEventID string    `json:"createdEventId"`
	// CreatedByService is the AWS service that made the call for someone
	// (userIdentity.invokedBy, or the service of an AWSService identity):
	// autoscaling.amazonaws.com for AutoScaling's instances.
	CreatedByService string `json:"createdByService"`
	UserAgent        string `json:"userAgent"` // the creating call's

	DeletedTime time.Time `json:"deletedTime"`
	DeletedBy   string    `json:"deletedBy"`
	// Alive is true when no delete was seen in the range: it says no more
	// than that (a delete outside the range, by a service, or in a source
	// the filter left out would not be seen).
	Alive bool `json:"alive"`

	Size         string  `json:"size"`         // instance type, "gp3 100 GiB", DB class and engine, … (the latest seen)
	RunningHours float64 `json:"runningHours"` // within the range: running for instances and RDS, existing for the rest
	// EstimatedCostUSD is on-demand price × RunningHours (× size for
	// storage), nil when there is no price (CostNote says why).
	EstimatedCostUSD *float64 `json:"estimatedCostUSD"`
	CostNote         string   `json:"costNote,omitempty"`

	Events int `json:"events"` // events about it in the range
}

// PriceKey is what a unit price depends on.
type PriceKey struct {
	Kind   CostKind
	Region string // awsRegion
	Size   string // instance type, volume type, LB type, "db.t3.micro mysql"; "" when the kind has one price per region
}

// PriceUnit is what a price is per.
type PriceUnit string

// The price units.
const (
	PerHour    PriceUnit = "hour"
	PerGBMonth PriceUnit = "GB-month" // a month is 730 hours, as AWS prices them
)

// Price is one on-demand unit price.
type Price struct {
	USD     float64
	Per     PriceUnit
	Fetched time.Time // when the price list was read (a cached price keeps its date)
}

// PriceMiss is a key that has no price, and why (unknown type, no
// permission, offline and not cached).
type PriceMiss struct {
	Key    PriceKey
	Reason string
}

// Pricer finds unit prices. It does I/O: call it from a command, not from
// Update. The root package hands one to the TUI and to --view resources;
// model only defines what it answers.
type Pricer interface {
	Prices(ctx context.Context, keys []PriceKey) (map[PriceKey]Price, []PriceMiss)
}
