package model

import (
	"path/filepath"
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
