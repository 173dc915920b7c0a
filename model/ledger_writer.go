package model

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// The ledger's output formats (--view resources --print …): the same four
// names as the events' formats, writing LedgerRows instead of records.
// Every text a record supplied (ids, user names, user agents) is
// attacker-controlled: the JSON formats escape what a terminal could act
// on, csv and table pass each field through Printable.

// LedgerWriter writes ledger rows in one format.
type LedgerWriter interface {
	// Row writes one row. A write error sticks; End reports it.
	Row(r *LedgerRow)
	// End writes what closes the output (json's "]", the table's totals)
	// and flushes, with the first error.
	End() error
}

// NewLedgerWriter starts writing rows in format (one of FormatNames:
// jsonl, json, csv, table) to w; csv writes its header now.
func NewLedgerWriter(format string, w io.Writer) (LedgerWriter, error) {
	b := bufio.NewWriter(w)
	switch format {
	case "jsonl":
		return &ledgerJSONWriter{w: b, lines: true}, nil
	case "json":
		return &ledgerJSONWriter{w: b}, nil
	case "csv":
		c := csv.NewWriter(b)
		_ = c.Write(LedgerCSVHeader)
		return &ledgerCSVWriter{w: b, c: c}, nil
	case "table":
		fmt.Fprintln(b, ledgerTableLine(ledgerTableHeader))
		return &ledgerTableWriter{w: b}, nil
	}
	return nil, fmt.Errorf("--print %s: the resource ledger prints as %s", Printable(format), FormatNamesText())
}

// ledgerRowJSON is one row as compact JSON, safe for a terminal: its keys
// are LedgerRow's json names.
func ledgerRowJSON(r *LedgerRow) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // a user agent's "<" stays readable
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	return EscapeUnsafe(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))), nil
}

// ledgerJSONWriter writes a row a line (jsonl) or one array (json).
type ledgerJSONWriter struct {
	w     *bufio.Writer
	lines bool
	n     int
	err   error
}

func (p *ledgerJSONWriter) Row(r *LedgerRow) {
	b, err := ledgerRowJSON(r)
	if err != nil {
		if p.err == nil {
			p.err = fmt.Errorf("resource %s: %w", Printable(r.ResourceID), err)
		}
		return
	}
	switch {
	case p.lines:
	case p.n == 0:
		p.w.WriteString("[\n")
	default:
		p.w.WriteString(",\n")
	}
	p.n++
	p.w.Write(b)
	if p.lines {
		p.w.WriteByte('\n')
	}
}

func (p *ledgerJSONWriter) End() error {
	if !p.lines {
		if p.n == 0 {
			p.w.WriteString("[]\n")
		} else {
			p.w.WriteString("\n]\n")
		}
	}
	if err := p.w.Flush(); err != nil {
		return err
	}
	return p.err
}

// LedgerCSVHeader is the csv format's header: LedgerRow's json names, in
// order, so a column means the same as the jsonl key.
var LedgerCSVHeader = []string{"resourceId", "resourceType", "account", "region",
	"createdTime", "createdBy", "createdByArn", "createdEventId", "createdByService", "userAgent",
	"deletedTime", "deletedBy", "alive", "size", "runningHours", "estimatedCostUSD", "costNote", "events"}

// ledgerCSVRow is one row's csv fields, each printable: times in RFC 3339
// (empty when not seen), numbers in full, an estimate empty when there is
// none (costNote says why).
func ledgerCSVRow(r *LedgerRow) []string {
	cost := ""
	if r.EstimatedCostUSD != nil {
		cost = strconv.FormatFloat(*r.EstimatedCostUSD, 'f', -1, 64)
	}
	row := []string{r.ResourceID, r.ResourceType, r.Account, r.Region,
		ledgerTimeText(r.CreatedTime, time.RFC3339), r.CreatedBy, r.CreatedByARN, r.CreatedEventID, r.CreatedByService, r.UserAgent,
		ledgerTimeText(r.DeletedTime, time.RFC3339), r.DeletedBy, strconv.FormatBool(r.Alive), r.Size,
		strconv.FormatFloat(r.RunningHours, 'f', -1, 64), cost, r.CostNote, strconv.Itoa(r.Events)}
	for i := range row {
		row[i] = Printable(row[i])
	}
	return row
}

