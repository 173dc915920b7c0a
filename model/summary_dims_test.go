package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// dimensionRecords are CloudTrail records with instance types in the
// request, in the response's items and in ModifyInstanceAttribute's
// {"value": …}, numbers, booleans, escapes, nulls, resources and roles;
// some written compact, some indented as a trail's files may be.
func dimensionRecords(n int, seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, 7))
	types := []string{"t3.micro", "t3.medium", "g5.2xlarge", "m5.large"}
	roles := []string{"Admin", "Deployer", "ReadOnly"}
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	var out []string
	for i := range n {
		rec := map[string]any{
			"eventVersion": "1.08", "eventID": fmt.Sprintf("ev-%05d", i), "eventSource": "ec2.amazonaws.com",
			"eventTime": time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Add(-time.Duration(i) * time.Minute).Format(time.RFC3339),
			"awsRegion": pick([]string{"eu-west-1", "us-east-1"}),
			"userIdentity": map[string]any{"type": "AssumedRole", "arn": "arn:aws:sts::111122223333:assumed-role/x/y",
				"sessionContext": map[string]any{"sessionIssuer": map[string]any{"type": "Role", "userName": pick(roles)}}},
			"recipientAccountId": "111122223333",
		}
		switch rng.IntN(5) {
		case 0: // one or more instances, each with its type
			typ := pick(types)
			var items []any
			for k := range 1 + rng.IntN(3) {
				t := typ
				if rng.IntN(4) == 0 {
					t = pick(types)
				}
				items = append(items, map[string]any{"instanceId": fmt.Sprintf("i-%05d%d", i, k), "instanceType": t})
			}
			rec["eventName"] = "RunInstances"
			rec["requestParameters"] = map[string]any{"instanceType": typ, "minCount": len(items), "ebsOptimized": rng.IntN(2) == 0,
				"blockDeviceMapping": map[string]any{"items": []any{map[string]any{"ebs": map[string]any{"volumeSize": 8 + rng.IntN(3)}}}}}
			rec["responseElements"] = map[string]any{"instancesSet": map[string]any{"items": items}}
			var res []any
			for _, it := range items {
				res = append(res, map[string]any{"ARN": "arn:aws:ec2:eu-west-1:111122223333:instance/" + it.(map[string]any)["instanceId"].(string), "type": "AWS::EC2::Instance"})
			}
			rec["resources"] = res
		case 1:
			rec["eventName"] = "ModifyInstanceAttribute"
			rec["requestParameters"] = map[string]any{"instanceId": "i-1", "instanceType": map[string]any{"value": pick(types)}}
			rec["responseElements"] = map[string]any{"_return": true}
		case 2:
			rec["eventName"] = "CreateVolume"
			rec["requestParameters"] = map[string]any{"size": 100 + rng.IntN(2), "volumeType": "gp3", "encrypted": nil}
			rec["responseElements"] = map[string]any{"volumeId": "vol-1", "size": 100, "instanceType": nil}
			rec["resources"] = []any{map[string]any{"ARN": pick([]string{"vol-1", "vol-2"}), "type": "AWS::EC2::Volume"},
				map[string]any{"ARN": "vol-1", "type": "AWS::EC2::Volume"}}
		case 3:
			rec["eventName"] = "DescribeInstances"
			rec["requestParameters"] = map[string]any{"instancesSet": map[string]any{}, "filterSet": map[string]any{"items": []any{[]any{"nested"}}}}
			rec["responseElements"] = nil
		default:
			rec["eventName"] = "GetCallerIdentity"
		}
		b, _ := json.Marshal(rec)
		if i%3 == 0 {
			b, _ = json.MarshalIndent(rec, "", "  ")
		}
		if i%11 == 0 { // an escape the decoder must undo
			b = bytes.Replace(b, []byte(`"t3.micro"`), []byte(`"t3\u002emicro"`), 1)
		}
		out = append(out, string(b))
	}
	return out
}

// independentValues decodes raw with encoding/json and follows path
// through maps and arrays, collecting strings, numbers (as written) and
// booleans: what the summary should count for the record.
func independentValues(t *testing.T, raw string, path []string) []string {
	d := json.NewDecoder(strings.NewReader(raw))
	d.UseNumber()
	var doc any
	if err := d.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(v any, path []string)
	walk = func(v any, path []string) {
		switch v := v.(type) {
		case []any:
			for _, x := range v {
				walk(x, path)
			}
		case map[string]any:
			if len(path) > 0 {
				if x, ok := v[path[0]]; ok {
					walk(x, path[1:])
				}
			}
		case string:
			if len(path) == 0 {
				out = append(out, v)
			}
		case json.Number:
			if len(path) == 0 {
				out = append(out, v.String())
			}
		case bool:
			if len(path) == 0 {
				out = append(out, fmt.Sprint(v))
			}
		}
	}
	walk(doc, path)
	return out
}

