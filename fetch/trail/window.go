package trail

import (
	"bytes"
	"errors"
	"io"
	"unsafe"
)

// window is the streaming decoder's view of a file: a buffer that slides
// over the reader. Bytes before pos are dropped at the next refill unless
// a mark keeps them (a value being read, or an object that may still turn
// out to be one record); a mark that would keep more than maxKeep bytes is
// dropped (drops counts it), so no input, however large or hostile, keeps
// more than about maxKeep bytes in memory.
//
// The buffer is a chunk that is only ever appended to while values handed
// out as strings point into it (take): a refill that needs room starts a
// new chunk and copies only the value in progress, so records are not
// copied one by one, and a chunk lives as long as events refer to it. A
// chunk nothing was taken from is reused in place (white space, skipped
// values).
type window struct {
	r       io.Reader
	buf     []byte
	pos     int // the next byte to look at
	mark    int // the first byte kept across refills; -1: none before pos
	maxKeep int
	drops   int   // marks dropped for being too long
	taken   bool  // strings point into buf
	total   int64 // bytes read so far
	limit   int64 // most bytes to read; 0: no limit
	eof     bool  // the reader ended, or failed (err)
	err     error // the reader's failure (not io.EOF)
}

// windowChunk is the size of a new chunk; minRead the least room a read
// gets.
const (
	windowChunk = 256 << 10
	minRead     = 16 << 10
)

// errTooLarge ends a file past Options.MaxFileBytes.
var errTooLarge = errors.New("larger than the limit once decompressed")

func newWindow(r io.Reader, maxKeep int, limit int64) *window {
	return &window{r: r, mark: -1, maxKeep: maxKeep, limit: limit}
}

// take returns buf[i:j] as a string sharing the chunk.
func (w *window) take(i, j int) string {
	if i == j {
		return ""
	}
	w.taken = true
	return unsafe.String(&w.buf[i], j-i)
}

// more reads at least one more byte after the end of the buffer, first
// dropping what is not kept when room is needed; false when the reader
// has ended. Positions may move: callers re-read pos and mark after it.
func (w *window) more() bool {
	if w.eof {
		return false
	}
	keep := w.pos
	if w.mark >= 0 {
		if w.pos-w.mark > w.maxKeep {
			w.mark = -1
			w.drops++
		} else {
			keep = w.mark
		}
	}
	if cap(w.buf)-len(w.buf) < minRead {
		kept := len(w.buf) - keep
		if !w.taken && kept+minRead <= cap(w.buf) && cap(w.buf) <= 2*max(windowChunk, 2*kept) {
			copy(w.buf, w.buf[keep:])
			w.buf = w.buf[:kept]
		} else {
			nb := make([]byte, kept, max(windowChunk, 2*kept))
			copy(nb, w.buf[keep:])
			w.buf, w.taken = nb, false
		}
		w.pos -= keep
		if w.mark >= 0 {
			w.mark -= keep
		}
	}
	for {
		n, err := w.r.Read(w.buf[len(w.buf):cap(w.buf)])
		w.buf = w.buf[:len(w.buf)+n]
		w.total += int64(n)
		if w.limit > 0 && w.total > w.limit {
			w.eof, w.err = true, errTooLarge
			return n > 0
		}
		if err != nil {
			w.eof = true
			if err != io.EOF {
				w.err = err
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

// ahead returns up to n bytes from pos (for messages and prefixes).
func (w *window) ahead(n int) []byte {
	for len(w.buf)-w.pos < n && w.more() {
	}
	return w.buf[w.pos:min(w.pos+n, len(w.buf))]
}

// scanner finds where one JSON value ends in a buffer that arrives in
// pieces: it knows strings and escapes and counts nesting, and picks up
// where the last piece ended. Whether what it skipped is valid JSON is
// left to the record parser.
type scanner struct {
	depth  int
	inStr  bool // inside a string
	esc    bool // inside a string, the next byte is escaped
	scalar bool // a number, true, null or junk: it ends at a delimiter
	raw    bool // a raw newline, tab or CR outside strings
	nl     bool // a raw newline outside strings
}

// begin starts the value at b[i] (not white space) and scans what b holds
// of it; see scan.
func (s *scanner) begin(b []byte, i int) (int, bool) {
	switch b[i] {
	case '"':
		s.inStr = true
		return s.scan(b, i+1)
	case '{', '[':
		return s.scan(b, i)
	}
	s.scalar = true
	if delim[b[i]] {
		return i + 1, true // a stray delimiter is junk of its own
	}
	return s.scan(b, i)
}

// scan goes on from b[j] and returns the index just past the value and
// true, or len(b) and false when b ends first.
func (s *scanner) scan(b []byte, j int) (int, bool) {
	if s.scalar {
		for ; j < len(b); j++ {
			if delim[b[j]] {
				return j, true
			}
		}
		return j, false
	}
	if s.inStr {
		e, ok := s.str(b, j)
		if !ok || s.depth == 0 {
			return e, ok
		}
		j = e
	}
	// Locals, not fields, in the loop: it runs once a byte.
	depth, raw, nl := s.depth, s.raw, s.nl
	defer func() { s.depth, s.raw, s.nl = depth, raw, nl }()
	for ; j < len(b); j++ {
		switch b[j] {
		case '"':
			k := bytes.IndexByte(b[j+1:], '"')
			if k >= 0 && b[j+k] != '\\' {
				j += k + 1 // a string without escapes before its end
				continue
			}
			s.inStr = true
			e, ok := s.str(b, j+1)
			if !ok {
				return len(b), false
			}
			j = e - 1
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return j + 1, true
			}
		case '\n':
			raw, nl = true, true
		case '\t', '\r':
			raw = true
		}
	}
	return len(b), false
}

// str goes on inside a string from b[j] and returns the index just past
// its closing quote, or len(b) and false, remembering whether the next
// piece begins with an escaped byte.
func (s *scanner) str(b []byte, j int) (int, bool) {
	for {
		if s.esc {
			if j >= len(b) {
				return len(b), false
			}
			s.esc = false
			j++
		}
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			n := 0
			for len(b)-n > j && b[len(b)-n-1] == '\\' {
				n++
			}
			s.esc = n%2 == 1
			return len(b), false
		}
		q := j + k
		n := 0
		for q-n > j && b[q-n-1] == '\\' {
			n++
		}
		if n%2 == 0 {
			s.inStr = false
			return q + 1, true
		}
		j = q + 1
	}
}
