package tui

import (
	"fmt"
	"strings"
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

// openHelp shows the help from its top.
func (a *App) openHelp() {
	a.overlay = overlayHelp
	a.helpSc.SetLines(a.helpLines())
	a.sizeHelp()
}

// sizeHelp fits the help to the body, keeping a line to say how to scroll
// when it does not fit whole.
func (a *App) sizeHelp() {
	h := a.lay.body
	if len(a.helpSc.source) > h {
		h--
	}
	a.helpSc.SetSize(a.lay.width, max(h, 1))
}

func (a *App) helpView() []string {
	lines := a.helpSc.Lines()
	if first, last, total := a.helpSc.Position(); total > len(lines) || first > 1 || last < total {
		lines = append(lines[:len(lines):len(lines)], styled(a.st.Label, fit(fmt.Sprintf("  lines %d–%d of %d · j/k, pgdn/pgup scroll · esc closes", first, last, total), a.lay.width)))
	}
	return lines
}

// helpLines are the keys, then the filter language.
func (a *App) helpLines() []string {
	w := a.lay.width
	title := paintOf(a.st.PaneTitle)
	lines := strings.Split(a.help.FullHelpView(a.keys.FullHelp()), "\n")
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
