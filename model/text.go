package model

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Printable returns s with everything a terminal would interpret replaced by
// a visible escape: C0 and C1 controls (ESC, BEL, NUL, CSI …), DEL, invalid
// UTF-8 and bidirectional overrides. CloudTrail text is written by whoever
// called AWS, so nothing from it reaches the terminal unescaped.
func Printable(s string) string {
	clean := true
	for _, r := range s {
		if !safeRune(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\x`)
			b.WriteByte("0123456789abcdef"[s[i]>>4])
			b.WriteByte("0123456789abcdef"[s[i]&15])
		case !safeRune(r):
			b.WriteString(`\u{`)
			b.WriteString(strings.ToLower(strings.TrimLeft(strings.ToUpper(hex(r)), "0")))
			b.WriteString(`}`)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func safeRune(r rune) bool {
	switch {
	case r == utf8.RuneError:
		return false
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		return false
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return false
	}
	return unicode.IsPrint(r) || unicode.IsSpace(r) && r != '\u2028' && r != '\u2029'
}

func hex(r rune) string {
	const digits = "0123456789abcdef"
	var buf [8]byte
	for i := 7; i >= 0; i-- {
		buf[i] = digits[r&15]
		r >>= 4
	}
	return string(buf[:])
}
