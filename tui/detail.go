package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"lazytrail/model"
)

// detailPane shows one event as a person reads it: when, who, what, the
// resources and the request parameters.
type detailPane struct {
	s      *state
	sc     scroller
	key    selectionKey
	width  int
	height int // including the title line
}

// selectionKey identifies a loaded event across timeline growth (pointers
// into the timeline move when it grows).
type selectionKey struct{ gen, index int }

const (
	labelWidth     = 14
	maxDetailValue = 4 << 10 // the JSON pane holds the whole value
	maxResources   = 1000
)

func (d *detailPane) SetSize(w, h int) {
	if w != d.width {
		d.Invalidate() // values are wrapped to the width
	}
	d.width, d.height = w, h
	d.sc.SetSize(w, max(h-1, 0))
}

// Show renders e unless it is already shown; nil clears the pane.
func (d *detailPane) Show(key selectionKey, e *model.Event) {
	if key == d.key && d.sc.source != nil {
		return
	}
	d.key = key
	if e == nil {
		d.sc.SetLines([]string{styled(d.s.st.Label, "no event selected")})
		return
	}
	d.sc.wrap = true
	d.sc.SetLines(d.render(e))
}

// Invalidate forces the next Show to render again (styles changed).
func (d *detailPane) Invalidate() { d.sc.source = nil }

func (d *detailPane) render(e *model.Event) []string {
	st := &d.s.st
	var lines []string
	section := func(title string) {
		if len(lines) > 0 {
			lines = append(lines, "")
		}
		lines = append(lines, styled(st.Section, title))
	}
	field := func(label, value string) {
		if value == "" {
			return
		}
		if len(value) > maxDetailValue {
			value = value[:maxDetailValue] + fmt.Sprintf(" …(%d more bytes; see the JSON pane)", len(value)-maxDetailValue)
		}
		// A long label (a resource type) widens the label column for its
		// own value, so continuation lines stay under the value.
		label = cut(label, 40) + " "
		lw := max(labelWidth, cellWidth(label))
		head := "  " + styled(st.Label, pad(label, lw))
		for i, part := range d.wrapValue(model.Printable(value), lw) {
			if i > 0 {
				head = spaces(2 + lw)
			}
			lines = append(lines, head+styled(st.Value, part))
		}
	}

	// The context fields come from one re-read of the record; a record
	// encoding/json refuses (a parse error) simply shows without them.
	ctx, _ := e.Details()

	section("WHEN")
	if !e.Time.IsZero() {
		field("UTC", e.Time.UTC().Format("2006-01-02 15:04:05 UTC"))
		field("local", e.Time.In(d.s.local).Format("2006-01-02 15:04:05 MST (-07:00)"))
	}

	section("WHO")
	id := e.Identity
	field("user name", e.Username)
	field("identity", id.Type)
	field("ARN", id.ARN)
	field("account", id.AccountID)
	field("principal", id.PrincipalID)
	field("access key", firstNonEmpty(e.AccessKeyID, id.AccessKeyID))
	if id.SessionIssuerName != "" || id.SessionIssuerARN != "" {
		field("session role", id.SessionIssuerName)
		field("role ARN", id.SessionIssuerARN)
	}
	field("MFA", id.MFAAuthenticated.String())
	field("session since", ctx.SessionCreated)
	field("invoked by", id.InvokedBy)
	field("source identity", id.SourceIdentity)
	field("source IP", e.SourceIP)
	field("user agent", e.UserAgent)

	section("WHAT")
	field("event", e.Name)
	field("source", e.Source)
	field("type", e.EventType)
	field("read-only", e.ReadOnly.String())
	field("region", e.Region)
	if e.Account != id.AccountID { // cross-account access, or a caller without one
		field("recipient", e.Account)
	}
	field("event id", e.ID)
	field("log file", e.Origin) // where a query's row was read from (its log file)
	field("request id", ctx.RequestID)
	field("TLS", ctx.TLSVersion)
	if e.Failed() {
		lines = append(lines, "  "+styled(st.Label, pad("error ", labelWidth))+styled(st.Error, model.Printable(e.ErrorCode)))
		field("message", e.ErrorMessage)
	}

	if len(e.Resources) > 0 {
		section("RESOURCES")
		for i, r := range e.Resources {
			if i == maxResources {
				lines = append(lines, styled(st.Label, fmt.Sprintf("  … and %d more (see the JSON pane)", len(e.Resources)-i)))
				break
			}
			field(r.Type, r.Name)
		}
	}

	if params, ok := jsonMember(e.Raw, "requestParameters"); ok && params != "null" {
		section("REQUEST PARAMETERS")
		pretty, err := prettyJSON(params, jsonPaintsOf(*st))
		if err != nil {
			pretty = rawLines(params)
		}
		for _, l := range pretty {
			lines = append(lines, "  "+l)
		}
	}

	if e.ParseError != "" {
		section("PARSE ERROR")
		lines = append(lines, "  "+styled(st.Error, model.Printable(e.ParseError)))
	}
	return lines
}

func (d *detailPane) View() []string {
	title := d.s.st.PaneTitle
	if d.s.focus == paneDetail {
		title = d.s.st.PaneTitleFocused
	}
	first, last, total := d.sc.Position()
	head := paintOf(title).wrap(clip(fmt.Sprintf("DETAIL  %d-%d/%d", first, last, total), d.width))
	return append([]string{head}, d.sc.Lines()...)
}

// HandleKey scrolls the pane.
func (d *detailPane) HandleKey(msg tea.KeyPressMsg) action {
	if move(d.s.keys, &d.sc, msg) {
		return handled{}
	}
	return nil
}

// ShortHelp and FullHelp are the list's: every key works over a pane.
func (d *detailPane) ShortHelp() []key.Binding  { return d.s.keys.ShortHelp() }
func (d *detailPane) FullHelp() [][]key.Binding { return d.s.keys.FullHelp() }

// wrapValue breaks a long value into lines that fit beside the labels, so
// that continuation lines keep the value column.
func (d *detailPane) wrapValue(v string, labelCol int) []string {
	w := d.width - 2 - labelCol
	if w < 16 || cellWidth(v) <= w {
		return []string{v}
	}
	return strings.Split(ansi.Hardwrap(v, w, true), "\n")
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
