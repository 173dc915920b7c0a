package sqltest

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"lazytrail/fetch/athena"
	"lazytrail/fetch/athena/athenatest"
	"lazytrail/model"
)

// table is the CloudTrail table as AWS's guide makes it with partition
// projection over an organization's logs (day, region, account).
var table = athena.Table{Name: "cloudtrail", TimeColumn: "timestamp", TimeLayout: "2006/01/02",
	RegionColumn: "region", AccountColumn: "account", OnBehalfOf: true}

// TestSQLSelectsWhatTheStreamSelects is the Athena source's contract: for
// a filter and a time range, the compiled SELECT returns exactly the
// records the stream's filter keeps from the same records, newest first
// (a superset for res: and raw:, which the stream then narrows).
func TestSQLSelectsWhatTheStreamSelects(t *testing.T) {
	db, c := openDB(t)
	g := newGen(c)
	all := span{c.oldest, c.newest}

	// Filters people type, from the design and the demo's stories.
	var checks []check
	for _, f := range []string{"skeddly-", "user:adam event:RunInstances", "-ro:true err", "res:i-064bd95a9b9b0a4e6",
		"account:418295730164 region:eu-west-1", "user=root", "event:Authorize,Revoke -user:AutoScaling",
		"type:AssumedRole role:skeddly", "ro:FALSE -err", "agent:terraform", "raw:sg-0b7e41d9c2a35f618"} {
		checks = append(checks, check{f, all})
	}
	// Every kind of term, alone, many times with values from the data.
	for _, k := range kinds {
		for range 12 {
			checks = append(checks, check{g.term(k), all})
		}
	}
	// Random combinations, over the whole span or a narrower range
	// that starts or ends exactly at an event (both ends are inclusive).
	for range 220 {
		var terms []string
		for range 1 + g.r.IntN(3) {
			terms = append(terms, g.term(kinds[g.r.IntN(len(kinds))]))
		}
		r := all
		if g.r.IntN(3) == 0 {
			r = g.span()
		}
		checks = append(checks, check{strings.Join(terms, " "), r})
	}

	// DuckDB scans a table this small on one thread: run a query per core.
	var st stats
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				n, lost := compare(t, db, c, checks[i], i%4 == 0)
				mu.Lock()
				st.add(n, lost)
				mu.Unlock()
			}
		})
	}
	for i := range checks {
		next <- i
	}
	close(next)
	wg.Wait()

	t.Logf("%d filters: %d select something on the stream, %d nothing; %d rows compared",
		len(checks), st.nonEmpty, len(checks)-st.nonEmpty, st.rows)
	if st.lost > 0 {
		t.Logf("res:/raw: lose %d records in %d filters only by text no selected column holds (the Athena "+
			"source rebuilds records from its columns, and the stream matches raw: on those), e.g. %s",
			st.lost, st.lostIn, st.example)
	}
	if st.nonEmpty < len(checks)/3 {
		t.Errorf("only %d of %d filters select anything: the values drawn are not the data's", st.nonEmpty, len(checks))
	}
}

// check is one filter over one time range.
type check struct {
	filter string
	span
}

// orderedRows is how many rows the order check reads.
const orderedRows = 500

type span struct{ since, until time.Time }

type stats struct {
	nonEmpty, rows, lost, lostIn int
	example                      string
}

func (s *stats) add(n int, lost []string) {
	s.rows += n
	if n > 0 {
		s.nonEmpty++
	}
	if len(lost) > 0 {
		s.lost += len(lost)
		s.lostIn++
		if s.example == "" {
			s.example = lost[0]
		}
	}
}

