package trail

import (
	"bufio"
	"cmp"
	"container/heap"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"sync"
	"time"

	"lazytrail/model"
)

// eventOverhead is what a parsed event costs beyond its raw record.
const eventOverhead = 700

// Memory budgets of the trail pagers, counted as the merge counts events
// (the raw record plus eventOverhead for the parsed fields); variables
// so that tests can make them small.
var (
	// fileMemory is the most one file's events are kept in memory: past
	// it they are sorted and written to a temporary file in runs, merged
	// back newest first as they are paged out.
	fileMemory int64 = 32 << 20
	// readAhead is what the pagers of one Open may hold read but not yet
	// delivered, all files together, unless the stream gives them a
	// budget: past it a pager starts no read beyond its first, and a file
	// past spillFloor spills.
	readAhead  int64 = 64 << 20
	spillFloor int64 = 4 << 20
	// pageMemory bounds the pages of a spilled file.
	pageMemory int64 = 4 << 20
)

func eventSize(e *model.Event) int64 { return int64(len(e.Raw)) + eventOverhead }

// fileSort keeps one file's events until they are paged out, newest
// first: in memory while they fit, else as sorted runs in an unlinked
// temporary file. Memory is then bounded whatever the file's size, and the
// order is exact (a file's records are in no promised order).
type fileSort struct {
	sh *shared
	// chunks hold the events as they are added, chunkEvents each, so
	// growing never copies them; finish moves them, sorted, into events,
	// the page.
	chunks []*eventChunk
	n      int
	events []model.Event
	keys   []orderKey
	mem    int64 // counted memory of the events held, also in sh.held

	spill *os.File
	w     *bufio.Writer
	off   int64
	runs  []*spillRun
	err   error // spilling failed: the file's rest is lost, and named
}

