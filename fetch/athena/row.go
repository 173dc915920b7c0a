package athena

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"lazytrail/model"
)

// A row is one result row as Athena returns it: text per selected column
// (columns' order), nil for SQL NULL.
type row []*string

// eventFromRow makes the event a row describes: its record rebuilt from
// the columns (what the list, detail pane and filter read) and the log
// file it came from, where the JSON pane reads the exact original.
func eventFromRow(r row) (model.Event, error) {
	if len(r) != len(columns) {
		return model.Event{}, fmt.Errorf("a result row has %d columns, the query selects %d", len(r), len(columns))
	}
	col := func(name string) string {
		for i, c := range columns {
			if c == name {
				if r[i] == nil {
					return ""
				}
				return *r[i]
			}
		}
		panic("athena: no column " + name) // a typo here, caught by every test
	}
	// The record put back together from the columns, in the shape every
	// record lazytrail writes takes (model.Record): the original's field
	// order and spelling, empty fields left out as the original leaves
	// out what it does not have.
	rec := model.Record{
		EventVersion:        col("eventversion"),
		EventTime:           col("eventtime"),
		EventSource:         col("eventsource"),
		EventName:           col("eventname"),
		AWSRegion:           col("awsregion"),
		SourceIPAddress:     col("sourceipaddress"),
		UserAgent:           col("useragent"),
		ErrorCode:           col("errorcode"),
		ErrorMessage:        col("errormessage"),
		RequestParameters:   jsonText(col("requestparameters")),
		ResponseElements:    jsonText(col("responseelements")),
		AdditionalEventData: jsonText(col("additionaleventdata")),
		RequestID:           col("requestid"),
		EventID:             col("eventid"),
		EventType:           col("eventtype"),
		APIVersion:          col("apiversion"),
		RecipientAccountID:  col("recipientaccountid"),
		ServiceEventDetails: jsonText(col("serviceeventdetails")),
		SharedEventID:       col("sharedeventid"),
		VPCEndpointID:       col("vpcendpointid"),
		VPCEndpointAccount:  col("vpcendpointaccountid"),
		EventCategory:       col("eventcategory"),
		FromConsole:         col("sessioncredentialfromconsole"),
		EdgeDeviceDetails:   jsonText(col("edgedevicedetails")),
	}
	tls := model.RecordTLS{
		TLSVersion:               col("tlsdetails.tlsversion"),
		CipherSuite:              col("tlsdetails.ciphersuite"),
		ClientProvidedHostHeader: col("tlsdetails.clientprovidedhostheader"),
	}
	if tls != (model.RecordTLS{}) {
		rec.TLSDetails = &tls
	}
	switch strings.ToLower(col("readonly")) {
	case "true":
		rec.ReadOnly = ptr(true)
	case "false":
		rec.ReadOnly = ptr(false)
	}
	id := model.RecordIdentity{
		Type:        col("useridentity.type"),
		PrincipalID: col("useridentity.principalid"),
		ARN:         col("useridentity.arn"),
		AccountID:   col("useridentity.accountid"),
		AccessKeyID: col("useridentity.accesskeyid"),
		UserName:    col("useridentity.username"),
		InvokedBy:   col("useridentity.invokedby"),
	}
	if v := col(onBehalfOfColumn); v != "" {
		id.OnBehalfOf = &model.RecordOnBehalfOf{UserID: v}
	}
	issuer := model.RecordIssuer{
		Type:     col("useridentity.sessioncontext.sessionissuer.type"),
		ARN:      col("useridentity.sessioncontext.sessionissuer.arn"),
		UserName: col("useridentity.sessioncontext.sessionissuer.username"),
	}
	var session model.RecordSession
	if issuer != (model.RecordIssuer{}) {
		session.SessionIssuer = &issuer
	}
	attrs := model.RecordAttributes{
		CreationDate:     col("useridentity.sessioncontext.attributes.creationdate"),
		MFAAuthenticated: col("useridentity.sessioncontext.attributes.mfaauthenticated"),
	}
	if attrs != (model.RecordAttributes{}) {
		session.Attributes = &attrs
	}
	if session != (model.RecordSession{}) {
		id.SessionContext = &session
	}
	if id != (model.RecordIdentity{}) {
		rec.UserIdentity = &id
	}
	resources, err := resourcesOf(col(resourcesText))
	if err != nil {
		return model.Event{}, err
	}
	rec.Resources = resources

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep <, > and & as the record has them
	if err := enc.Encode(rec); err != nil {
		return model.Event{}, fmt.Errorf("rebuilding the record: %w", err)
	}
	e, err := model.FromRecord(strings.TrimSuffix(buf.String(), "\n"))
	e.Origin = col(`"$path"`)
	if e.Account == "" {
		e.Account = model.Intern(col(accountPartition)) // as the trail reader fills it in
	}
	return e, err
}

// jsonText keeps a column that holds a JSON object's text (the serde
// reads nested objects declared STRING as their text) as that JSON, or as
// a JSON string when it is not valid JSON, so that nothing is lost.
func jsonText(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	if json.Valid([]byte(s)) {
		return json.RawMessage(s)
	}
	quoted, _ := json.Marshal(s)
	return quoted
}

// resourcesOf reads the resources column's JSON text. Trino casts an
// array of named rows to an array of objects keyed by the field names
// (arn, accountid, type); older engines cast rows to arrays in field
// order. Both are read.
func resourcesOf(text string) ([]model.RecordResource, error) {
	if text == "" || text == "null" {
		return nil, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal([]byte(text), &items); err != nil {
		return nil, fmt.Errorf("the resources column is not a JSON array: %w", err)
	}
	out := make([]model.RecordResource, 0, len(items))
	for _, item := range items {
		var fields map[string]*string
		if err := json.Unmarshal(item, &fields); err == nil {
			var res model.RecordResource
			for k, v := range fields {
				if v == nil {
					continue
				}
				switch strings.ToLower(k) {
				case "arn":
					res.ARN = *v
				case "accountid":
					res.AccountID = *v
				case "type":
					res.Type = *v
				}
			}
			out = append(out, res)
			continue
		}
		var list []*string
		if err := json.Unmarshal(item, &list); err != nil || len(list) != 3 {
			return nil, fmt.Errorf("a resource is neither an object nor [arn, accountid, type]: %.80s", item)
		}
		at := func(i int) string {
			if list[i] == nil {
				return ""
			}
			return *list[i]
		}
		out = append(out, model.RecordResource{ARN: at(0), AccountID: at(1), Type: at(2)})
	}
	return out, nil
}

func ptr[T any](v T) *T { return &v }
