package model

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Printable returns s as one safe line of terminal text: everything a
// terminal would interpret, or that would break a list row, becomes a
// visible escape — C0 and C1 controls including ESC, BEL and NUL (`\x1b`,
// `\u0085`), DEL, newline and tab (`\n`, `\t`), invalid UTF-8 bytes
// (`\xff`), bidirectional overrides, embeddings, isolates and marks
// (`\u202e`), line and paragraph separators, and anything else Unicode does
// not call printable. CloudTrail text is written by whoever called AWS, so
// nothing from it reaches the terminal without passing through here.
//
// Clean input is returned as is, without allocating.
func Printable(s string) string {
	i := firstUnsafe(s)
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if safeASCII[c] {
				b.WriteByte(c)
			} else {
				writeASCIIEscape(&b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			writeByteEscape(&b, c)
		case safeRune(r):
			b.WriteString(s[i : i+n])
		default:
			writeRuneEscape(&b, r)
		}
		i += n
	}
	return b.String()
}

// firstUnsafe returns the byte offset of the first thing Printable must
// escape, or len(s).
func firstUnsafe(s string) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if !safeASCII[c] {
				return i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || !safeRune(r) {
			return i
		}
		i += n
	}
	return len(s)
}

// safeASCII marks the printable ASCII bytes, space to tilde.
var safeASCII = func() (t [utf8.RuneSelf]bool) {
	for c := ' '; c < 0x7f; c++ {
		t[c] = true
	}
	return t
}()

// safeRune reports whether a non-ASCII rune may be written as is.
func safeRune(r rune) bool {
	switch {
	case r < 0xa0: // C1 controls
		return false
	case r == 0x061c, r == 0x200e, r == 0x200f: // bidi marks
		return false
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069: // bidi embeddings, overrides, isolates
		return false
	case r == 0x2028, r == 0x2029: // line and paragraph separators
		return false
	}
	// Spaces such as U+00A0 are not "printable" to Unicode but are harmless.
	return unicode.IsPrint(r) || unicode.Is(unicode.Zs, r)
}

const hexDigits = "0123456789abcdef"

func writeASCIIEscape(b *strings.Builder, c byte) {
	switch c {
	case '\n':
		b.WriteString(`\n`)
	case '\t':
		b.WriteString(`\t`)
	case '\r':
		b.WriteString(`\r`)
	default:
		writeByteEscape(b, c)
	}
}

func writeByteEscape(b *strings.Builder, c byte) {
	b.WriteString(`\x`)
	b.WriteByte(hexDigits[c>>4])
	b.WriteByte(hexDigits[c&15])
}

// writeRuneEscape writes r as \uXXXX, or \UXXXXXXXX beyond the BMP, as Go
// and most other languages spell it.
func writeRuneEscape(b *strings.Builder, r rune) {
	digits := 4
	if r > 0xffff {
		b.WriteString(`\U`)
		digits = 8
	} else {
		b.WriteString(`\u`)
	}
	for shift := (digits - 1) * 4; shift >= 0; shift -= 4 {
		b.WriteByte(hexDigits[(r>>shift)&15])
	}
}
