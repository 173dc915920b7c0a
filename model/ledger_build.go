package model

import (
	"cmp"
	"slices"
	"strings"
	"time"
	"unsafe"
)

// The ledger builder: events in (any order), one row per resource out.
// LedgerRules is compiled once into ledgerCalls, keyed by event name, so
// an event no rule names costs one map lookup and its record is never read.

// ledgerRole is what a call does to its resource.
type ledgerRole uint8

const (
	roleCreate ledgerRole = iota
	roleDelete
	roleStart
	roleStop
	roleModify
)

// ledgerPath is a compiled path: the record member it starts from
// (requestParameters, responseElements), then the keys inside it.
type ledgerPath struct {
	member string
	keys   []string
}

// ledgerCall is one LedgerCall compiled. An id path through an array is cut
// at its "[]": each yields the array's elements and id is read inside each;
// a size path with the same each is read from the same element (inItem).
type ledgerCall struct {
	rule  *LedgerRule
	role  ledgerRole
	each  *ledgerPath // nil: the id path has no array
	id    ledgerPath  // inside each element when each is set
	sizes []ledgerSize
	unit  string
	need  int // the members of the record it reads (needRequest, needResponse)
	// itemKeys, when the id and every size read from an element are one
	// key each (instanceId, instanceType), are those keys, id first: an
	// element is then read in one pass.
	itemKeys []string
}

type ledgerSize struct {
	path   ledgerPath
	inItem bool // path is relative to the id's element
}

var ledgerCalls = compileLedgerRules(LedgerRules)

func compileLedgerRules(rules []LedgerRule) map[string][]*ledgerCall {
	out := map[string][]*ledgerCall{}
	for i := range rules {
		r := &rules[i]
		for role, calls := range [...][]LedgerCall{roleCreate: r.Create, roleDelete: r.Delete, roleStart: r.Start, roleStop: r.Stop, roleModify: r.Modify} {
			for _, c := range calls {
				lc := &ledgerCall{rule: r, role: ledgerRole(role), unit: c.Unit}
				prefix, rest, array := strings.Cut(c.ID, "[].")
				if array {
					each := splitLedgerPath(prefix)
					lc.each = &each
					lc.id = ledgerPath{keys: strings.Split(rest, ".")}
				} else {
					lc.id = splitLedgerPath(c.ID)
				}
				for _, s := range c.Size {
					if array && strings.HasPrefix(s, prefix+"[].") {
						lc.sizes = append(lc.sizes, ledgerSize{path: ledgerPath{keys: strings.Split(strings.TrimPrefix(s, prefix+"[]."), ".")}, inItem: true})
						continue
					}
					lc.sizes = append(lc.sizes, ledgerSize{path: splitLedgerPath(s)})
				}
				for _, p := range append([]string{c.ID}, c.Size...) {
					switch strings.SplitN(p, ".", 2)[0] {
					case "requestParameters":
						lc.need |= needRequest
					case "responseElements":
						lc.need |= needResponse
					}
				}
				if array && len(lc.id.keys) == 1 {
					lc.itemKeys = []string{lc.id.keys[0]}
					for _, s := range lc.sizes {
						if s.inItem {
							if len(s.path.keys) != 1 {
								lc.itemKeys = nil
								break
							}
							lc.itemKeys = append(lc.itemKeys, s.path.keys[0])
						}
					}
				}
				out[c.Event] = append(out[c.Event], lc)
			}
		}
	}
	return out
}

func splitLedgerPath(p string) ledgerPath {
	keys := strings.Split(p, ".")
	return ledgerPath{member: keys[0], keys: keys[1:]}
}

// ledgerNamed reports whether any rule names calls of this event name: the
// test the timeline makes on its event-name column before reading a record.
func ledgerNamed(name string) bool { return ledgerCalls[name] != nil }

// ledgerKey identifies a resource. IAM and S3 names are global, so their
// calls (IAM's are all recorded in us-east-1, a bucket's delete may be
// recorded elsewhere than its create) are paired without the region.
type ledgerKey struct {
	typ, account, region, id string
}

