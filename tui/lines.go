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
	widths := []int{cellWidth(head)} // of each line, kept as it grows: measuring styled text is slow
	firstW, sepW, indentW := cellWidth(first), cellWidth(sep), cellWidth(indent)
	placed := 0 // parts on the current line
	for _, p := range parts {
		last := len(lines) - 1
		join, joinW := sep, sepW
		switch {
		case placed == 0 && last == 0:
			join, joinW = first, firstW
		case placed == 0:
			join, joinW = "", 0
		}
		pw := cellWidth(p.text)
		if widths[last]+joinW+pw <= w {
			lines[last] += join + p.paint.wrap(p.text)
			widths[last] += joinW + pw
			placed++
			continue
		}
		if p.optional || len(lines) >= maxLines && widths[last] > 0 {
			continue
		}
		if widths[last] == 0 || lines[last] == indent {
			lines, widths = lines[:last], widths[:last] // start on the empty line
		}
		for _, l := range wrapLines(p.text, w-indentW) {
			if len(lines) >= maxLines {
				break
			}
			lines = append(lines, indent+p.paint.wrap(l))
			widths = append(widths, indentW+cellWidth(l))
		}
		placed = 1
	}
	for i := range lines {
		if widths[i] <= w {
			lines[i] += spaces(w - widths[i]) // known to fit: padding is all clip would do
		} else {
			lines[i] = clip(lines[i], w)
		}
	}
	return lines
}