// compare runs one filter both ways and reports every difference; it
// returns how many records the stream selects, and which records a res:
// or raw: term loses for want of a column holding its text. ordered also
// checks the order of the rows, newest first as the stream merges them.
func compare(t *testing.T, db *sql.DB, c *corpus, ch check, ordered bool) (int, []string) {
	t.Helper()
	f := model.ParseFilter(ch.filter)
	if f.Err() != "" {
		t.Errorf("generated filter %q does not parse: %s", ch.filter, f.Err())
		return 0, nil
	}
	q, err := athena.Compile(athena.Query{Table: table, Filter: f, Since: ch.since, Until: ch.until})
	if err != nil {
		t.Errorf("filter %q: %v", ch.filter, err)
		return 0, nil
	}
	// The ids of every row; and every few filters the first rows of the
	// query as compiled, to check their order (moving every column of
	// thousands of rows into Go is most of what a query costs here).
	got, err := queryColumn(db, "SELECT eventid FROM (\n"+q+"\n) AS compiled")
	var first, times []string
	if err == nil && ordered {
		first, times, err = queryIDs(db, q+"\nLIMIT "+fmt.Sprint(orderedRows))
	}
	if err != nil {
		t.Errorf("filter %q: DuckDB: %v\n%s", ch.filter, err, q)
		return 0, nil
	}
	var matched []*model.Event
	for i := range c.events {
		e := &c.events[i]
		if !e.Time.Before(ch.since) && !e.Time.After(ch.until) && f.Match(e) {
			matched = append(matched, e)
		}
	}
	slices.SortFunc(matched, newestFirst)
	want := make([]string, len(matched))
	for i, e := range matched {
		want[i] = e.ID
	}

	where := fmt.Sprintf("filter %q over [%s, %s]", ch.filter, ch.since.Format(time.RFC3339), ch.until.Format(time.RFC3339))
	for i := 1; i < len(times); i++ {
		if times[i-1] < times[i] || times[i-1] == times[i] && first[i-1] < first[i] {
			t.Errorf("%s: rows not newest first: %s %s before %s %s\n%s", where, times[i-1], first[i-1], times[i], first[i], q)
			break
		}
	}
	wide := slices.ContainsFunc(f.Terms(), func(t model.Term) bool { return t.Key == "res" || t.Key == "raw" })
	missing, extra := diff(want, got), diff(got, want)
	var unheld []string
	if wide {
		missing, unheld = c.unheld(f, missing)
	}
	switch {
	case len(missing) > 0:
		t.Errorf("%s: the SQL loses %d records the stream selects:\n%s%s", where, len(missing), c.describe(missing), q)
	case !wide && len(extra) > 0:
		t.Errorf("%s: the SQL selects %d records the stream does not:\n%s%s", where, len(extra), c.describe(extra), q)
	case ordered && !wide && !slices.Equal(first, want[:min(len(want), orderedRows)]):
		t.Errorf("%s: same records, another order:\nSQL    %v\nstream %v\n%s", where, first, want, q)
	}
	for i := range unheld {
		unheld[i] = fmt.Sprintf("%s for %q", unheld[i], ch.filter)
	}
	return len(want), unheld
}

// unheld splits records the SQL lost under a res: or raw: filter into
// those it should have kept and those it could not: where some res: or
// raw: term's every value is in no column the query selects, as Athena
// returns them (athenatest.Row), so that the record the Athena source
// rebuilds from them does not match it either. Such text is in a field
// the table has but the query does not select (creationDate, tlsDetails,
// eventCategory), one AWS's table lacks (sourceIdentity), or ARNPrefix.
func (c *corpus) unheld(f model.Filter, lost []string) (kept, unheld []string) {
	for _, id := range lost {
		e := c.byID(id)
		cols, err := athenatest.Row(e.Raw, pathOf(e))
		if err != nil {
			kept = append(kept, id)
			continue
		}
		held := func(t model.Term) bool {
			for _, v := range t.Values {
				probe := model.ParseFilter("agent:" + v) // substring, with the term's smart case
				for _, col := range cols {
					if col != nil && probe.Match(&model.Event{UserAgent: *col}) {
						return true
					}
				}
			}
			return false
		}
		if slices.ContainsFunc(f.Terms(), func(t model.Term) bool {
			return (t.Key == "res" || t.Key == "raw") && !t.Negate && !held(t)
		}) {
			unheld = append(unheld, id)
		} else {
			kept = append(kept, id)
		}
	}
	return kept, unheld
}

