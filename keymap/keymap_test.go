package keymap

import (
	"testing"

	"charm.land/bubbles/v2/key"
)

// Every binding in the help has keys and a description, and no key does
// two things while browsing (the filter bar's enter and esc are its own).
func TestBindingsAreDocumentedAndDistinct(t *testing.T) {
	k := DefaultKeyMap()
	owner := map[string]string{}
	for _, group := range k.FullHelp() {
		for _, b := range group {
			h := b.Help()
			if len(b.Keys()) == 0 || h.Key == "" || h.Desc == "" {
				t.Errorf("binding %+v lacks keys or help", h)
			}
			for _, name := range b.Keys() {
				if prev, dup := owner[name]; dup {
					t.Errorf("key %q does both %q and %q", name, prev, h.Desc)
				}
				owner[name] = h.Desc
			}
		}
	}
	for _, b := range append(k.ShortHelp(), k.FilterHelp()...) {
		if !b.Enabled() || b.Help().Desc == "" {
			t.Errorf("footer binding %+v is disabled or undocumented", b.Help())
		}
	}
	for _, want := range []key.Binding{k.Filter, k.Copy, k.Refresh, k.Regions, k.Help, k.Quit} {
		if _, ok := owner[want.Keys()[0]]; !ok {
			t.Errorf("%q is missing from the help overlay", want.Help().Desc)
		}
	}
}