// The derived dimensions and param paths, counted through the Counter
// (twice: the second count reuses what the first read, after more events
// arrive and the filter changes), against the test's own count over the
// raw records with encoding/json.
func TestDerivedCountsMatchAnIndependentCount(t *testing.T) {
	raws := dimensionRecords(1200, 1)
	var evs []Event
	for _, raw := range raws {
		e, err := FromRecord(raw)
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, e)
	}
	dims := map[Dimension][][]string{
		{By: ByInstanceType}: {{"requestParameters", "instanceType"}, {"requestParameters", "instanceType", "value"},
			{"responseElements", "instancesSet", "items", "instanceType"}},
		{By: ByResource}:                    {{"resources", "ARN"}},
		{By: ByRole}:                        {{"userIdentity", "sessionContext", "sessionIssuer", "userName"}},
		{By: ByParam, Path: "instanceType"}: {{"requestParameters", "instanceType"}, {"responseElements", "instanceType"}},
		{By: ByParam, Path: "size"}:         {{"requestParameters", "size"}, {"responseElements", "size"}},
		{By: ByParam, Path: "ebsOptimized"}: {{"requestParameters", "ebsOptimized"}, {"responseElements", "ebsOptimized"}},
		{By: ByParam, Path: "blockDeviceMapping.items[].ebs.volumeSize"}:      {{"requestParameters", "blockDeviceMapping", "items", "ebs", "volumeSize"}, {"responseElements", "blockDeviceMapping", "items", "ebs", "volumeSize"}},
		{By: ByParam, Path: "responseElements.instancesSet.items.instanceId"}: {{"responseElements", "instancesSet", "items", "instanceId"}},
		{By: ByParam, Path: "filterSet.items"}:                                {{"requestParameters", "filterSet", "items"}, {"responseElements", "filterSet", "items"}},
	}
	tl := NewTimeline()
	var c Counter
	tl.Add(evs[:500])
	for _, f := range []Filter{ParseFilter("region:eu-west-1"), {}, ParseFilter("-event:GetCallerIdentity")} {
		tl.SetFilter(f)
		for d, paths := range dims {
			want := map[string]int{}
			for i := range tl.Len() {
				if !f.Match(&evs[i]) {
					continue
				}
				seen := map[string]bool{}
				for _, p := range paths {
					for _, v := range independentValues(t, raws[i], p) {
						if v != "" {
							seen[v] = true
						}
					}
				}
				if d.By == ByResource && len(seen) == 0 {
					// No resources[]: the one rule these records meet
					// names the instance of the request's instanceId.
					for _, v := range independentValues(t, raws[i], []string{"requestParameters", "instanceId"}) {
						seen[v] = true
					}
				}
				if len(seen) == 0 {
					seen[""] = true
				}
				for v := range seen {
					want[v]++
				}
			}
			got := c.Counts(tl, d)
			if len(got) != len(want) {
				t.Errorf("%s over %q: %d groups, want %d", d, f, len(got), len(want))
			}
			for k, g := range got {
				if want[g.Value] != g.Count {
					t.Errorf("%s over %q: %q counted %d, want %d", d, f, g.Value, g.Count, want[g.Value])
				}
				if k > 0 && (got[k-1].Count < g.Count || got[k-1].Count == g.Count && got[k-1].Value > g.Value) {
					t.Errorf("%s: not most frequent first: %v", d, got)
				}
			}
		}
		tl.Add(evs[tl.Len():min(tl.Len()+350, len(evs))])
	}
	if got := c.Counts(tl, Dimension{By: ByInstanceType}); len(got) < 3 || got[0].Value == "t3\\u002emicro" {
		t.Errorf("instance types: %v", got)
	}
}