// describe lists a few records by what filters look at.
func (c *corpus) describe(ids []string) string {
	var b strings.Builder
	for i, id := range ids {
		if i == 8 {
			fmt.Fprintf(&b, "  … and %d more\n", len(ids)-i)
			break
		}
		e := c.byID(id)
		if e == nil {
			fmt.Fprintf(&b, "  %s (not in the corpus)\n", id)
			continue
		}
		fmt.Fprintf(&b, "  %s %s user=%q type=%s event=%s source=%s region=%s account=%s role=%q agent=%q err=%q ro=%s res=%v\n",
			id, e.Time.Format(time.RFC3339), e.Username, e.Identity.Type, e.Name, e.Source, e.Region, e.Account,
			e.Identity.SessionIssuerName, e.UserAgent, e.ErrorCode, e.ReadOnly, e.Resources)
	}
	return b.String()
}

func (c *corpus) byID(id string) *model.Event {
	for i := range c.events {
		if c.events[i].ID == id {
			return &c.events[i]
		}
	}
	return nil
}

// kinds are the filter language's terms; "bare" is a word without a key
// (a user-name prefix).
var kinds = []string{"user", "event", "source", "region", "ip", "id", "account", "key", "role", "type",
	"agent", "err", "ro", "res", "raw", "bare"}

// gen draws filter terms whose values come from the records themselves,
// so that most select something, with a fixed seed so failures replay.
type gen struct {
	r      *rand.Rand
	c      *corpus
	values map[string][]string // distinct values of each key's field, sorted
}

// probes are values no record need hold but that case folding treats
// specially: the long s and final sigma, which fold with s and σ; the
// Kelvin sign; dotted and dotless i; ß; and a value no field holds.
var probes = []string{"ſ", "s", "ς", "σ", "Σ", "k", "\u212a", "i", "ı", "İ", "ß", "é", "ü", "zzq-none"}

func newGen(c *corpus) *gen {
	g := &gen{r: rand.New(rand.NewPCG(0x5eed, 0xa7e9a)), c: c, values: map[string][]string{}}
	sets := map[string]map[string]bool{}
	add := func(k, v string) {
		if v == "" {
			return
		}
		if sets[k] == nil {
			sets[k] = map[string]bool{}
		}
		sets[k][v] = true
	}
	for i := range c.events {
		e := &c.events[i]
		add("user", e.Username)
		add("event", e.Name)
		add("source", e.Source)
		add("region", e.Region)
		add("ip", e.SourceIP)
		add("id", e.ID)
		add("account", e.Account)
		add("key", e.AccessKeyID)
		add("role", e.Identity.SessionIssuerName)
		add("type", e.Identity.Type)
		add("agent", e.UserAgent)
		add("err", e.ErrorCode)
		for _, r := range e.Resources {
			add("res", r.Name)
		}
		if i%50 == 0 || i >= c.demo { // raw text: every external record, a sample of the demo's
			add("rawtext", e.Raw)
			var doc any
			if json.Unmarshal([]byte(e.Raw), &doc) == nil {
				leaves(doc, func(v string) { add("raw", v) })
			}
		}
	}
	for k, set := range sets {
		for v := range set {
			g.values[k] = append(g.values[k], v)
		}
		slices.Sort(g.values[k])
	}
	g.values["bare"] = g.values["user"]
	return g
}

// leaves calls yield with the text of every value in a JSON document, as
// full-text search (raw:) is mostly used for.
func leaves(doc any, yield func(string)) {
	switch v := doc.(type) {
	case map[string]any:
		for _, x := range v {
			leaves(x, yield)
		}
	case []any:
		for _, x := range v {
			leaves(x, yield)
		}
	case string:
		yield(v)
	case nil:
	default:
		yield(fmt.Sprint(v))
	}
}

