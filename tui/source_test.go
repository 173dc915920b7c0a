package tui

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"lazytrail/fetch/memory"
	"lazytrail/model"
)

// The tests run the app over fetch/memory's Source, a source like any
// other: its streams release events newest first and only on demand, as
// fetch's merge does. What it pushes down and what it can do are set per
// test; the app knows it only through model.Source.

// regionRows is the progress rows of a source partitioned by region.
func regionRows(regions ...string) []model.RegionProgress {
	rows := make([]model.RegionProgress, len(regions))
	for i, r := range regions {
		rows[i] = model.RegionProgress{Region: r, State: model.RegionPaging}
	}
	return rows
}

// testSource is a source of the last 90 days up to testNow over two
// regions that pushes nothing down, holding evs.
func testSource(evs []model.Event) *memory.Source {
	return &memory.Source{Events: evs, Start: testNow.Add(-90 * 24 * time.Hour), End: testNow, Account: "demo",
		Partitions: regionRows("eu-west-1", "us-east-1")}
}

// lookupPlan is what LookupEvents pushes down for a filter: its best
// exact term, which loads the events whose attribute has that value.
func lookupPlan(f model.Filter) model.Plan {
	k, v, ok := f.Pushdown()
	if !ok {
		return model.Plan{}
	}
	loads, _ := model.LookupFilter(k + "=" + v)
	return model.Plan{Key: k + "=" + v, Loads: loads}
}

// lookupSource is testSource pushing down what LookupEvents would, over
// ranges T picks, followed by F, and keeping 90 days.
func lookupSource(evs []model.Event) *memory.Source {
	src := testSource(evs)
	src.Planner = lookupPlan
	src.Caps = model.Capabilities{Plans: true, Ranges: true, Follow: true, HistoryLimit: 90 * 24 * time.Hour}
	src.Describe = func(r model.Request) string {
		if r.Plan == "" {
			return ""
		}
		return "pushed down " + r.Plan
	}
	return src
}

// plansOf is the plan of every query src opened, in order ("" for none).
func plansOf(src *memory.Source) []string {
	var plans []string
	for _, r := range src.Requests() {
		plans = append(plans, r.Plan)
	}
	return plans
}

// plansAsked is the plan of every query src opened that pushed one down,
// and how many pushed nothing.
func plansAsked(src *memory.Source) (pushed []string, plain int) {
	for _, r := range src.Requests() {
		if r.Plan == "" {
			plain++
		} else {
			pushed = append(pushed, r.Plan)
		}
	}
	return pushed, plain
}

// lastWant is the n of the stream's last demand (a large negative number
// before the first).
func lastWant(s *memory.Stream) int {
	n, ok := s.LastWant()
	if !ok {
		return -1 << 31
	}
	return n
}

var testNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// testEvent builds a realistic event with its raw record, i minutes before
// testNow.
func testEvent(i int, user, name, region string) model.Event {
	t := testNow.Add(-time.Duration(i) * time.Minute)
	rec := map[string]any{
		"eventVersion": "1.08", "eventID": fmt.Sprintf("ev-%06d", i), "eventTime": t.Format(time.RFC3339),
		"eventName": name, "eventSource": "ec2.amazonaws.com", "awsRegion": region, "eventType": "AwsApiCall",
		"sourceIPAddress": "203.0.113.7", "userAgent": "aws-cli/2.15.0", "readOnly": strings.HasPrefix(name, "Describe"),
		"userIdentity": map[string]any{"type": "AssumedRole", "arn": "arn:aws:sts::123456789012:assumed-role/ops/" + user,
			"accountId": "123456789012", "accessKeyId": "ASIAEXAMPLE",
			"sessionContext": map[string]any{"sessionIssuer": map[string]any{"type": "Role", "userName": "ops",
				"arn": "arn:aws:iam::123456789012:role/ops"}, "attributes": map[string]any{"mfaAuthenticated": "false"}}},
		"requestParameters": map[string]any{"instancesSet": map[string]any{"items": []any{map[string]any{"instanceId": fmt.Sprintf("i-%08x", i)}}}},
	}
	raw, _ := json.Marshal(rec)
	e, err := model.FromRecord(string(raw))
	if err != nil {
		panic(err)
	}
	e.Username = user
	e.Resources = []model.Resource{{Type: "AWS::EC2::Instance", Name: fmt.Sprintf("i-%08x", i)}}
	return e
}

// mixedEvents is n events cycling through three users and names.
func mixedEvents(n int) []model.Event {
	users := []string{"skeddly-a1b2", "adam", "alice"}
	names := []string{"StartInstances", "RunInstances", "DescribeInstances"}
	regions := []string{"eu-west-1", "us-east-1", "ap-southeast-2"}
	out := make([]model.Event, n)
	for i := range out {
		out[i] = testEvent(i, users[i%3], names[i%3], regions[i%3])
	}
	return out
}

// newTestApp returns an app sized w×h with evs loaded (the stream still
// open) and the stream it reads.
func newTestApp(t testing.TB, w, h int, evs []model.Event) (*App, *memory.Stream) {
	src := testSource(nil)
	app := New(Config{Source: src, Location: time.UTC})
	app.Init()
	app.Update(tea.WindowSizeMsg{Width: w, Height: h})
	feed(app, evs, true)
	return app, src.Last()
}

// feed hands the app a batch as the stream would.
func feed(a *App, evs []model.Event, more bool) {
	progress := []model.RegionProgress{{Region: "eu-west-1", State: model.RegionPaging, Events: len(evs), Pages: 1},
		{Region: "us-east-1", State: model.RegionPaging}}
	if len(evs) > 0 {
		progress[0].Oldest = evs[len(evs)-1].Time
	}
	a.Update(batchMsg{gen: a.gen, batch: model.Batch{Events: evs, Progress: progress}, ok: more})
}

// keyPress turns a key name into the message a terminal would send.
func keyPress(name string) tea.KeyPressMsg {
	special := map[string]tea.KeyPressMsg{
		"enter": {Code: tea.KeyEnter}, "esc": {Code: tea.KeyEscape}, "tab": {Code: tea.KeyTab},
		"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift}, "pgdown": {Code: tea.KeyPgDown}, "pgup": {Code: tea.KeyPgUp},
		"ctrl+c": {Code: 'c', Mod: tea.ModCtrl}, "ctrl+d": {Code: 'd', Mod: tea.ModCtrl}, "ctrl+u": {Code: 'u', Mod: tea.ModCtrl},
		"down": {Code: tea.KeyDown}, "up": {Code: tea.KeyUp}, "backspace": {Code: tea.KeyBackspace},
	}
	if k, ok := special[name]; ok {
		return k
	}
	r := []rune(name)[0]
	return tea.KeyPressMsg{Code: r, Text: string(r)}
}

// press sends keys one by one and returns the last command.
func press(a *App, keys ...string) tea.Cmd {
	var cmd tea.Cmd
	for _, k := range keys {
		_, cmd = a.Update(keyPress(k))
	}
	return cmd
}

// typeText sends each rune of s as a key press.
func typeText(a *App, s string) {
	for _, r := range s {
		a.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func content(a *App) string { return a.View().Content }

// bodyText is the screen between the status bar and the info line,
// without styles: the list, a pane or a panel.
func bodyText(a *App) string {
	lines := strings.Split(plain(content(a)), "\n")
	return strings.Join(lines[a.lay.top:a.lay.top+a.lay.body], "\n")
}

func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	_, ok := cmd().(tea.QuitMsg)
	return ok
}
