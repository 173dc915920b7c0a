package tui

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"lazytrail/model"
)

// dimRecord is a record of the summary's dimension tests, i minutes
// before testNow: RunInstances with instance types in the request and the
// response, volumes with sizes, resources and session roles, in several
// regions and accounts.
func dimRecord(i int) string {
	types := []string{"t3.medium", "g5.2xlarge", "m5.large", "t3.micro"}
	roles := []string{"Admin", "Deployer", "ReadOnly"}
	users := []string{"adam", "maria", "skeddly-1"}
	accounts := []string{"111122223333", "444455556666"}
	rec := map[string]any{
		"eventVersion": "1.08", "eventID": fmt.Sprintf("ev-%06d", i), "eventTime": testNow.Add(-time.Duration(i) * time.Minute).Format(time.RFC3339),
		"eventSource": "ec2.amazonaws.com", "awsRegion": []string{"eu-west-1", "us-east-1", "ap-southeast-2"}[i%3], "eventType": "AwsApiCall",
		"recipientAccountId": accounts[i/3%2], "sourceIPAddress": "203.0.113.7", "userAgent": "aws-cli/2.15.0",
		"userIdentity": map[string]any{"type": "AssumedRole", "arn": "arn:aws:sts::" + accounts[i/3%2] + ":assumed-role/" + roles[i%5%3] + "/" + users[i%3],
			"accountId": accounts[i/3%2], "sessionContext": map[string]any{"sessionIssuer": map[string]any{"type": "Role", "userName": roles[i%5%3]}}},
	}
	switch i % 4 {
	case 0:
		typ := types[i/4%len(types)]
		items := []any{map[string]any{"instanceId": fmt.Sprintf("i-%04d", i%7), "instanceType": typ}}
		if i%8 == 0 {
			items = append(items, map[string]any{"instanceId": fmt.Sprintf("i-%04d", i%5+10), "instanceType": types[(i/4+1)%len(types)]})
		}
		rec["eventName"] = "RunInstances"
		rec["requestParameters"] = map[string]any{"instanceType": typ, "blockDeviceMapping": map[string]any{"items": []any{
			map[string]any{"ebs": map[string]any{"volumeSize": 8 * (1 + i%3)}}}}}
		rec["responseElements"] = map[string]any{"instancesSet": map[string]any{"items": items}}
		var res []any
		for _, it := range items {
			res = append(res, map[string]any{"ARN": it.(map[string]any)["instanceId"], "type": "AWS::EC2::Instance"})
		}
		rec["resources"] = res
	case 1:
		rec["eventName"] = "CreateVolume"
		rec["requestParameters"] = map[string]any{"size": 100, "volumeType": "gp3"}
		rec["responseElements"] = map[string]any{"volumeId": fmt.Sprintf("vol-%d", i%3)}
		rec["resources"] = []any{map[string]any{"ARN": fmt.Sprintf("vol-%d", i%3), "type": "AWS::EC2::Volume"}}
	default:
		rec["eventName"] = "DescribeInstances"
	}
	b, _ := json.Marshal(rec)
	return string(b)
}

func dimEvents(t testing.TB, n int) ([]model.Event, []string) {
	var evs []model.Event
	var raws []string
	for i := range n {
		raw := dimRecord(i)
		e, err := model.FromRecord(raw)
		if err != nil {
			t.Fatal(err)
		}
		evs, raws = append(evs, e), append(raws, raw)
	}
	return evs, raws
}

// jsonValues follows path through the record's maps and arrays with
// encoding/json, collecting strings and numbers: the test's own reading.
func jsonValues(raw string, path ...string) []string {
	var doc any
	if err := json.Unmarshal([]byte(raw), &doc); err != nil {
		panic(err)
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
				walk(v[path[0]], path[1:])
			}
		case string:
			if len(path) == 0 && v != "" {
				out = append(out, v)
			}
		case float64:
			if len(path) == 0 {
				out = append(out, strconv.FormatFloat(v, 'f', -1, 64))
			}
		}
	}
	walk(doc, path)
	return out
}

// countBy is the independent count: how many records have each value
// (once per record, "(none)" for a record without one) over the paths.
func countBy(raws []string, paths ...[]string) map[string]int {
	out := map[string]int{}
	for _, raw := range raws {
		seen := map[string]bool{}
		for _, p := range paths {
			for _, v := range jsonValues(raw, p...) {
				seen[v] = true
			}
		}
		if len(seen) == 0 {
			seen["(none)"] = true
		}
		for v := range seen {
			out[v]++
		}
	}
	return out
}

var summaryRow = regexp.MustCompile(`^[ >]*(\d+) (\S+) +(\d+) +[\d.]+%`)

// summaryRows are the rows the summary shows: value → count.
func summaryRows(t *testing.T, a *App) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, line := range look(t, a).bodyLines() {
		if m := summaryRow.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[3])
			out[m[2]] = n
		}
	}
	return out
}

func sameCounts(t *testing.T, what string, got, want map[string]int) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d rows %v, want %d %v", what, len(got), got, len(want), want)
		return
	}
	for v, n := range want {
		if got[v] != n {
			t.Errorf("%s: %s counted %d, want %d", what, v, got[v], n)
		}
	}
}

