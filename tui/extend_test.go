package tui

import (
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"lazytrail/keymap"
)

// countsView is a view added the way component.go says, in this one file:
// a type implementing overlay and its opener; its key (ctrl+t) stands in
// for the keymap entry a real view adds. It reads the shared state when it
// renders, so it counts what is loaded now.
type countsView struct {
	s             *state
	width, height int
}

var countsKey = key.NewBinding(key.WithKeys("ctrl+t"), key.WithHelp("ctrl+t", "counts"))

var _ = register(opener{
	key:  func(keymap.KeyMap) key.Binding { return countsKey },
	open: func(a *App, _ overlay) overlay { return &countsView{s: a.state} },
})

func (v *countsView) opener() key.Binding              { return countsKey }
func (v *countsView) SetSize(w, h int)                 { v.width, v.height = w, h }
func (v *countsView) HandleKey(tea.KeyPressMsg) action { return nil }
func (v *countsView) ShortHelp() []key.Binding {
	return []key.Binding{closeKeys(v.s.keys, countsKey)}
}
func (v *countsView) FullHelp() [][]key.Binding { return [][]key.Binding{v.ShortHelp()} }
func (v *countsView) View() []string {
	return []string{fit("COUNTS", v.width), fit("  "+count(v.s.tl.Len())+" loaded", v.width)}
}

func TestAViewIsOneFile(t *testing.T) {
	app, _ := newTestApp(t, 80, 24, mixedEvents(30))
	app.Update(tea.KeyPressMsg{Code: 't', Mod: tea.ModCtrl})
	s := look(t, app)
	if s.title() != "COUNTS" || !strings.Contains(s.text(), "  30 loaded") || !strings.Contains(s.footer(), "ctrl+t/esc close") {
		t.Fatalf("the added view is not in front with its keys:\n%s", s.text())
	}
	feed(app, mixedEvents(40)[30:], true)
	if s := look(t, app); !strings.Contains(s.text(), "  40 loaded") {
		t.Errorf("the view does not read the state when it renders:\n%s", s.text())
	}
	app.Update(tea.KeyPressMsg{Code: 't', Mod: tea.ModCtrl})
	if s := look(t, app); s.title() == "COUNTS" || !strings.Contains(s.title(), "TIME (UTC)") {
		t.Errorf("its key did not close it:\n%s", s.text())
	}
}
