package lookup

import (
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"lazytrail/model"
)

// FromLookup builds an Event from one LookupEvents result; it never fails.
// The lookup fields win over the record's where both exist, since they are
// what the API filters on; region is the region the event was fetched from
// and is used when the record does not name one. When CloudTrailEvent does
// not parse, the event lists with the lookup fields and ParseError set.
func FromLookup(le types.Event, region string) model.Event {
	var e model.Event
	if le.CloudTrailEvent == nil {
		e = model.Event{ParseError: "LookupEvents returned no CloudTrailEvent"}
	} else {
		e, _ = model.FromRecord(*le.CloudTrailEvent)
	}
	if le.EventId != nil {
		e.ID = *le.EventId
	}
	if le.EventTime != nil {
		e.Time = le.EventTime.UTC()
	}
	if le.EventName != nil {
		e.Name = model.Intern(*le.EventName)
	}
	if le.EventSource != nil {
		e.Source = model.Intern(*le.EventSource)
	}
	if le.Username != nil {
		e.Username = model.Intern(*le.Username)
	}
	if le.AccessKeyId != nil {
		e.AccessKeyID = model.Intern(*le.AccessKeyId)
	}
	if le.ReadOnly != nil {
		e.ReadOnly = model.ParseTristate(*le.ReadOnly)
	}
	if len(le.Resources) > 0 {
		res := make([]model.Resource, 0, len(le.Resources))
		for _, r := range le.Resources {
			res = append(res, model.Resource{Type: model.Intern(deref(r.ResourceType)), Name: model.Intern(deref(r.ResourceName))})
		}
		e.Resources = res
	}
	if e.Region == "" {
		e.Region = model.Intern(region)
	}
	return e
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
