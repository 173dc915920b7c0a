package sqltest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode"

	"lazytrail/fetch/athena"
	"lazytrail/model"
)

// TestFoldingIsTheStreams checks the SQL's case folding letter by letter:
// for every value letter a case-insensitive term may hold, the records
// whose user agent is one cased letter that the SQL selects are those the
// stream selects (the letters of the value's folding orbit, no more). The
// random filters reach only the few letters the data holds.
func TestFoldingIsTheStreams(t *testing.T) {
	var letters []rune
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if unicode.SimpleFold(r) != r || unicode.ToLower(r) != r || unicode.ToUpper(r) != r {
			letters = append(letters, r)
		}
	}
	events := make([]model.Event, len(letters))
	for i, r := range letters {
		raw := fmt.Sprintf(`{"eventID":"U+%04X","eventTime":"2025-01-01T00:00:00Z","userAgent":%q}`, r, string(r))
		e, err := model.FromRecord(raw)
		if err != nil {
			t.Fatal(err)
		}
		events[i] = e
	}
	db, conn := newDB(t)
	load(t, db, conn, "letters", events)
	tab := table
	tab.Name = "letters"
	at := events[0].Time
	// One query per value, a few hundred in each statement (UNION ALL),
	// as planning a statement costs more than running it on 3,000 rows.
	var values []rune
	for _, v := range letters {
		if !unicode.IsUpper(v) && !unicode.IsTitle(v) { // a value with upper case is compared as it is
			values = append(values, v)
		}
	}
	for chunk := range slices.Chunk(values, 250) {
		var union []string
		want := map[string][]string{}
		for _, v := range chunk {
			f := model.ParseFilter("agent:" + string(v))
			q, err := athena.Compile(athena.Query{Table: tab, Filter: f, Since: at, Until: at})
			if err != nil {
				t.Fatal(err)
			}
			union = append(union, fmt.Sprintf("SELECT '%s' || ' ' || eventid FROM (%s)", string(v), q))
			for i := range events {
				if f.Match(&events[i]) {
					want[string(v)] = append(want[string(v)], events[i].ID)
				}
			}
		}
		rows, err := queryColumn(db, strings.Join(union, "\nUNION ALL\n"))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]string{}
		for _, r := range rows {
			v, id, _ := strings.Cut(r, " ")
			got[v] = append(got[v], id)
		}
		for _, v := range chunk {
			g, w := got[string(v)], want[string(v)]
			slices.Sort(g)
			slices.Sort(w)
			if !slices.Equal(g, w) {
				t.Errorf("agent:%c (U+%04X): SQL selects %v, the stream %v", v, v, g, w)
			}
		}
	}
	checked := len(values)
	t.Logf("%d cased letters, %d of them as values", len(letters), checked)
}
