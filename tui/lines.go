package tui

// part is one piece of a status or info line. A needed part is never cut:
// when it does not fit where the line is, it starts the next line (and a
// part wider than a whole line is wrapped). An optional one (a scan's
// checked count, its "esc stops") goes only where there is room, so that
// it never costs the list a row.
type part struct {
	text     string // safe text, plain or styled
	paint    paint  // a style for plain text, applied to each line it takes
	optional bool
}

// packParts lays out head (may be "", may be styled) and then parts, the
// first joined to head by first and the others by sep, on at most
// maxLines lines of w cells; lines after the first start with indent.
// Parts that do not fit even then are left out whole.
func packParts(head, first, sep, indent string, parts []part, w, maxLines int) []string {
	lines := []string{head}
	placed := 0 // parts on the current line
	for _, p := range parts {
		cur := lines[len(lines)-1]
		join := sep
		switch {
		case placed == 0 && len(lines) == 1:
			join = first
		case placed == 0:
			join = ""
		}
		if cellWidth(cur)+cellWidth(join)+cellWidth(p.text) <= w {
			lines[len(lines)-1] = cur + join + p.paint.wrap(p.text)
			placed++
			continue
		}
		if p.optional || len(lines) >= maxLines && cur != "" {
			continue
		}
		if cur == "" || cur == indent {
			lines = lines[:len(lines)-1] // start on the empty line
		}
		for _, l := range wrapLines(p.text, w-cellWidth(indent)) {
			if len(lines) >= maxLines {
				break
			}
			lines = append(lines, indent+p.paint.wrap(l))
		}
		placed = 1
	}
	for i := range lines {
		lines[i] = clip(lines[i], w)
	}
	return lines
}