// newestFirst orders events newest first, ties by id (the merge's order).
func newestFirst(a, b model.Event) int {
	if c := b.Time.Compare(a.Time); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// add keeps one event, spilling when the file or all the read-ahead is
// over budget.
func (f *fileSort) add(e model.Event) {
	if f.err != nil {
		return
	}
	n := eventSize(&e)
	if f.n%chunkEvents == 0 {
		f.chunks = append(f.chunks, chunkPool.Get().(*eventChunk))
	}
	f.chunks[f.n/chunkEvents][f.n%chunkEvents] = e
	f.n++
	f.mem += n
	held := f.sh.held.Add(n)
	if f.mem > fileMemory || (f.mem > spillFloor && held > f.sh.aheadLimit()) {
		f.writeRun()
	}
}

// finish ends the adding: a file that spilled spills its last run too.
func (f *fileSort) finish() {
	if len(f.runs) > 0 && f.n > 0 {
		f.writeRun()
	}
	if len(f.runs) == 0 && f.n > 0 {
		f.sortKeys()
		f.events = make([]model.Event, f.n)
		for i, k := range f.keys {
			f.events[i] = *f.at(int(k.at))
		}
		f.releaseChunks()
	}
	if f.w != nil {
		if err := f.w.Flush(); err != nil && f.err == nil {
			f.err = err
		}
		f.w = nil
	}
	if len(f.runs) > 0 {
		h := runHeap(nil)
		for _, r := range f.runs {
			r.r = bufio.NewReaderSize(io.NewSectionReader(f.spill, r.off, r.size), 64<<10)
			if r.next() {
				h = append(h, r)
			} else if r.err != nil && f.err == nil {
				f.err = r.err
			}
		}
		heap.Init(&h)
		f.runs = h
	}
}

// writeRun sorts the events in memory and writes them as one run.
func (f *fileSort) writeRun() {
	if f.spill == nil {
		tmp, err := os.CreateTemp("", "lazytrail-spill-*")
		if err != nil {
			f.fail(err)
			return
		}
		os.Remove(tmp.Name()) // nothing is left behind, whatever happens
		f.spill, f.w = tmp, bufio.NewWriterSize(tmp, 256<<10)
	}
	f.sortKeys()
	cw := &countWriter{w: f.w}
	for _, k := range f.keys {
		writeEvent(cw, f.at(int(k.at)))
	}
	if cw.err != nil {
		f.fail(cw.err)
		return
	}
	f.runs = append(f.runs, &spillRun{off: f.off, size: cw.n})
	f.off += cw.n
	f.drop()
}

func (f *fileSort) fail(err error) {
	f.err = errors.New("cannot keep its events aside (" + err.Error() + "); set TMPDIR to a folder with room")
	f.drop()
}

// drop lets the events in memory go.
func (f *fileSort) drop() {
	f.sh.held.Add(-f.mem)
	f.releaseChunks()
	clear(f.events)
	f.events, f.mem = f.events[:0], 0
}

// chunkEvents is how many events a chunk holds: 128 kB.
const chunkEvents = 256

type eventChunk [chunkEvents]model.Event

// chunkPool keeps the chunks of files already sorted for the next files:
// one file's events are copied out of them once, into the page.
var chunkPool = sync.Pool{New: func() any { return new(eventChunk) }}

func (f *fileSort) at(i int) *model.Event { return &f.chunks[i/chunkEvents][i%chunkEvents] }

// sortKeys sorts the keys of the events in the chunks newest first, in
// the order slices.SortFunc(newestFirst) puts the events themselves.
func (f *fileSort) sortKeys() {
	f.keys = sortedKeys(f.keys[:0], f.n, f.at)
}

// releaseChunks empties the chunks (so they hold no record alive) and
// gives them back to the pool.
func (f *fileSort) releaseChunks() {
	for i, c := range f.chunks {
		clear(c[:min(chunkEvents, f.n-i*chunkEvents)])
		chunkPool.Put(c)
	}
	clear(f.chunks)
	f.chunks, f.n = f.chunks[:0], 0
	clear(f.keys)
	f.keys = f.keys[:0]
}

// page takes the next page of events, newest first, and whether more
// remain; newest is the time of the newest that remains.
func (f *fileSort) page() (evs []model.Event, more bool, newest time.Time) {
	if len(f.runs) == 0 {
		evs = f.events
		f.sh.held.Add(-f.mem)
		f.events, f.mem = nil, 0
		return evs, false, time.Time{}
	}
	h := (*runHeap)(&f.runs)
	var mem int64
	for len(f.runs) > 0 && mem < pageMemory {
		r := f.runs[0]
		evs = append(evs, r.head)
		mem += eventSize(&r.head)
		if r.next() {
			heap.Fix(h, 0)
		} else {
			if r.err != nil && f.err == nil {
				f.err = r.err
			}
			heap.Pop(h)
		}
	}
	if len(f.runs) == 0 {
		return evs, false, time.Time{}
	}
	return evs, true, f.runs[0].head.Time
}

// close lets everything go.
func (f *fileSort) close() {
	f.drop()
	f.events, f.runs = nil, nil
	if f.spill != nil {
		f.spill.Close()
		f.spill = nil
	}
}

// spillRun is one sorted run in the temporary file.
type spillRun struct {
	off, size int64
	r         *bufio.Reader
	head      model.Event
	err       error
}

func (r *spillRun) next() bool {
	r.head = model.Event{}
	if _, err := r.r.Peek(1); err != nil {
		return false
	}
	r.err = readEvent(r.r, &r.head)
	return r.err == nil
}

type runHeap []*spillRun

func (h runHeap) Len() int           { return len(h) }
func (h runHeap) Less(i, j int) bool { return newestFirst(h[i].head, h[j].head) < 0 }
func (h runHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *runHeap) Push(x any)        { *h = append(*h, x.(*spillRun)) }
func (h *runHeap) Pop() any {
	old := *h
	r := old[len(old)-1]
	*h = old[:len(old)-1]
	return r
}

type countWriter struct {
	w   *bufio.Writer
	n   int64
	err error
	buf [binary.MaxVarintLen64]byte
}

func (w *countWriter) uvarint(v uint64) {
	n := binary.PutUvarint(w.buf[:], v)
	w.write(w.buf[:n])
}

func (w *countWriter) write(b []byte) {
	if w.err != nil {
		return
	}
	n, err := w.w.Write(b)
	w.n += int64(n)
	w.err = err
}

func (w *countWriter) str(s string) {
	w.uvarint(uint64(len(s)))
	if w.err == nil {
		n, err := w.w.WriteString(s)
		w.n += int64(n)
		w.err = err
	}
}

// eventStrings lists an event's text fields, in the spill's order; a
// test checks by reflection that it names every field of model.Event.
func eventStrings(e *model.Event) []*string {
	id := &e.Identity
	return []*string{&e.ID, &e.Name, &e.Source, &e.Region, &e.Account, &e.Username, &e.AccessKeyID,
		&e.ErrorCode, &e.ErrorMessage, &e.SourceIP, &e.UserAgent, &e.EventType,
		&id.Type, &id.ARN, &id.AccountID, &id.PrincipalID, &id.UserName, &id.AccessKeyID, &id.InvokedBy,
		&id.SessionIssuerType, &id.SessionIssuerName, &id.SessionIssuerARN, &id.SourceIdentity,
		&id.IdentityProvider, &id.OnBehalfOfUserID,
		&e.Raw, &e.Origin, &e.ParseError}
}

func writeEvent(w *countWriter, e *model.Event) {
	n := binary.PutVarint(w.buf[:], e.Time.UnixNano())
	w.write(w.buf[:n])
	w.uvarint(uint64(e.ReadOnly) + 128)
	w.uvarint(uint64(e.Identity.MFAAuthenticated) + 128)
	for _, s := range eventStrings(e) {
		w.str(*s)
	}
	w.uvarint(uint64(len(e.Resources)))
	for _, r := range e.Resources {
		w.str(r.Type)
		w.str(r.Name)
	}
}

func readEvent(r *bufio.Reader, e *model.Event) error {
	t, err := binary.ReadVarint(r)
	if err != nil {
		return spillErr(err)
	}
	e.Time = time.Unix(0, t).UTC()
	ro, err := binary.ReadUvarint(r)
	if err != nil {
		return spillErr(err)
	}
	mfa, err := binary.ReadUvarint(r)
	if err != nil {
		return spillErr(err)
	}
	e.ReadOnly, e.Identity.MFAAuthenticated = model.Tristate(int(ro)-128), model.Tristate(int(mfa)-128)
	fields := eventStrings(e)
	for i, p := range fields {
		if *p, err = readString(r); err != nil {
			return err
		}
		if i < len(fields)-3 && i > 0 {
			*p = model.Intern(*p) // as decoding does: repeated values share one copy
		}
	}
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return spillErr(err)
	}
	if n > 0 {
		e.Resources = make([]model.Resource, n)
		for i := range e.Resources {
			if e.Resources[i].Type, err = readString(r); err != nil {
				return err
			}
			if e.Resources[i].Name, err = readString(r); err != nil {
				return err
			}
		}
	}
	return nil
}

func readString(r *bufio.Reader) (string, error) {
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return "", spillErr(err)
	}
	if n == 0 {
		return "", nil
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", spillErr(err)
	}
	return string(b), nil
}

func spillErr(err error) error {
	return errors.New("reading its events back from the temporary file: " + err.Error())
}
