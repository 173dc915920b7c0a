package model

import "testing"

// FuzzContainsFold holds the jumping search to the definition: hasPrefixFold
// tried at every rune boundary.
func FuzzContainsFold(f *testing.F) {
	for _, c := range [][2]string{{"arn:aws:s3:::bucket/Object-0001", "object-0"}, {"Kelvin \u212a", "k"}, {"ſtreet", "S"},
		{"caf\u00c9", "\u00e9"}, {"\xff\xfeab", "\xfe"}, {"a\xc3", "\xc3"}, {"x", ""}, {"ǅ", "ǆ"}} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, s, sub string) {
		if got, want := containsFold(s, sub), sub == "" || containsFoldEveryPosition(s, sub); got != want {
			t.Fatalf("containsFold(%q, %q) = %v, want %v", s, sub, got, want)
		}
	})
}
