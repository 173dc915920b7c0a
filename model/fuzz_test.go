package model

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func FuzzFromRecord(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "records", "*.json"))
	for _, file := range files {
		f.Add(readFixture(f, filepath.Base(file)))
	}
	f.Add(`{"userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/R/","principalId":"A:"}}`)
	f.Add(`{"eventSource":"ec2.amazonaws.com","requestParameters":{"instancesSet":{"items":[[{"instanceId":"i-1"}]]}}}`)
	f.Add(`{"eventTime":"2024-13-01T00:00:00Z","readOnly":"yes"}`)
	f.Fuzz(func(t *testing.T, raw string) {
		e, err := FromRecord(raw)
		if e.Raw != raw {
			t.Fatal("Raw not kept")
		}
		if e.ParseError != errString(err) || strings.ContainsAny(e.ParseError, "\n\r") {
			t.Fatalf("ParseError %q for error %v", e.ParseError, err)
		}
		if strings.TrimSpace(raw) != "" && e.ID == "" {
			t.Fatal("no ID for a non-empty record")
		}
		if !e.Time.IsZero() && e.Time.Location() != time.UTC {
			t.Fatalf("time %v not UTC", e.Time)
		}
		if e.Identity.Type == "Root" && e.Username != "root" {
			t.Fatalf("Root named %q", e.Username)
		}
		_, _ = e.Details()

		// Whatever the record holds, its cleaned text is safe to print.
		for _, s := range []string{e.Username, e.Name, e.UserAgent, e.ErrorMessage, e.ParseError} {
			checkPrintable(t, s, Printable(s))
		}
	})
}

// FuzzFastDecoderAgrees checks the fast record decoder against
// encoding/json on any input: where the fast path reads a record, encoding/json
// must read it too, without error, to the same fields; and FromRecord's
// Event (fast path or fallback) equals the reference's either way.
func FuzzFastDecoderAgrees(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "records", "*.json"))
	for _, file := range files {
		f.Add(readFixture(f, filepath.Base(file)))
	}
	for _, raw := range hostileRecords {
		f.Add(raw)
	}
	f.Add(`{"eventTime":"2024-13-01T00:00:00Z","readOnly":"yes","userIdentity":{"sessionContext":{"sessionIssuer":{}}}}`)
	f.Add(`{"eventName":"a\u0000b\ud800","awsRegion":"\u00e9","resources":[{"ARN":1}]}`)
	f.Fuzz(func(t *testing.T, raw string) {
		checkAgainstReference(t, "fuzz", raw)
		fast, ok := fastRecord(raw)
		if !ok {
			return
		}
		var slow record
		if err := json.Unmarshal([]byte(raw), &slow); err != nil {
			t.Fatalf("the fast path reads the record, encoding/json fails: %v", err)
		}
		if !reflect.DeepEqual(normalized(slow), normalized(fast)) {
			t.Fatalf("decoders disagree:\n slow %+v\n fast %+v", slow, fast)
		}
	})
}

// normalized drops the difference between an absent and an empty borrowed
// value, which no caller tells apart.
func normalized(r record) record {
	for _, b := range []*borrowedJSON{&r.ReadOnly, &r.RequestParameters, &r.ResponseElements, &r.AdditionalEventData} {
		if len(*b) == 0 {
			*b = nil
		}
	}
	if len(r.Resources) == 0 {
		r.Resources = nil
	}
	return r
}