func ledgerTimeText(t time.Time, layout string) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(layout)
}

type ledgerCSVWriter struct {
	w *bufio.Writer
	c *csv.Writer
}

func (p *ledgerCSVWriter) Row(r *LedgerRow) { _ = p.c.Write(ledgerCSVRow(r)) }

func (p *ledgerCSVWriter) End() error {
	p.c.Flush()
	if err := p.c.Error(); err != nil {
		return err
	}
	return p.w.Flush()
}

// The table format: fixed widths, so rows stream out as they come; the
// resource column keeps an id's end (an ARN's distinguishing part), the
// others their start.
var (
	ledgerTableHeader = []string{"RESOURCE", "TYPE", "REGION", "CREATED BY", "CREATED (UTC)", "SIZE", "HOURS", "EST. $", "STATUS"}
	ledgerTableWidths = []int{30, 22, 15, 22, 17, 20, 10, 12, 0}
	ledgerTableRight  = []bool{false, false, false, false, false, false, true, true, false}
)

type ledgerTableWriter struct {
	w                           *bufio.Writer
	rows, alive, unpriced, cost int
	costUSD                     float64
}

func (p *ledgerTableWriter) Row(r *LedgerRow) {
	p.rows++
	status := "deleted " + ledgerTimeText(r.DeletedTime, "2006-01-02")
	if r.Alive {
		p.alive++
		status = "alive"
	}
	cost := "-"
	if r.EstimatedCostUSD != nil {
		p.cost++
		p.costUSD += *r.EstimatedCostUSD
		cost = strconv.FormatFloat(*r.EstimatedCostUSD, 'f', 2, 64)
	} else {
		p.unpriced++
	}
	created := ledgerTimeText(r.CreatedTime, "2006-01-02 15:04")
	if created == "" {
		created = "before range"
	}
	fmt.Fprintln(p.w, ledgerTableLine([]string{r.ResourceID, strings.TrimPrefix(r.ResourceType, "AWS::"), r.Region,
		LedgerByCreator(r), created, r.Size, strconv.FormatFloat(r.RunningHours, 'f', 1, 64), cost, status}))
}

func (p *ledgerTableWriter) End() error {
	fmt.Fprintf(p.w, "%d resources, %d alive (no delete seen in the range); ", p.rows, p.alive)
	if p.cost == 0 {
		// "$0.00 for 0" would read as a price of nothing.
		fmt.Fprintf(p.w, "no estimate for any (costNote in jsonl, json or csv says why)\n")
	} else {
		fmt.Fprintf(p.w, "estimated $%.2f on demand for %d, %d without an estimate\n", p.costUSD, p.cost, p.unpriced)
	}
	return p.w.Flush()
}

// ledgerTableLine is one line of the table: each column printable, cut to
// its width with "…", padded; trailing spaces dropped.
func ledgerTableLine(cols []string) string {
	var b strings.Builder
	for i, c := range cols {
		r := []rune(Printable(c))
		w := ledgerTableWidths[i]
		if w == 0 {
			b.WriteString(string(r))
			continue
		}
		if len(r) > w-1 {
			if i == 0 {
				r = append([]rune("…"), r[len(r)-(w-2):]...)
			} else {
				r = append(r[:w-2:w-2], '…')
			}
		}
		pad := strings.Repeat(" ", w-1-len(r))
		if ledgerTableRight[i] {
			b.WriteString(pad + string(r) + " ")
		} else {
			b.WriteString(string(r) + pad + " ")
		}
	}
	return strings.TrimRight(b.String(), " ")
}
