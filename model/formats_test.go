package model

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

// Every format has one name and one extension of its own, and what it
// writes for the same events reads back as those events: the registry's
// writers, checked against independent readers (encoding/json, encoding/csv).
func TestFormatsRegistry(t *testing.T) {
	if got := FormatNames(); !slices.Equal(got, []string{"jsonl", "json", "csv", "table"}) {
		t.Errorf("FormatNames() = %v", got)
	}
	if got := FormatNamesText(); got != "jsonl, json, csv or table" {
		t.Errorf("FormatNamesText() = %q", got)
	}
	exts := map[string]bool{}
	for _, f := range Formats() {
		if f.Ext == "" || exts[f.Ext] || f.New == nil {
			t.Errorf("format %s: extension %q (taken: %v), writer %v", f.Name, f.Ext, exts[f.Ext], f.New != nil)
		}
		exts[f.Ext] = true
		if g, ok := FormatNamed(f.Name); !ok || g.Name != f.Name {
			t.Errorf("FormatNamed(%q) = %v, %v", f.Name, g.Name, ok)
		}
	}
	if _, ok := FormatNamed("yaml"); ok {
		t.Error("FormatNamed(yaml) found a format")
	}

	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	evs := []Event{
		{ID: "a", Time: at, Name: "GetObject", Region: "eu-west-1", Raw: `{"eventID":"a","eventName":"GetObject"}`},
		{ID: "b", Time: at, Name: "PutObject", Region: "us-east-1", Raw: `{"eventID":"b","eventName":"PutObject"}`},
	}
	write := func(name string, evs []Event) string {
		f, _ := FormatNamed(name)
		var buf bytes.Buffer
		w := bufio.NewWriter(&buf)
		out := f.New(w)
		for i := range evs {
			out.Event(&evs[i])
		}
		if err := out.End(); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	ids := func(recs []map[string]any) string {
		var s []string
		for _, r := range recs {
			s = append(s, r["eventID"].(string))
		}
		return strings.Join(s, ",")
	}

	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSuffix(write("jsonl", evs), "\n"), "\n") {
		var r map[string]any
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("jsonl line %q: %v", l, err)
		}
		lines = append(lines, r)
	}
	if got := ids(lines); got != "a,b" {
		t.Errorf("jsonl ids = %s", got)
	}

	for n, want := range map[int]string{0: "", 2: "a,b"} {
		var arr []map[string]any
		if err := json.Unmarshal([]byte(write("json", evs[:n])), &arr); err != nil {
			t.Fatalf("json of %d events: %v", n, err)
		}
		if got := ids(arr); got != want || arr == nil {
			t.Errorf("json of %d events: ids %q (nil array: %v)", n, got, arr == nil)
		}
	}

	rows, err := csv.NewReader(strings.NewReader(write("csv", evs))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || !slices.Equal(rows[0], CSVHeader) || rows[1][9] != "a" || rows[2][2] != "PutObject" {
		t.Errorf("csv rows %q", rows)
	}

	table := strings.Split(strings.TrimSuffix(write("table", evs), "\n"), "\n")
	if len(table) != 3 || !strings.HasPrefix(table[0], "TIME (UTC)") || !strings.Contains(table[2], "us-east-1") || !strings.Contains(table[2], "PutObject") {
		t.Errorf("table lines %q", table)
	}
}
