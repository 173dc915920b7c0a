// Package lookup is the LookupEvents source: one pager per account ×
// region (pinned time range, client-side pacing, retries, NextToken
// resume), region discovery, the accounts and profiles the command line
// names, the in-process demo endpoint, and the Source that plans which
// exact attribute each query pushes down.
package lookup

import (
	"context"
	"fmt"
	"strings"
	"time"

	"lazytrail/fetch"
	"lazytrail/model"
)

// History is how far back LookupEvents reaches.
const History = 90 * 24 * time.Hour

// Settings is what the command line says for LookupEvents.
type Settings struct {
	Span        fetch.Span // the command line's range, opened for the zero model.Range
	Since       string     // --since as given, when given ("" otherwise): the history note quotes it
	Region      string     // --region: "all" (or "") or a comma-separated list
	EndpointURL string     // --endpoint-url ("" = AWS)
	Rate        float64    // --rate: attempts/s per region
	// Lookup is --lookup: the attribute pushed down, chosen by hand, so
	// the filter's planner does not choose one.
	Lookup   *Attribute
	Profiles []string // --profile: none (the default chain), one, or several accounts at once

	// Tune, when set, adjusts every account's client options last (tests:
	// small pages, short backoff, an endpoint per region).
	Tune func(*Options)
	// Now is the clock each query's "now" is read from; nil: time.Now.
	Now func() time.Time
}

// Source pages LookupEvents of one account or several, each account ×
// region a partition of one merged stream. It implements model.Source.
type Source struct {
	settings Settings
	accounts []Options // each with its Regions
	label    string
	notice   string
	close    func()
	local    string // the in-process endpoint's URL (Serve), "" for AWS
}

var _ model.Source = (*Source)(nil)

// LocalEndpoint is the URL of the endpoint Serve started in-process
// (--demo), which also answers the Price List's GetProducts; "" when the
// source pages AWS or an endpoint it did not start.
func (s *Source) LocalEndpoint() string { return s.local }

// newSource finishes a source over accounts: the clients' tuning, the
// label and what the user should know.
func newSource(s Settings, accounts []Options, label, notice string, close func()) *Source {
	for i := range accounts {
		if s.Tune != nil {
			s.Tune(&accounts[i])
		}
	}
	src := &Source{settings: s, accounts: accounts, label: label, close: close}
	src.notice = joinNotes(notice, historyNote(s, src.now()))
	return src
}

func (s *Source) now() time.Time {
	if s.settings.Now != nil {
		return s.settings.Now().UTC()
	}
	return time.Now().UTC()
}

// Open pages the range req asks for in every account's regions, pushing
// down the attribute of req.Plan, or --lookup's when it was given.
func (s *Source) Open(ctx context.Context, req model.Request) (model.Stream, model.Query) {
	start, end := s.settings.Span.Resolve(req, s.now())
	attr, lookup := s.pushdown(req.Plan)
	q := model.Query{Start: start, End: end, Lookup: lookup}
	return OpenAccounts(ctx, Query{Start: start, End: end, Lookup: attr}, s.accounts...), q
}

// pushdown is the attribute a query pushes down and how the status bar
// says so: --lookup's as given, or the planner's as "pushed down".
func (s *Source) pushdown(plan string) (*Attribute, string) {
	if a := s.settings.Lookup; a != nil {
		return a, a.String()
	}
	if plan == "" {
		return nil, ""
	}
	a, err := ParseAttribute(plan)
	if err != nil {
		return nil, ""
	}
	return &a, "pushed down " + a.String()
}

// Plan is the filter's best exact term LookupEvents can serve
// (Filter.Pushdown), or --lookup's attribute when it was given. What the
// query loads is what the attribute's term matches.
func (s *Source) Plan(f model.Filter) model.Plan {
	var key string
	if s.settings.Lookup != nil {
		key = s.settings.Lookup.String()
	} else if k, v, ok := f.Pushdown(); ok {
		a, err := ParseAttribute(k + "=" + v)
		if err != nil {
			return model.Plan{}
		}
		key = a.String()
	} else {
		return model.Plan{}
	}
	loads, ok := model.LookupFilter(key)
	if !ok {
		// The filter language cannot say what the attribute loads (a
		// value with a space, from --lookup): a filter that fails to
		// parse matches nothing, so no filter is taken for covered.
		loads = model.ParseFilter("=" + key)
	}
	return model.Plan{Key: key, Loads: loads}
}

// Capabilities: 90 days kept, any range, follow mode, and the filter's
// planner unless --lookup fixed the attribute.
func (s *Source) Capabilities() model.Capabilities {
	c := model.Capabilities{HistoryLimit: History, Beyond: "--records reads the trail's files", Ranges: true, Follow: true, Plans: s.settings.Lookup == nil}
	if a := s.settings.Lookup; a != nil {
		c.Fixed = "--lookup " + model.Printable(a.String())
	}
	return c
}

// Label is the account ("demo", a profile and its account id, "3
// accounts") and what the user should know: why regions were guessed,
// that --since reaches past the 90 days kept.
func (s *Source) Label() (account, notice string) { return s.label, s.notice }

// Close stops the in-process endpoint, when there is one.
func (s *Source) Close() {
	if s.close != nil {
		s.close()
	}
}

// historyNote says so when --since reaches past what LookupEvents keeps,
// instead of silently finding nothing there.
func historyNote(s Settings, now time.Time) string {
	kept := now.Add(-History)
	if s.Since == "" || !s.Span.Start.Before(kept.Add(-time.Hour)) {
		return ""
	}
	return fmt.Sprintf("LookupEvents keeps 90 days: nothing before %s can be found (--since %s); --records reads a trail's log files for older events",
		kept.Format("2006-01-02"), model.Printable(s.Since))
}

func joinNotes(notes ...string) string {
	var kept []string
	for _, n := range notes {
		if n != "" {
			kept = append(kept, n)
		}
	}
	return strings.Join(kept, "; ")
}
