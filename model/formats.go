package model

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"strings"
)

// The output formats, registered once: --print's choices (and its usage
// and errors), the headless printer's writers and the TUI's export files
// all read this list, so a format added here is offered everywhere.

// Format is one output format.
type Format struct {
	Name string // what --print takes
	Ext  string // an export file's extension, without the dot
	// New starts writing the format to w: a header, if it has one, now;
	// then an event at a time, so nothing is held but w's buffer.
	New func(w *bufio.Writer) EventWriter
}

// EventWriter writes one format's events as they come.
type EventWriter interface {
	// Event writes one event. A write error sticks in the bufio.Writer;
	// its Flush reports it.
	Event(e *Event)
	// End writes what closes the output (json's "]") and flushes what the
	// format buffers of its own, with the first write error.
	End() error
}

// formats are the formats in the order --print lists them.
var formats = []Format{
	{Name: "jsonl", Ext: "jsonl", New: func(w *bufio.Writer) EventWriter { return jsonlWriter{w} }},
	{Name: "json", Ext: "json", New: func(w *bufio.Writer) EventWriter { return &jsonWriter{w: w} }},
	{Name: "csv", Ext: "csv", New: newCSVWriter},
	{Name: "table", Ext: "txt", New: newTableWriter},
}

// Formats lists the output formats, jsonl first.
func Formats() []Format { return append([]Format(nil), formats...) }

// FormatNames are the formats' names, in order: --print's choices.
func FormatNames() []string {
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = f.Name
	}
	return names
}

// FormatNamesText lists the names for a sentence: "jsonl, json, csv or
// table".
func FormatNamesText() string {
	names := FormatNames()
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// FormatNamed is the format called name; false when none is.
func FormatNamed(name string) (Format, bool) {
	for _, f := range formats {
		if f.Name == name {
			return f, true
		}
	}
	return Format{}, false
}

// jsonlWriter writes each record on a line of its own (RecordJSON's bytes).
type jsonlWriter struct{ w *bufio.Writer }

func (p jsonlWriter) Event(e *Event) {
	WriteRecordJSON(p.w, e)
	p.w.WriteByte('\n')
}
func (p jsonlWriter) End() error { return nil }

// jsonWriter streams one JSON array without holding the events.
type jsonWriter struct {
	w *bufio.Writer
	n int
}

func (p *jsonWriter) Event(e *Event) {
	if p.n == 0 {
		p.w.WriteString("[\n")
	} else {
		p.w.WriteString(",\n")
	}
	p.n++
	WriteRecordJSON(p.w, e)
}

func (p *jsonWriter) End() error {
	if p.n == 0 {
		p.w.WriteString("[]\n")
		return nil
	}
	p.w.WriteString("\n]\n")
	return nil
}

// csvWriter writes CSVHeader, then a CSVRow an event.
type csvWriter struct{ w *csv.Writer }

func newCSVWriter(w *bufio.Writer) EventWriter {
	c := csv.NewWriter(w)
	_ = c.Write(CSVHeader)
	return csvWriter{c}
}

func (p csvWriter) Event(e *Event) { _ = p.w.Write(CSVRow(e)) }
func (p csvWriter) End() error {
	p.w.Flush()
	return p.w.Error()
}

// tableHeader is the table format's header row.
var tableHeader = []string{"TIME (UTC)", "ACCOUNT", "REGION", "EVENT", "USER", "SOURCE", "RESOURCE", "ERROR"}

// tableWidths are fixed so rows stream out without buffering the result.
var tableWidths = []int{20, 13, 15, 32, 28, 16, 24, 0}

// tableWriter writes aligned columns for a person to read.
type tableWriter struct{ w *bufio.Writer }

func newTableWriter(w *bufio.Writer) EventWriter {
	fmt.Fprintln(w, tableRow(tableHeader))
	return tableWriter{w}
}

func (p tableWriter) Event(e *Event) {
	res := ""
	if len(e.Resources) > 0 {
		res = e.Resources[0].Name
	}
	fmt.Fprintln(p.w, tableRow([]string{e.Time.Format("2006-01-02 15:04:05"), e.Account, e.Region, e.Name, Who(e),
		strings.TrimSuffix(e.Source, ".amazonaws.com"), res, e.ErrorCode}))
}
func (p tableWriter) End() error { return nil }

// tableRow is one line of the table format: each column made printable,
// cut to its width with "…", padded; trailing spaces dropped.
func tableRow(cols []string) string {
	var b strings.Builder
	for i, c := range cols {
		c = Printable(c)
		w := tableWidths[i]
		if w == 0 {
			b.WriteString(c)
			continue
		}
		r := []rune(c)
		if len(r) > w-1 {
			c = string(r[:w-2]) + "…"
			r = []rune(c)
		}
		b.WriteString(c)
		b.WriteString(strings.Repeat(" ", w-len(r)))
	}
	return strings.TrimRight(b.String(), " ")
}
