package tui

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"lazytrail/model"
)

// memSource is an in-memory Source for tests: it holds a newest-first list
// of events and releases them in batches only while there is demand, as the
// fetch engine does. It is a Source like any other, not a stand-in for the
// SDK.
type memSource struct {
	mu       sync.Mutex
	wake     chan struct{}
	events   []model.Event
	next     int
	batch    int
	match    func(*model.Event) bool
	want     int
	wants    []int // every n passed to Want, for assertions on demand
	closed   bool
	progress []model.RegionProgress
	panicky  bool // Next panics, to test the guard
	wantBomb bool // Want panics (it runs inside Update)
}

func newMemSource(events []model.Event, batch int) *memSource {
	return &memSource{events: events, batch: batch, wake: make(chan struct{}, 1),
		progress: []model.RegionProgress{{Region: "eu-west-1", State: model.RegionPaging}, {Region: "us-east-1", State: model.RegionPaging}}}
}

func (s *memSource) Want(match func(*model.Event) bool, n int) {
	if s.wantBomb {
		panic("memSource: Want exploded")
	}
	s.mu.Lock()
	s.match, s.want = match, n
	s.wants = append(s.wants, n)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *memSource) Next(ctx context.Context) (model.Batch, bool) {
	for {
		s.mu.Lock()
		if s.panicky {
			s.mu.Unlock()
			panic("memSource: boom")
		}
		if s.closed || s.next >= len(s.events) {
			for i := range s.progress {
				s.progress[i].State = model.RegionDone
			}
			b := model.Batch{Progress: append([]model.RegionProgress(nil), s.progress...)}
			s.mu.Unlock()
			return b, false
		}
		if s.want > 0 {
			end := min(s.next+s.batch, len(s.events))
			out := s.events[s.next:end]
			for i := range out {
				if s.match == nil || s.match(&out[i]) {
					s.want--
				}
				s.progress[0].Events++
				s.progress[0].Oldest = out[i].Time
			}
			s.next = end
			b := model.Batch{Events: out, Progress: append([]model.RegionProgress(nil), s.progress...)}
			s.mu.Unlock()
			return b, true
		}
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return model.Batch{}, false
		case <-s.wake:
		}
	}
}

func (s *memSource) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *memSource) lastWant() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.wants) == 0 {
		return -1 << 31
	}
	return s.wants[len(s.wants)-1]
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
// open) and the source it reads.
func newTestApp(t testing.TB, w, h int, evs []model.Event) (*App, *memSource) {
	src := newMemSource(nil, 50)
	app := New(Config{Account: "demo", Location: time.UTC,
		Open: func() (Source, Query) {
			return src, Query{Start: testNow.Add(-90 * 24 * time.Hour), End: testNow, Regions: 2}
		}})
	app.Init()
	app.Update(tea.WindowSizeMsg{Width: w, Height: h})
	feed(app, evs, true)
	return app, src
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
