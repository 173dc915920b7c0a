package tui

import (
	"fmt"
	"strings"

	"lazytrail/model"
)

// The JSON pane pretty-prints records with its own small tokenizer rather
// than encoding/json: the record is attacker-written, so it may be invalid,
// nested ten thousand levels deep or hold a megabyte-long string, and the
// printer must stay iterative, tolerant and bounded in what it renders.

type jsonKind uint8

const (
	jsonPunct jsonKind = iota
	jsonString
	jsonNumber
	jsonLiteral
)

type jsonToken struct {
	kind       jsonKind
	start, end int
}

type jsonLexer struct {
	src string
	pos int
	err error
}

// next returns the next token, or false at the end of input or on an error
// (then l.err is set).
func (l *jsonLexer) next() (jsonToken, bool) {
	s := l.src
	for l.pos < len(s) && (s[l.pos] == ' ' || s[l.pos] == '\t' || s[l.pos] == '\n' || s[l.pos] == '\r') {
		l.pos++
	}
	if l.pos >= len(s) {
		return jsonToken{}, false
	}
	start := l.pos
	switch c := s[start]; {
	case strings.IndexByte("{}[]:,", c) >= 0:
		l.pos++
		return jsonToken{jsonPunct, start, l.pos}, true
	case c == '"':
		for i := start + 1; i < len(s); i++ {
			switch s[i] {
			case '\\':
				i++
			case '"':
				l.pos = i + 1
				return jsonToken{jsonString, start, l.pos}, true
			}
		}
		l.err = fmt.Errorf("unterminated string at byte %d", start)
	case c == '-' || c >= '0' && c <= '9':
		for l.pos < len(s) && strings.IndexByte("+-.eE0123456789", s[l.pos]) >= 0 {
			l.pos++
		}
		return jsonToken{jsonNumber, start, l.pos}, true
	case c >= 'a' && c <= 'z':
		for l.pos < len(s) && s[l.pos] >= 'a' && s[l.pos] <= 'z' {
			l.pos++
		}
		if w := s[start:l.pos]; w == "true" || w == "false" || w == "null" {
			return jsonToken{jsonLiteral, start, l.pos}, true
		}
		l.err = fmt.Errorf("unexpected word at byte %d", start)
	default:
		l.err = fmt.Errorf("unexpected character at byte %d", start)
	}
	return jsonToken{}, false
}

// jsonPaints styles the token kinds.
type jsonPaints struct{ key, str, num, lit, punct, note paint }

func jsonPaintsOf(s Styles) jsonPaints {
	return jsonPaints{key: paintOf(s.JSONKey), str: paintOf(s.JSONString), num: paintOf(s.JSONNumber),
		lit: paintOf(s.JSONLiteral), punct: paintOf(s.JSONPunct), note: paintOf(s.Label)}
}

const (
	maxJSONIndent = 32       // deeper levels print at this indent, so lines stay short
	maxJSONString = 64 << 10 // longer strings are cut with a note of what was left out
)

// prettyJSON renders raw as indented, coloured lines. Every string goes
// through model.Printable. It returns an error, and no lines, when raw is not
// JSON; callers then show rawLines instead.
func prettyJSON(raw string, p jsonPaints) ([]string, error) {
	lx := jsonLexer{src: raw}
	var (
		lines     []string
		cur       strings.Builder
		stack     []byte // open brackets
		expectKey bool
	)
	newline := func() {
		lines = append(lines, cur.String())
		cur.Reset()
		cur.WriteString(strings.Repeat("  ", min(len(stack), maxJSONIndent)))
	}
	for {
		tok, ok := lx.next()
		if !ok {
			break
		}
		text := raw[tok.start:tok.end]
		switch tok.kind {
		case jsonPunct:
			switch c := text[0]; c {
			case '{', '[':
				cur.WriteString(p.punct.wrap(text))
				closer := byte('}')
				if c == '[' {
					closer = ']'
				}
				save := lx.pos
				if nt, ok := lx.next(); ok && nt.kind == jsonPunct && raw[nt.start] == closer {
					cur.WriteString(p.punct.wrap(string(closer)))
					expectKey = false
					continue
				}
				lx.pos, lx.err = save, nil
				stack = append(stack, c)
				expectKey = c == '{'
				newline()
			case '}', ']':
				open := byte('{')
				if c == ']' {
					open = '['
				}
				if len(stack) == 0 || stack[len(stack)-1] != open {
					return nil, fmt.Errorf("unexpected %q at byte %d", c, tok.start)
				}
				stack = stack[:len(stack)-1]
				newline()
				cur.WriteString(p.punct.wrap(text))
				expectKey = false
			case ',':
				cur.WriteString(p.punct.wrap(","))
				expectKey = len(stack) > 0 && stack[len(stack)-1] == '{'
				newline()
			case ':':
				cur.WriteString(p.punct.wrap(":") + " ")
				expectKey = false
			}
		case jsonString:
			paint := p.str
			if expectKey {
				paint = p.key
			}
			cur.WriteString(paint.wrap(model.Printable(cutString(text))))
			if len(text) > maxJSONString {
				cur.WriteString(p.note.wrap(fmt.Sprintf(" …(%d more bytes)", len(text)-maxJSONString)))
			}
		case jsonNumber:
			cur.WriteString(p.num.wrap(text))
		case jsonLiteral:
			cur.WriteString(p.lit.wrap(text))
		}
	}
	if lx.err != nil {
		return nil, lx.err
	}
	if len(stack) > 0 {
		return nil, fmt.Errorf("unexpected end: %d brackets left open", len(stack))
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return lines, nil
}

func cutString(s string) string {
	if len(s) > maxJSONString {
		return s[:maxJSONString]
	}
	return s
}

// rawLines shows text that is not JSON as it was received, escaped, one
// line per line of input.
func rawLines(raw string) []string {
	parts := strings.Split(raw, "\n")
	lines := make([]string, len(parts))
	for i, l := range parts {
		lines[i] = model.Printable(cutString(l))
	}
	return lines
}

// jsonMember returns the text of the value of key in the top-level object
// of raw (for example "requestParameters"), found with the same tolerant
// tokenizer.
func jsonMember(raw, key string) (string, bool) {
	lx := jsonLexer{src: raw}
	depth := 0
	quoted := `"` + key + `"`
	var prev jsonToken
	havePrev := false
	for {
		tok, ok := lx.next()
		if !ok {
			return "", false
		}
		if tok.kind == jsonPunct {
			switch raw[tok.start] {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			case ':':
				if depth == 1 && havePrev && prev.kind == jsonString && raw[prev.start:prev.end] == quoted {
					return memberValue(&lx)
				}
			}
		}
		prev, havePrev = tok, true
	}
}

func memberValue(lx *jsonLexer) (string, bool) {
	first, ok := lx.next()
	if !ok {
		return "", false
	}
	if first.kind != jsonPunct || (lx.src[first.start] != '{' && lx.src[first.start] != '[') {
		return lx.src[first.start:first.end], true
	}
	depth := 1
	for depth > 0 {
		tok, ok := lx.next()
		if !ok {
			return "", false
		}
		if tok.kind == jsonPunct {
			switch lx.src[tok.start] {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
		}
		if depth == 0 {
			return lx.src[first.start:tok.end], true
		}
	}
	return "", false
}
