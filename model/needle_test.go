package model

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
)

// needlePieces are what random records and terms are made of: letters whose
// folding orbits hold longer runes (k and the Kelvin sign, s and the long
// s, ß and ẞ, ω and the ohm sign), other non-ASCII letters, invalid bytes,
// and JSON escapes as a record holds them (a raw: term matches the
// record's text, escapes and all).
var needlePieces = []string{"a", "b", "e", "i", "-", "0", "d", "c", "k", "K", "\u212a", "s", "S", "\u017f", "ß", "ẞ",
	"ω", "Ω", "\u2126", "é", "É", "İ", "ı", "\xff", "\x80", "\xe2\x84", `\"`, `\\`, `\u00e9`, `\n`, `"`, ":", "{", " "}

func randomText(rng *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		b.WriteString(needlePieces[rng.IntN(len(needlePieces))])
	}
	return b.String()
}

// recase changes the case of some runes of s, as a user might type it.
func recase(rng *rand.Rand, s string) string {
	var b strings.Builder
	for _, r := range s {
		if rng.IntN(3) == 0 {
			r = unicode.SimpleFold(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// TestNeedleMatchesDefinition checks the prepared search against the
// definition it speeds up: containsFold for a folded term, strings.Contains
// for one with upper case, over random records and terms cut from them.
func TestNeedleMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 1))
	for range 20000 {
		s := randomText(rng, rng.IntN(40))
		var text string
		if len(s) > 0 && rng.IntN(3) > 0 {
			from := rng.IntN(len(s))
			text = s[from:min(len(s), from+1+rng.IntN(8))]
			if rng.IntN(2) == 0 {
				text = recase(rng, text)
			}
		} else {
			text = randomText(rng, 1+rng.IntN(3))
		}
		for _, fold := range []bool{true, false} {
			n := newNeedle(text, fold)
			want := strings.Contains(s, text)
			if fold {
				want = containsFold(s, text)
			}
			if got := n.in(s); got != want {
				t.Fatalf("needle %q (fold %v) in %q = %v, want %v", text, fold, s, got, want)
			}
		}
	}
}