// The summary's new dimensions, reached with shift+tab from user (the
// resource, instance type and session role) and typed with / (param:),
// each checked against the test's own count over the raw records; enter
// on a resource filters to it exactly; a bad path is refused in place.
func TestSummaryDimensions(t *testing.T) {
	evs, raws := dimEvents(t, 96)
	app, _ := newTestApp(t, 160, 48, evs)
	feed(app, nil, false)
	press(app, "s", "shift+tab")
	if got := look(t, app).title(); !strings.HasPrefix(got, "SUMMARY by resource · 96 matches, complete · an event counts once per value") {
		t.Fatalf("shift+tab from user: %q", got)
	}
	byResource := countBy(raws, []string{"resources", "ARN"})
	sameCounts(t, "resource", summaryRows(t, app), byResource)

	press(app, "shift+tab")
	if got := look(t, app).title(); !strings.HasPrefix(got, "SUMMARY by instance type") {
		t.Fatalf("shift+tab again: %q", got)
	}
	sameCounts(t, "instance type", summaryRows(t, app), countBy(raws, []string{"requestParameters", "instanceType"},
		[]string{"responseElements", "instancesSet", "items", "instanceType"}))

	press(app, "shift+tab")
	if got := look(t, app).title(); !strings.HasPrefix(got, "SUMMARY by session role") {
		t.Fatalf("shift+tab a third time: %q", got)
	}
	sameCounts(t, "session role", summaryRows(t, app), countBy(raws, []string{"userIdentity", "sessionContext", "sessionIssuer", "userName"}))

	// A path typed: / opens the line with param: written.
	press(app, "/")
	if got := plain(content(app)); !strings.Contains(got, "group by param:") {
		t.Fatalf("/ opened no path line:\n%s", got)
	}
	typeText(app, "blockDeviceMapping.items[].ebs.volumeSize")
	press(app, "enter")
	if got := look(t, app).title(); !strings.HasPrefix(got, "SUMMARY by param:blockDeviceMapping.items.ebs.volumeSize") {
		t.Fatalf("the typed path: %q", got)
	}
	sameCounts(t, "param volumeSize", summaryRows(t, app), countBy(raws, []string{"requestParameters", "blockDeviceMapping", "items", "ebs", "volumeSize"},
		[]string{"responseElements", "blockDeviceMapping", "items", "ebs", "volumeSize"}))

	// tab wraps round to user; shift+tab from user comes back to the path.
	press(app, "tab")
	if got := look(t, app).title(); !strings.HasPrefix(got, "SUMMARY by user") {
		t.Fatalf("tab from the path: %q", got)
	}
	press(app, "shift+tab")
	if got := look(t, app).title(); !strings.HasPrefix(got, "SUMMARY by param:blockDeviceMapping") {
		t.Fatalf("shift+tab from user: %q", got)
	}

	// A bad path is refused in place; q typed there is text, esc leaves.
	press(app, "/", "backspace", "backspace", "backspace", "backspace", "backspace", "backspace", "q", " ", "x")
	press(app, "enter")
	if s := look(t, app); !strings.Contains(s.footer(), "enter count by it") || !strings.Contains(s.text(), `"q x" is not a path`) {
		t.Fatalf("a bad path was not refused in place:\n%s", s.text())
	}
	press(app, "esc")
	if s := look(t, app); s.front() != "summary" || strings.Contains(s.text(), "group by q") || strings.Contains(s.text(), "is not a path") {
		t.Fatalf("esc did not leave the path's line:\n%s", s.text())
	}

	// enter on the top resource filters to it, exactly.
	press(app, "shift+tab")
	if got := look(t, app).title(); !strings.HasPrefix(got, "SUMMARY by resource") {
		t.Fatalf("shift+tab from the path: %q", got)
	}
	row := summaryRow.FindStringSubmatch(look(t, app).selected())
	if row == nil || row[1] != "1" {
		t.Fatalf("no first row selected: %q", look(t, app).selected())
	}
	if row[2] == "(none)" {
		press(app, "j")
		row = summaryRow.FindStringSubmatch(look(t, app).selected())
	}
	press(app, "enter")
	want := byResource[row[2]]
	if s := look(t, app); s.front() != "" || !strings.Contains(s.info(), "filter res="+row[2]+" ") || !strings.Contains(s.info(), fmt.Sprintf(" %d of 96 loaded match", want)) {
		t.Errorf("enter on %s should filter to res=%s with %d matches:\n%s", row[2], row[2], want, s.text())
	}
}

// An instance type or a resource is attacker-controlled text: the summary
// shows it escaped, and enter on it writes no filter of it.
func TestSummaryEscapesHostileValues(t *testing.T) {
	raw := `{"eventVersion":"1.08","eventID":"ev-000000","eventTime":"` + testNow.Format(time.RFC3339) + `","eventSource":"ec2.amazonaws.com",` +
		`"eventName":"RunInstances","awsRegion":"eu-west-1","recipientAccountId":"111122223333","userIdentity":{"type":"IAMUser","userName":"adam"},` +
		`"requestParameters":{"instanceType":"\u001b[2Jt3.micro"},"resources":[{"ARN":"vol-\u001b]0;pwned\u0007","type":"AWS::EC2::Volume"}]}`
	e, err := model.FromRecord(raw)
	if err != nil {
		t.Fatal(err)
	}
	app, _ := newTestApp(t, 120, 30, []model.Event{e})
	for _, c := range []struct {
		keys  []string
		shown string
	}{{[]string{"s", "shift+tab"}, "pwned"}, {[]string{"shift+tab"}, "t3.micro"}} {
		press(app, c.keys...)
		got := content(app)
		if !strings.Contains(plain(got), c.shown) {
			t.Fatalf("no row of %s:\n%s", c.shown, plain(got))
		}
		if strings.ContainsAny(got, "\x07") || strings.Contains(got, "\x1b[2J") || strings.Contains(got, "\x1b]0;") {
			t.Fatalf("a control character reached the screen: %q", got)
		}
		press(app, "enter")
		if s := look(t, app); s.front() != "summary" || app.filter().String() != "" {
			t.Fatalf("enter on a hostile value filtered to %q", app.filter())
		}
	}
}
