package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"lazytrail/tui"
)

// The pivot "in this session" holds the AssumeRole that began the session
// (made by another AWS account, so its caller is not the session), and that
// row names its caller ("account …") rather than a blank user. The
// expected rows are computed from the records with encoding/json.
func TestTUISessionPivotHoldsItsAssumeRole(t *testing.T) {
	ds := demoData()
	type rec struct {
		EventName    string `json:"eventName"`
		UserIdentity struct {
			Type      string `json:"type"`
			ARN       string `json:"arn"`
			AccountID string `json:"accountId"`
		} `json:"userIdentity"`
		ResponseElements struct {
			AssumedRoleUser struct {
				ARN string `json:"arn"`
			} `json:"assumedRoleUser"`
		} `json:"responseElements"`
	}
	decode := func(raw string) rec {
		var r rec
		if err := json.Unmarshal([]byte(raw), &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	// The newest AssumeRole by another account: its session, and every
	// event in it.
	var begin rec
	var beganAt time.Time
	for _, r := range ds.Regions() {
		for _, e := range ds.Events(r) {
			if e.Name != "AssumeRole" || e.Time.After(demoEnd) || e.Time.Before(beganAt) {
				continue
			}
			if d := decode(e.Raw); d.UserIdentity.Type == "AWSAccount" && d.ResponseElements.AssumedRoleUser.ARN != "" {
				begin, beganAt = d, e.Time
			}
		}
	}
	arn := begin.ResponseElements.AssumedRoleUser.ARN
	if arn == "" {
		t.Fatal("the demo account has no AssumeRole by another account")
	}
	session := arn[strings.LastIndexByte(arn, '/')+1:]
	want := map[string]int{}
	for _, r := range ds.Regions() {
		for _, e := range ds.Events(r) {
			if d := decode(e.Raw); d.UserIdentity.ARN == arn || d.ResponseElements.AssumedRoleUser.ARN == arn {
				want[e.Name]++
			}
		}
	}
	total := 0
	for _, n := range want {
		total += n
	}
	if want["AssumeRole"] != 1 || total < 2 {
		t.Fatalf("session %s: events %v", arn, want)
	}

	tm, screen := demoTUI(t, ds, tui.Config{}, 120, 30, "user="+session)
	tm.Type("p")
	waitScreen(t, tm, screen, "PIVOT", 10*time.Second)
	number := regexp.MustCompile(`(\d)  everything in this session`).FindStringSubmatch(ansi.Strip(screen.String()))
	if number == nil {
		t.Fatalf("no session pivot:\n%s", ansi.Strip(screen.String()))
	}
	tm.Type(number[1])
	waitScreen(t, tm, screen, fmt.Sprintf("%d of", total), 10*time.Second)
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	final := tm.FinalModel(t).(*tui.App)
	defer final.Close()
	shown := ansi.Strip(final.View().Content)
	if !strings.Contains(shown, "filter session=arn:") {
		t.Errorf("the filter is not the session's:\n%s", shown)
	}
	rows := 0
	for _, line := range strings.Split(shown, "\n") {
		for name := range want {
			if strings.Contains(line, " "+name+" ") {
				rows++
				if name == "AssumeRole" && !strings.Contains(line, "account "+begin.UserIdentity.AccountID) {
					t.Errorf("the AssumeRole row does not name its caller, account %s: %q", begin.UserIdentity.AccountID, line)
				}
			}
		}
	}
	if rows != total {
		t.Errorf("%d rows of the session's %d events %v:\n%s", rows, total, want, shown)
	}
}