func TestParseDimensionAndTerms(t *testing.T) {
	for _, c := range []struct {
		text string
		want Dimension
		err  string
	}{
		{"param:instanceType", Dimension{By: ByParam, Path: "instanceType"}, ""},
		{" instancesSet.items[].instanceId ", Dimension{By: ByParam, Path: "instancesSet.items.instanceId"}, ""},
		{"instance type", Dimension{By: ByInstanceType}, ""},
		{"Resource", Dimension{By: ByResource}, ""},
		{"param:", Dimension{}, "give a field's path"},
		{"a..b", Dimension{}, "give a field's path"},
		{"a b", Dimension{}, "is not a path"},
		{"param:\x1b[2J", Dimension{}, `"\x1b[2J" is not a path`},
	} {
		got, err := ParseDimension(c.text)
		if got != c.want || !strings.Contains(err, c.err) || (c.err == "") != (err == "") {
			t.Errorf("ParseDimension(%q) = %+v, %q; want %+v, %q", c.text, got, err, c.want, c.err)
		}
		if strings.ContainsRune(err, 0x1b) {
			t.Errorf("ParseDimension(%q): an escape in the error", c.text)
		}
	}
	for _, c := range []struct {
		d           Dimension
		value, want string
	}{
		{Dimension{By: ByUser}, "adam", "user:adam"},
		{Dimension{By: ByAgent}, "aws-cli/2.0 Python/3", "agent:aws-cli/2.0"},
		{Dimension{By: ByError}, "", "-err"},
		{Dimension{By: ByRole}, "Admin", "role=Admin"},
		{Dimension{By: ByResource}, "arn:aws:s3:::b", "res=arn:aws:s3:::b"},
		{Dimension{By: ByResource}, "", ""},
		{Dimension{By: ByInstanceType}, "g5.2xlarge", "raw:g5.2xlarge"},
		{Dimension{By: ByParam, Path: "size"}, "100", "raw:100"},
		{Dimension{By: ByParam, Path: "x"}, "a b", ""},
		{Dimension{By: ByParam, Path: "x"}, "a,b", ""},
		{Dimension{By: ByParam, Path: "x"}, "\x1b[2J", ""},
	} {
		if got := c.d.Term(c.value); got != c.want {
			t.Errorf("%s.Term(%q) = %q, want %q", c.d, c.value, got, c.want)
		}
	}
	// A term a row becomes selects every event the row counted.
	raws := dimensionRecords(300, 9)
	tl := NewTimeline()
	for _, raw := range raws {
		e, _ := FromRecord(raw)
		tl.Add([]Event{e})
	}
	for _, d := range []Dimension{{By: ByInstanceType}, {By: ByResource}, {By: ByRole}, {By: ByParam, Path: "volumeType"}} {
		var c Counter
		for _, g := range c.Counts(tl, d) {
			term := d.Term(g.Value)
			if term == "" {
				continue
			}
			f := ParseFilter(term)
			n := 0
			for i := range tl.Len() {
				if f.Match(tl.At(i)) {
					n++
				}
			}
			if n < g.Count {
				t.Errorf("%s: %s selects %d events, the row counted %d", d, term, n, g.Count)
			}
		}
	}
}

// BenchmarkSummaryDerivedRecount is the summary's cost per keystroke over
// a million loaded events for the derived dimensions, once the Counter
// has read them (ms/recount: a filter change, then a recount of the
// view), and what reading them the first time costs (ms/first-read, the
// keystroke that opens the dimension).
func BenchmarkSummaryDerivedRecount(b *testing.B) {
	const n = 1_000_000
	tl := NewTimeline()
	types := []string{"t3.micro", "t3.medium", "g5.2xlarge", "m5.large", "c7g.xlarge"}
	evs := make([]Event, 0, 4096)
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		e := Event{ID: fmt.Sprint(i), Time: base.Add(-time.Duration(i) * 7 * time.Second), Username: fmt.Sprintf("user-%03d", i%300),
			Name: "DescribeInstances", Region: []string{"eu-west-1", "us-east-1"}[i%2]}
		e.Raw = `{"eventVersion":"1.08","eventName":"DescribeInstances","requestParameters":{"instancesSet":{},"filterSet":{}},"responseElements":null}`
		if i%5 == 0 {
			typ := types[i%len(types)]
			e.Name = "RunInstances"
			e.Resources = []Resource{{Type: "AWS::EC2::Instance", Name: fmt.Sprintf("i-%08x", i/5)}}
			e.Raw = `{"eventVersion":"1.08","eventName":"RunInstances","requestParameters":{"instanceType":"` + typ +
				`","minCount":1,"maxCount":1},"responseElements":{"instancesSet":{"items":[{"instanceId":"` + e.Resources[0].Name +
				`","instanceType":"` + typ + `"}]}}}`
		}
		evs = append(evs, e)
		if len(evs) == cap(evs) {
			tl.Add(evs)
			evs = evs[:0]
		}
	}
	tl.Add(evs)
	filters := []Filter{{}, ParseFilter("region:eu-west-1"), ParseFilter("-user:user-00")}
	for _, d := range []Dimension{{By: ByInstanceType}, {By: ByResource}, {By: ByParam, Path: "instanceType"}, {By: ByRole}} {
		b.Run(d.String(), func(b *testing.B) {
			var c Counter
			tl.SetFilter(Filter{})
			start := time.Now()
			c.Counts(tl, d)
			firstRead := time.Since(start)
			b.ResetTimer()
			for k := range b.N {
				b.StopTimer()
				tl.SetFilter(filters[k%len(filters)])
				b.StartTimer()
				_ = c.Counts(tl, d)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/recount")
			b.ReportMetric(float64(firstRead.Microseconds())/1000, "ms/first-read")
		})
	}
}
