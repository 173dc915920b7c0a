package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"lazytrail/keymap"
)

// filterTerms is the filter language as ? shows it, beside the keys: the
// README's table ("The filter bar"), one example a row.
var filterTerms = []struct{ example, matches string }{
	{"skeddly-  user:skeddly-", "user names starting with skeddly-"},
	{"event:Stop", "event names starting with Stop"},
	{"region:eu-", "regions starting with eu-"},
	{"source:iam", "event sources starting with iam"},
	{"res:i-064b", "any resource name containing i-064b"},
	{"ip:203.0.113.", "source IPs starting with it"},
	{"id:3f2a", "event ids starting with it"},
	{"err  err:AccessDenied", "failed calls, or failed with that error code"},
	{"ro:true  ro:false", "read-only calls, or writes"},
	{"account:1111", "account ids starting with it"},
	{"key:AKIA", "access key ids starting with it"},
	{"role:Skeddly", "session issuer (the role behind a session) starting with it"},
	{"type:AssumedRole", "identity types starting with it (IAMUser, Root, …)"},
	{"agent:terraform", "user agents containing it"},
	{"restype:AWS::EC2::", "resource types starting with it (AWS::EC2::Instance, …)"},
	{"session=arn:aws:sts::1111:assumed-role/R/N", "that role session's calls and the AssumeRole that began it (p: in this session)"},
	{"raw:203.0.113.7", "the whole raw record containing it (slower)"},
	{"event=RunInstances", "exactly that value, case-sensitive; also user= key= res= restype= id= source=: enter pushes it down to the source (seconds, not a scan of the whole range)"},
}

// ? opens the help over the focused pane, from its top each time.
var _ = register(opener{
	key:  func(k keymap.KeyMap) key.Binding { return k.Help },
	open: func(a *App, _ overlay) overlay { return newHelpOverlay(a.state, a.focused()) },
})

// helpOverlay is ?: the keys of the view it opened over (every key, from
// the list), then the filter language, scrolled.
type helpOverlay struct {
	s      *state
	of     help.KeyMap // whose keys it lists
	sc     scroller
	width  int
	height int
}

func newHelpOverlay(s *state, of help.KeyMap) *helpOverlay { return &helpOverlay{s: s, of: of} }

func (h *helpOverlay) opener() key.Binding { return h.s.keys.Help }

// SetSize lays the help out for the width, keeping the scroll position,
// and a line to say where the reader is when it does not fit whole.
func (h *helpOverlay) SetSize(w, ht int) {
	h.width, h.height = w, ht
	top := h.sc.top
	h.sc.SetLines(h.lines())
	if len(h.sc.source) > ht {
		ht--
	}
	h.sc.SetSize(w, max(ht, 1))
	h.sc.top = top
	h.sc.clamp()
}

func (h *helpOverlay) View() []string {
	lines := h.sc.Lines()
	if first, last, total := h.sc.Position(); total > len(lines) || first > 1 || last < total {
		lines = append(lines[:len(lines):len(lines)], styled(h.s.st.Label, fit(fmt.Sprintf("  lines %d–%d of %d", first, last, total), h.width)))
	}
	return lines
}

// lines are the keys, then the filter language.
func (h *helpOverlay) lines() []string {
	w := h.width
	title := paintOf(h.s.st.PaneTitle)
	keys := help.New()
	keys.Styles = h.s.st.Help
	keys.SetWidth(w)
	lines := strings.Split(keys.FullHelpView(h.of.FullHelp()), "\n")
	lines = append(lines, "")
	for _, l := range wrapLines("FILTER  (/ opens it; terms are ANDed; a,b lists alternatives; -term negates; lower case matches any case)", w) {
		lines = append(lines, title.wrap(l))
	}
	exW := 0
	for _, t := range filterTerms {
		exW = max(exW, cellWidth(t.example))
	}
	for _, t := range filterTerms {
		text := wrapLines(t.matches, max(w-exW-4, 20))
		for i, l := range text {
			ex := ""
			if i == 0 {
				ex = t.example
			}
			lines = append(lines, fmt.Sprintf("  %-*s  %s", exW, ex, l))
		}
	}
	return lines
}

// HandleKey scrolls.
func (h *helpOverlay) HandleKey(msg tea.KeyPressMsg) action {
	if move(h.s.keys, &h.sc, msg) {
		return handled{}
	}
	return nil
}

func (h *helpOverlay) ShortHelp() []key.Binding {
	k := h.s.keys
	return []key.Binding{scrollKeys(k), closeKeys(k, h.opener())}
}

func (h *helpOverlay) FullHelp() [][]key.Binding { return [][]key.Binding{h.ShortHelp()} }