func globalNames(typ string) bool {
	return strings.HasPrefix(typ, "AWS::IAM::") || strings.HasPrefix(typ, "AWS::S3::")
}

// ledgerMark is one call about one resource.
type ledgerMark struct {
	at   time.Time
	role ledgerRole
	ev   *ledgerEvent
	size string // the size this call gives, "" when none
}

// ledgerEvent is what a row keeps of a call: copies, since the event may
// point into a buffer that is reused.
type ledgerEvent struct {
	id, user, arn, service, agent, account, region string
}

type ledgerEntry struct {
	key   ledgerKey
	rule  *LedgerRule
	marks []ledgerMark
}

// Ledger pairs the calls that create, change and delete resources into one
// row per resource. Add events in any order; Rows sorts each resource's
// calls by time. It is not safe for concurrent use.
type Ledger struct {
	entries     map[ledgerKey]*ledgerEntry
	order       []*ledgerEntry // first seen first, for a stable result
	first, last time.Time      // of every event added, for Rows' default range
	// places are the events of calls that neither create nor delete
	// (starts, stops, changes), of which a row reads only the account and
	// region: one shared per place, not one per call.
	places map[[2]string]*ledgerEvent
	held   []string // the record walks' buffer (ledgerPathValuesHeld)
}

// NewLedger returns an empty ledger.
func NewLedger() *Ledger {
	return &Ledger{entries: map[ledgerKey]*ledgerEntry{}, places: map[[2]string]*ledgerEvent{}}
}

// Len is how many resources the ledger has seen.
func (l *Ledger) Len() int { return len(l.order) }

// Add takes one event: a successful call some rule names adds a mark to
// each resource it names; anything else only widens the range seen. The
// ledger keeps copies of what it needs: e may be reused once Add returns.
func (l *Ledger) Add(e *Event) {
	if l.first.IsZero() || e.Time.Before(l.first) {
		l.first = e.Time
	}
	if e.Time.After(l.last) {
		l.last = e.Time
	}
	calls := ledgerCalls[e.Name]
	if calls == nil || e.ErrorCode != "" || e.Raw == "" {
		return
	}
	rec := ledgerRecord{raw: e.Raw, checked: e.ParseError == "", held: &l.held}
	matched := false
	for _, c := range calls {
		if c.rule.Source == e.Source {
			rec.need |= c.need
			matched = true
		}
	}
	if !matched {
		return
	}
	ev := l.eventOf(e, calls)
	for _, c := range calls {
		if c.rule.Source == e.Source {
			c.read(&rec, func(id, size string) { l.mark(c, ev, e.Time, id, size) })
		}
	}
}

// eventOf keeps what the rows read of e: all of it for a create or a
// delete, only the place for the rest.
func (l *Ledger) eventOf(e *Event, calls []*ledgerCall) *ledgerEvent {
	for _, c := range calls {
		if c.rule.Source == e.Source && (c.role == roleCreate || c.role == roleDelete) {
			return newLedgerEvent(e)
		}
	}
	place := [2]string{e.Account, e.Region}
	ev := l.places[place]
	if ev == nil {
		ev = &ledgerEvent{account: ledgerKeep(e.Account), region: ledgerKeep(e.Region)}
		l.places[[2]string{ev.account, ev.region}] = ev
	}
	return ev
}

func newLedgerEvent(e *Event) *ledgerEvent {
	service := e.Identity.InvokedBy
	if service == "" && e.Identity.Type == "AWSService" {
		service = e.Username
	}
	// The event's strings may point into a buffer that is reused; the
	// users, agents, accounts and regions repeat, so keep shared copies.
	return &ledgerEvent{id: strings.Clone(e.ID), user: ledgerKeep(e.Username), arn: ledgerKeep(e.Identity.ARN),
		service: ledgerKeep(service), agent: ledgerKeep(e.UserAgent), account: ledgerKeep(e.Account), region: ledgerKeep(e.Region)}
}

