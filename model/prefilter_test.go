package model

import (
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"unicode"
)

// checkPrefilter fails t when the prefilter would drop a record whose
// Event the filter matches.
func checkPrefilter(t *testing.T, raw string, f Filter) (tested, dropped bool) {
	t.Helper()
	p := NewPrefilter(f)
	if p == nil {
		return false, false
	}
	e, _ := FromRecord(raw)
	may := p.MayMatch(raw)
	if !may && f.Match(&e) {
		t.Fatalf("the prefilter of %q drops a record the filter keeps:\n%s", f.String(), raw)
	}
	return true, !may
}

// filterTexts are filters built from what the record's Event holds:
// prefixes and pieces of its fields under every key, in other cases,
// negated, exact, as alternatives, and values it does not hold.
func filterTexts(rng *rand.Rand, e *Event) []string {
	values := map[string][]string{
		"user": {e.Username, "root", "Root"}, "event": {e.Name}, "region": {e.Region}, "source": {e.Source},
		"ip": {e.SourceIP}, "id": {e.ID, "sha256-"}, "err": {e.ErrorCode}, "account": {e.Account},
		"key": {e.AccessKeyID}, "role": {e.Identity.SessionIssuerName}, "type": {e.Identity.Type},
		"agent": {e.UserAgent}, "raw": {e.Raw}, "session": {e.Identity.ARN, CreatedSession(e)},
		"ro": {"true", "false"},
	}
	for _, r := range e.Resources {
		values["res"] = append(values["res"], r.Name)
		values["restype"] = append(values["restype"], r.Type)
	}
	values["restype"] = append(values["restype"], "AWS::EC2::Instance", "aws::iam")
	values["res"] = append(values["res"], "i-")
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	piece := func(s string) string {
		if s == "" {
			return "x"
		}
		runes := []rune(s)
		i := rng.IntN(len(runes))
		if rng.IntN(2) == 0 {
			i = 0
		}
		j := i + 1 + rng.IntN(len(runes)-i)
		p := string(runes[i:j])
		switch rng.IntN(4) {
		case 0:
			p = strings.ToLower(p)
		case 1:
			p = strings.ToUpper(p)
		}
		return strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return r
		}, p)
	}
	var out []string
	for range 24 {
		var words []string
		for range 1 + rng.IntN(3) {
			k := keys[rng.IntN(len(keys))]
			vs := values[k]
			v := piece(vs[rng.IntN(len(vs))])
			if k == "ro" {
				v = vs[rng.IntN(2)]
			}
			sep := ":"
			if rng.IntN(5) == 0 {
				sep = "="
				if s := vs[rng.IntN(len(vs))]; !strings.ContainsAny(s, " \t\n") {
					v = s
				}
			}
			if rng.IntN(4) == 0 {
				v += "," + piece(vs[rng.IntN(len(vs))])
			}
			if rng.IntN(3) == 0 {
				v = "zz" + v // most likely absent
			}
			w := k + sep + v
			switch rng.IntN(8) {
			case 0:
				w = "-" + w
			case 1:
				w = piece(e.Username) // a bare user-name term
			case 2:
				w = "err"
			}
			words = append(words, w)
		}
		out = append(out, strings.Join(words, " "))
	}
	return out
}

// TestPrefilterNeverDropsAMatch: over every record of the datasets and
// testdata, synthetic ones and the hostile ones, random filters under
// every key never lose a record the filter keeps; and the test does drop
// records (it is not a test that keeps everything).
func TestPrefilterNeverDropsAMatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 1))
	var recs []string
	for _, r := range corpusRecords(t) {
		recs = append(recs, r)
	}
	sort.Strings(recs)
	s := newSynth(5)
	for range 500 {
		recs = append(recs, s.record())
	}
	recs = append(recs, hostileRecords...)
	tested, dropped := 0, 0
	for _, raw := range recs {
		e, _ := FromRecord(raw)
		for _, text := range filterTexts(rng, &e) {
			tt, d := checkPrefilter(t, raw, ParseFilter(text))
			if tt {
				tested++
			}
			if d {
				dropped++
			}
		}
	}
	t.Logf("%d records, %d filters tested, %d records dropped", len(recs), tested, dropped)
	if dropped < tested/10 {
		t.Errorf("only %d of %d dropped: the prefilter tests next to nothing", dropped, tested)
	}
}

func TestPrefilterUntestable(t *testing.T) {
	for _, text := range []string{"", "-user:adam", "ro:true", "err", "id:abc", "user:root", "user=root", "user:ro", "restype:AWS::EC2", "-raw:x", "user:", "bogus:x"} {
		if NewPrefilter(ParseFilter(text)) != nil {
			t.Errorf("%q: a prefilter, but no term of it can be tested", text)
		}
	}
	p := NewPrefilter(ParseFilter("user:adam event:Run"))
	rec := `{"eventTime":"2024-01-01T00:00:00Z","eventName":"RunInstances","userIdentity":{"type":"IAMUser","userName":"Adam"}}`
	if !p.MayMatch(rec) {
		t.Error("user:adam drops Adam")
	}
	if p.MayMatch(strings.Replace(rec, "Adam", "eve", 1)) {
		t.Error("user:adam keeps eve")
	}
	if !p.MayMatch(strings.Replace(rec, "Adam", `\u0041dam`, 1)) {
		t.Error("an escape in the record must keep it")
	}
}

func FuzzPrefilter(f *testing.F) {
	for _, raw := range hostileRecords {
		f.Add(raw, "user:a event:X")
	}
	f.Add(`{"eventTime":"2024-01-01T00:00:00Z","eventName":"AssumeRole","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/R/sess"},"responseElements":{"assumedRoleUser":{"arn":"arn:aws:sts::1:assumed-role/R/new"}}}`, "session:arn:aws:sts::1:assumed-role/R/NEW user:SESS")
	f.Add(`{"eventTime":"2024-01-01T00:00:00Z","eventSource":"ec2.amazonaws.com","requestParameters":{"instancesSet":{"items":[{"instanceId":"i-1"}]}}}`, "res:I-1 restype:aws::ec2::inst")
	f.Add("{\"eventTime\":\"2024-01-01T00:00:00Z\",\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"K\u212aelvin\"}}", "user:kk")
	f.Fuzz(func(t *testing.T, raw, filter string) {
		checkPrefilter(t, raw, ParseFilter(filter))
	})
}

// TestPrefilterTestsDrawEveryKey: a filter key added to the language is
// drawn by the random filters above, or this fails (a key whose value is
// derived, not taken from the record, must not be testable; see testable).
func TestPrefilterTestsDrawEveryKey(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	e := Event{Resources: []Resource{{Type: "AWS::EC2::Instance", Name: "i-1"}}}
	drawn := map[string]bool{}
	for range 2000 {
		for _, f := range filterTexts(rng, &e) {
			for _, w := range strings.Fields(f) {
				if k, _, ok := strings.Cut(strings.TrimLeft(w, "-"), ":"); ok {
					drawn[k] = true
				}
			}
		}
	}
	for k := range fieldKeys {
		if !drawn[k] {
			t.Errorf("filter key %s: filterTexts never draws it; add its values there", k)
		}
	}
}