// term is one term of kind k, sometimes negated.
func (g *gen) term(k string) string {
	var w string
	switch k {
	case "ro":
		w = "ro:" + g.recase([]string{"true", "false"}[g.r.IntN(2)])
	case "err":
		if g.r.IntN(4) == 0 {
			w = "err"
		} else {
			w = g.keyed("err", ":")
		}
	case "bare":
		w = g.values1("bare")
		if strings.ContainsAny(w, ":=") || w == "err" {
			w = "skeddly-" // a word with a key would not be bare
		}
	case "res", "raw", "agent":
		w = g.keyed(k, ":")
	default:
		sep := ":"
		if g.r.IntN(5) == 0 {
			sep = "=" // exact: the whole value, case-sensitive
		}
		w = g.keyed(k, sep)
	}
	if g.r.IntN(4) == 0 {
		w = "-" + w
	}
	return w
}

// keyed is key, separator and one to three alternatives; the key is
// case-insensitive, so it is sometimes written in capitals.
func (g *gen) keyed(k, sep string) string {
	key := k
	if g.r.IntN(8) == 0 {
		key = strings.ToUpper(k)
	}
	vals := []string{g.values1(k)}
	if g.r.IntN(5) == 0 {
		for range 1 + g.r.IntN(2) {
			vals = append(vals, g.values1(k))
		}
	}
	return key + sep + strings.Join(vals, ",")
}

// values1 is one value for key k: a field's value whole, a prefix of it,
// a piece of its middle, in another case, or a probe.
func (g *gen) values1(k string) string {
	pool := g.values[k]
	if len(pool) == 0 || g.r.IntN(12) == 0 {
		return g.clean(probes[g.r.IntN(len(probes))])
	}
	if text := g.values["rawtext"]; k == "raw" && len(text) > 0 && g.r.IntN(3) == 0 {
		pool = text // the record's text, JSON syntax and all
	}
	v := pool[g.r.IntN(len(pool))]
	if k == "raw" || (k == "res" || k == "agent") && g.r.IntN(2) == 0 {
		v = g.piece(v, 3+g.r.IntN(18))
	}
	switch g.r.IntN(6) {
	case 0: // whole
	case 1, 2:
		v = g.prefix(v)
	case 3:
		v = strings.ToLower(g.prefix(v))
	case 4:
		v = strings.ToUpper(g.prefix(v))
	case 5:
		v = g.piece(v, 1+g.r.IntN(8))
	}
	return g.clean(v)
}

// clean makes v one word of a filter: its first run without spaces or
// commas (a comma separates alternatives), never empty.
func (g *gen) clean(v string) string {
	v = strings.TrimLeft(v, "-") // a leading '-' after the key is fine, but not in a bare word
	if i := strings.IndexFunc(v, func(r rune) bool { return unicode.IsSpace(r) || r == ',' }); i >= 0 {
		v = v[:i]
	}
	if v == "" {
		return "a"
	}
	return v
}

func (g *gen) recase(s string) string {
	switch g.r.IntN(3) {
	case 0:
		return strings.ToUpper(s)
	case 1:
		return strings.ToUpper(s[:1]) + s[1:]
	}
	return s
}

// prefix is v's first 1 to all runes.
func (g *gen) prefix(v string) string {
	n := utf8.RuneCountInString(v)
	return string([]rune(v)[:1+g.r.IntN(n)])
}

// piece is up to n runes of v from a random start.
func (g *gen) piece(v string, n int) string {
	rs := []rune(v)
	i := g.r.IntN(len(rs))
	return string(rs[i:min(len(rs), i+n)])
}

// span is a narrower range: from an event's time for nothing, an hour, a
// day or a week, or the same lengths ending at it.
func (g *gen) span() span {
	at := g.c.events[g.r.IntN(len(g.c.events))].Time
	d := []time.Duration{0, time.Hour, 24 * time.Hour, 7 * 24 * time.Hour}[g.r.IntN(4)]
	if g.r.IntN(2) == 0 {
		return span{at.Add(-d), at}
	}
	return span{at, at.Add(d)}
}