// ledgerKeep is a copy of s that shares no memory with where s came from:
// the interned one, else a clone.
func ledgerKeep(s string) string {
	k := intern(s)
	if len(k) > 0 && unsafe.StringData(k) == unsafe.StringData(s) {
		return strings.Clone(s)
	}
	return k
}

// ledgerRecord is one record as the calls read it. A record the decoder
// checked (no ParseError) is valid JSON, walked by its structure alone
// (ledgerPathValuesHeld) from its two members, found in one pass; any other is
// walked by pathValues, which checks as it goes.
type ledgerRecord struct {
	need      int // the members the calls read
	held      *[]string
	raw       string
	checked   bool
	found     bool
	req, resp string
}

func (r *ledgerRecord) walk(doc string, path []string, yield func(string)) {
	if r.checked {
		ledgerPathValuesHeld(doc, path, r.held, yield)
		return
	}
	pathValues(doc, path, yield)
}

// member is the record's top-level member name ("" when absent).
func (r *ledgerRecord) member(name string) string {
	if r.checked && (name == "requestParameters" || name == "responseElements") {
		if !r.found {
			r.req, r.resp = ledgerMembers(r.raw, r.need)
			r.found = true
		}
		if name == "requestParameters" {
			return r.req
		}
		return r.resp
	}
	doc := ""
	r.walk(r.raw, []string{name}, func(v string) { doc = v })
	return doc
}

// first is the first value path reaches in doc, "" when none.
func (r *ledgerRecord) first(doc string, path []string) string {
	if !r.checked {
		return first(doc, path)
	}
	out, found := "", false
	ledgerPathValuesHeld(doc, path, r.held, func(v string) {
		if !found {
			out, found = v, true
		}
	})
	return out
}

// ledgerSizeText joins a size's parts and its unit.
func ledgerSizeText(parts []string, unit string) string {
	switch {
	case len(parts) == 0:
		return ""
	case len(parts) == 1 && unit == "":
		return parts[0]
	case unit != "":
		parts = append(parts, unit)
	}
	return strings.Join(parts, " ")
}

// first is the first value path reaches in doc, "" when none, doc checked
// as it is walked.
func first(doc string, path []string) string {
	out, found := "", false
	pathValues(doc, path, func(v string) {
		if !found {
			out, found = v, true
		}
	})
	return out
}

// read yields each resource id the call names in the record, with the size
// it gives that resource.
func (c *ledgerCall) read(rec *ledgerRecord, yield func(id, size string)) {
	var sharedBuf [4]string
	shared := sharedBuf[:0] // sizes read once for the record
	for _, s := range c.sizes {
		if !s.inItem {
			shared = append(shared, rec.first(rec.member(s.path.member), s.path.keys))
		}
	}
	sizeOf := func(item string) string {
		var partsBuf [4]string
		parts := partsBuf[:0]
		k := 0
		for _, s := range c.sizes {
			v := ""
			if s.inItem {
				v = rec.first(item, s.path.keys)
			} else {
				v = shared[k]
				k++
			}
			if v == "" {
				break
			}
			parts = append(parts, v)
		}
		return ledgerSizeText(parts, c.unit)
	}
	if c.itemKeys != nil && rec.checked && len(c.itemKeys) <= 4 {
		// Each element read once: its id and sizes are members of it.
		var spansBuf [4]string
		n, got := len(c.itemKeys), 0
		ledgerPathValuesLeaves(rec.member(c.each.member), c.each.keys, rec.held, c.itemKeys, func(v string) {
			spansBuf[got] = v
			if got++; got < n {
				return
			}
			got = 0
			spans := spansBuf[:n]
			ledgerPathValuesHeld(spans[0], nil, rec.held, func(id string) {
				if id == "" {
					return
				}
				var partsBuf [4]string
				parts := partsBuf[:0]
				j := 1
				for _, s := range c.sizes {
					v := ""
					if s.inItem {
						v = rec.first(spans[j], nil)
						j++
					} else {
						v = rec.first(rec.member(s.path.member), s.path.keys)
					}
					if v == "" {
						break
					}
					parts = append(parts, v)
				}
				yield(id, ledgerSizeText(parts, c.unit))
			})
		})
		return
	}
	if c.each == nil {
		rec.walk(rec.member(c.id.member), c.id.keys, func(id string) {
			if id != "" {
				yield(id, sizeOf(""))
			}
		})
		return
	}
	rec.walk(rec.member(c.each.member), c.each.keys, func(item string) {
		rec.walk(item, c.id.keys, func(id string) {
			if id != "" {
				yield(id, sizeOf(item))
			}
		})
	})
}

