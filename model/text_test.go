package model

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestPrintable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain ascii ~!", "plain ascii ~!"},
		{"café 日本 🙂 a\u00a0b", "café 日本 🙂 a\u00a0b"},
		{"\x1b[2J\x1b]0;pwned\x07", `\x1b[2J\x1b]0;pwned\x07`},
		{"\x1b]52;c;ZXZpbA==\x1b\\", `\x1b]52;c;ZXZpbA==\x1b\`},
		{"a\nb\tc\rd", `a\nb\tc\rd`},
		{"nul\x00del\x7f", `nul\x00del\x7f`},
		{"c1\u0085\u009b31m", `c1\u0085\u009b31m`},
		{"bad\xff\xc3", `bad\xff\xc3`},
		{"evil\u202egnp.exe", `evil\u202egnp.exe`},
		{"iso\u2066x\u2069 mark\u200f alm\u061c", `iso\u2066x\u2069 mark\u200f alm\u061c`},
		{"line\u2028para\u2029", `line\u2028para\u2029`},
		{"private\U000F0000", `private\U000f0000`},
		{"zw\u200bj", `zw\u200bj`},
	}
	for _, tc := range tests {
		if got := Printable(tc.in); got != tc.want {
			t.Errorf("Printable(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPrintableCleanInputDoesNotAllocate(t *testing.T) {
	clean := "arn:aws:sts::111122223333:assumed-role/SkeddlyRole/skeddly-7f3a9c — café 日本"
	if got := Printable(clean); got != clean {
		t.Fatalf("clean input changed: %q", got)
	}
	if n := testing.AllocsPerRun(100, func() { _ = Printable(clean) }); n != 0 {
		t.Errorf("Printable(clean) allocates %v times", n)
	}
}

// checkPrintable asserts what every output of Printable must be.
func checkPrintable(t *testing.T, in, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("Printable(%q) = %q is not valid UTF-8", in, out)
	}
	for _, r := range out {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) ||
			r == 0x200e || r == 0x200f || r == 0x061c || r == 0x2028 || r == 0x2029 ||
			!(unicode.IsPrint(r) || unicode.Is(unicode.Zs, r)) {
			t.Fatalf("Printable(%q) = %q contains %U", in, out, r)
		}
	}
	if Printable(out) != out {
		t.Fatalf("Printable is not idempotent on %q", in)
	}
	if firstUnsafe(in) == len(in) && out != in {
		t.Fatalf("clean %q changed to %q", in, out)
	}
}

func FuzzPrintable(f *testing.F) {
	for _, s := range []string{"", "abc", "\x1b[31m", "\xff\xfe", "\u202e", "日本\n", "\u0085", "\U0010FFFF", "\xed\xa0\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Printable(in)
		checkPrintable(t, in, out)
		if strings.Count(out, `\`) < strings.Count(in, `\`) {
			t.Fatalf("backslashes lost: %q -> %q", in, out)
		}
	})
}

func BenchmarkPrintable(b *testing.B) {
	clean := strings.Repeat("aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux ", 4)
	dirty := clean + "\x1b]0;title\x07\u202e"
	b.Run("clean", func(b *testing.B) {
		b.SetBytes(int64(len(clean)))
		b.ReportAllocs()
		for b.Loop() {
			_ = Printable(clean)
		}
	})
	b.Run("dirty", func(b *testing.B) {
		b.SetBytes(int64(len(dirty)))
		b.ReportAllocs()
		for b.Loop() {
			_ = Printable(dirty)
		}
	})
}