func (l *Ledger) mark(c *ledgerCall, ev *ledgerEvent, at time.Time, id, size string) {
	k := ledgerKey{typ: c.rule.Type, account: ev.account, region: ev.region, id: id}
	if globalNames(k.typ) {
		k.region = ""
	}
	en := l.entries[k]
	if en == nil {
		k.id = strings.Clone(id)
		en = &ledgerEntry{key: k, rule: c.rule}
		l.entries[k] = en
		l.order = append(l.order, en)
	}
	en.marks = append(en.marks, ledgerMark{at: at, role: c.role, ev: ev, size: ledgerKeep(size)})
}

// Rows is the ledger: one row per resource, alive first, then the newest
// created first. Running hours are counted within [start, end); a zero
// start or end is the oldest or newest event added. Costs are left for
// ApplyPrices.
func (l *Ledger) Rows(start, end time.Time) []LedgerRow {
	if start.IsZero() {
		start = l.first
	}
	if end.IsZero() {
		end = l.last
	}
	rows := make([]LedgerRow, 0, len(l.order))
	for _, en := range l.order {
		rows = append(rows, en.row(start, end))
	}
	slices.SortStableFunc(rows, func(a, b LedgerRow) int {
		if a.Alive != b.Alive {
			if a.Alive {
				return -1
			}
			return 1
		}
		return cmp.Or(b.CreatedTime.Compare(a.CreatedTime), cmp.Compare(a.ResourceID, b.ResourceID))
	})
	return rows
}

func (en *ledgerEntry) row(start, end time.Time) LedgerRow {
	slices.SortStableFunc(en.marks, func(a, b ledgerMark) int { return a.at.Compare(b.at) })
	r := LedgerRow{ResourceID: en.key.id, ResourceType: en.key.typ, Account: en.key.account, Region: en.marks[0].ev.region,
		Events: len(en.marks), Alive: true}
	// Before its first call the resource existed, and ran, unless that
	// call created or started it: a Stop or a Delete first means it was
	// there (running) when the range began.
	exists := en.marks[0].role != roleCreate
	running := exists && en.marks[0].role != roleStart
	var hours time.Duration
	since := start
	count := func(until time.Time) {
		from, to := since, until
		if from.Before(start) {
			from = start
		}
		if to.After(end) {
			to = end
		}
		if to.After(from) {
			hours += to.Sub(from)
		}
	}
	accrues := func() bool { return exists && (running || !en.rule.Running) }
	for _, m := range en.marks {
		if m.size != "" && (m.role == roleCreate || m.role == roleModify) {
			r.Size = m.size
		}
		was := accrues()
		switch m.role {
		case roleCreate:
			r.CreatedTime, r.CreatedBy, r.CreatedByARN, r.CreatedEventID = m.at, m.ev.user, m.ev.arn, m.ev.id
			r.CreatedByService, r.UserAgent = m.ev.service, m.ev.agent
			r.Region = m.ev.region
			r.Alive, r.DeletedTime, r.DeletedBy = true, time.Time{}, ""
			exists, running = true, true
		case roleDelete:
			r.Alive, r.DeletedTime, r.DeletedBy = false, m.at, m.ev.user
			exists = false
		case roleStart:
			running = true
		case roleStop:
			running = false
		}
		if was && !accrues() {
			count(m.at)
		} else if !was && accrues() {
			since = m.at
		}
	}
	if accrues() {
		count(end)
	}
	r.RunningHours = hours.Hours()
	return r
}
