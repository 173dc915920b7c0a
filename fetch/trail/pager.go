package trail

import (
	"container/heap"
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"lazytrail/fetch"
	"lazytrail/model"
)

// forever is the horizon of what has no time bound yet (a region folder
// not listed, a file without a CloudTrail name): the newest time the
// merge can hold (it counts in unix nanoseconds).
var forever = time.Unix(0, math.MaxInt64).UTC()

// Stats is what a trail pager has read so far.
type Stats struct {
	Files   int64 // files read (opened and decoded, or skipped)
	Records int64 // records decoded, before the time filter
	// Late counts delivered events newer than their file's name-time
	// bound (or than the horizon an earlier page promised): CloudTrail's
	// rule broken. They are delivered anyway, out of order at worst.
	Late int64
}

// StatsPager is the trail pager's view beyond fetch.Pager: a consumer
// type-asserts a Partition's Pager to it to show the late count.
type StatsPager interface {
	fetch.Pager
	Stats() Stats
}

// shared is what the pagers of one Open share: the query's range, the
// per-file limit, the semaphore that bounds reads in flight, and the
// memory of what is read but not yet delivered.
type shared struct {
	since, until time.Time
	limit        int64
	sem          chan struct{} // reads in flight
	cpu          *gate         // decodes at once: one a core
	window       int           // most files one pager keeps in flight
	held         atomic.Int64  // events read, not yet delivered (eventSize)
	budget       atomic.Int64  // the stream's limit on held (fetch.BudgetPager); 0: readAhead

	// prefilter is the test of the consumer's filter (Request.Keep): the
	// records it rules out are not decoded. nil: every record is.
	prefilter *model.Prefilter
}

// aheadLimit is what the pagers may hold read but not delivered: the
// stream's budget for them, or readAhead.
func (sh *shared) aheadLimit() int64 {
	if b := sh.budget.Load(); b > 0 {
		return b
	}
	return readAhead
}

// level is what an item of a pager's queue is.
type level int8

const (
	lvFile level = iota
	lvRegion
	lvYear
	lvMonth
	lvDay
)

// item is a file to read or a folder to list, with the bounds of the
// events it can hold: hi is the newest (exclusive, from the names), lo the
// oldest to expect (zero: unbounded). A day folder holds files delivered
// that day, which hold events of that day and, near midnight, of the day
// before: lo keeps one day of slack.
type item struct {
	key    string
	size   int64
	lv     level
	hi, lo time.Time
}

// keep reports whether an item can hold events in [since, until].
func (sh *shared) keep(it item) bool {
	return !sh.beforeSince(it) && (sh.until.IsZero() || it.lo.IsZero() || !it.lo.After(sh.until))
}

// lateTolerance is how much newer than the delivery time in its name a
// record may be and still be found by --since: files (and folders) are
// pruned only when their name's bound is older than since by more than
// this. CloudTrail's own files hold only older records; copies named by
// their first record, or by the start of their hour, hold newer ones.
const lateTolerance = time.Hour

// beforeSince reports whether an item is pruned by since: its names say
// it holds nothing newer than since, even with lateTolerance.
func (sh *shared) beforeSince(it item) bool {
	return !sh.since.IsZero() && !it.hi.Add(lateTolerance).After(sh.since)
}

func (sh *shared) in(t time.Time) bool {
	return (sh.since.IsZero() || !t.Before(sh.since)) && (sh.until.IsZero() || !t.After(sh.until))
}

const slack = 24 * time.Hour

func fileItem(f fileRef) item {
	if !f.named {
		return item{key: f.key, size: f.size, lv: lvFile, hi: forever}
	}
	return item{key: f.key, size: f.size, lv: lvFile, hi: f.name.Bound(), lo: f.name.Time.Add(-slack)}
}

func periodItem(key string, lv level, start, end time.Time) item {
	return item{key: key, size: -1, lv: lv, hi: end.Add(time.Minute), lo: start.Add(-slack)}
}

// itemHeap orders items newest bound first; at equal bounds folders
// first (they may hold files as new), then by key, newest name first.
type itemHeap []item

func (h itemHeap) Len() int { return len(h) }
func (h itemHeap) Less(i, j int) bool {
	if c := h[i].hi.Compare(h[j].hi); c != 0 {
		return c > 0
	}
	if (h[i].lv == lvFile) != (h[j].lv == lvFile) {
		return h[j].lv == lvFile
	}
	return h[i].key > h[j].key
}
func (h itemHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *itemHeap) Push(x any)   { *h = append(*h, x.(item)) }
func (h *itemHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	*h = old[:len(old)-1]
	return it
}

// job is one file in flight.
type job struct {
	it     item
	done   chan struct{}
	events *fileSort
	skips  []fetch.Skip
	err    error // the pager was closed
}

// pager delivers one partition: its files newest first by name time, a
// file a page. Folders are listed when they reach the front of the queue,
// so only what the pages need is listed; files are read ahead, up to a
// window that starts at one and doubles at each Next up to shared.window,
// through the semaphore all pagers of an Open share, and delivered
// strictly in name order.
type pager struct {
	st Store
	sh *shared

	ctx    context.Context // the reads'; cancelled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup
	closed sync.Once

	items    itemHeap
	queue    []*job
	skips    []fetch.Skip // from listings, for the next page
	window   int
	promised time.Time // the last page's horizon

	files, records, late atomic.Int64

	root string // the partition's region folder, to name it

	// What --since's pruning rests on: whether it left anything unread,
	// and the latest record read past its file's name by more than
	// lateTolerance. When both are seen, the pager says so once (a skip:
	// the answer may lack records of the files not read).
	pruned     bool
	tooLate    time.Duration
	tooLateKey string
	warned     bool
}

func newPager(ctx context.Context, st Store, sh *shared, spec *partSpec) *pager {
	p := &pager{st: st, sh: sh, window: 1}
	p.ctx, p.cancel = context.WithCancel(context.WithoutCancel(ctx))
	if len(spec.dirs) > 0 {
		p.root = spec.dirs[0]
	}
	for _, d := range spec.dirs {
		p.items = append(p.items, item{key: d, size: -1, lv: lvRegion, hi: forever})
	}
	for _, f := range spec.files {
		if it := fileItem(f); p.keep(it) {
			p.items = append(p.items, it)
		}
	}
	heap.Init(&p.items)
	return p
}

// Budget sets what the pagers of this Open may hold read ahead, all
// together (fetch.BudgetPager): each of them is told the same total.
func (p *pager) Budget(bytes int64) { p.sh.budget.Store(bytes) }

// Stats is what the pager has read so far.
func (p *pager) Stats() Stats {
	return Stats{Files: p.files.Load(), Records: p.records.Load(), Late: p.late.Load()}
}

var errClosed = errors.New("trail: Next after Close")

// Next delivers the next file's events in [Since, Until], newest first.
func (p *pager) Next(ctx context.Context) (fetch.Page, error) {
	if p.ctx.Err() != nil {
		return fetch.Page{}, errClosed
	}
	if err := p.fill(ctx); err != nil {
		return fetch.Page{}, err
	}
	if len(p.queue) == 0 {
		h := p.promised
		if h.IsZero() {
			h = forever
		}
		return fetch.Page{Horizon: h, Done: true, Skipped: p.takeSkips()}, nil
	}
	j := p.queue[0]
	select {
	case <-j.done:
	case <-ctx.Done():
		return fetch.Page{}, ctx.Err()
	}
	if j.err != nil {
		p.queue = p.queue[1:]
		return fetch.Page{}, j.err
	}
	evs, more, newest := j.events.page()
	page := fetch.Page{Events: evs, Skipped: append(p.takeSkips(), j.skips...)}
	j.skips = nil
	if !more {
		if j.events.err != nil {
			page.Skipped = append(page.Skipped, fetch.Skip{What: p.st.Name(j.it.key), Why: j.events.err.Error()})
		}
		j.events.close()
		p.queue = p.queue[1:]
		p.window = min(p.window*2, p.sh.window)
		_ = p.fill(ctx) // start the next reads now; a cancellation shows at the next Next
	}
	bound := j.it.hi
	if !p.promised.IsZero() && p.promised.Before(bound) {
		bound = p.promised
	}
	var late int64
	for i := range evs {
		if evs[i].Time.After(bound) {
			late++
		}
		// hi is the name's time and the minute it does not show.
		if d := evs[i].Time.Sub(j.it.hi); !j.it.lo.IsZero() && d > lateTolerance && d+time.Minute > p.tooLate {
			p.tooLate, p.tooLateKey = d+time.Minute, j.it.key
		}
	}
	p.late.Add(late)
	p.warnLate()
	page.Skipped = append(page.Skipped, p.takeSkips()...)
	switch h, rest := p.horizon(more); {
	case more:
		// The file's own rest comes next, newest first: its newest event
		// bounds it.
		page.Horizon = newest.Add(time.Nanosecond)
		if rest && h.After(page.Horizon) {
			page.Horizon = h
		}
	case rest:
		page.Horizon = h
	default:
		page.Horizon, page.Done = j.it.hi, true
	}
	p.promised = page.Horizon
	return page, nil
}

// keep is shared.keep, noting what --since prunes.
func (p *pager) keep(it item) bool {
	if p.sh.beforeSince(it) {
		p.pruned = true
		p.warnLate()
		return false
	}
	return p.sh.keep(it)
}

// warnLate names, once, the files --since left unread when a file read
// shows that this trail's names do not bound its records: those files may
// hold records after since.
func (p *pager) warnLate() {
	if p.warned || !p.pruned || p.tooLate == 0 {
		return
	}
	p.warned = true
	cut := p.sh.since.Add(-lateTolerance).UTC().Format("2006-01-02T15:04Z")
	p.skips = append(p.skips, fetch.Skip{
		What: "files named before " + cut + " in " + p.st.Name(p.root),
		Why: "not read (--since), but " + p.st.Name(p.tooLateKey) + " holds records " + p.tooLate.Round(time.Minute).String() +
			" newer than the time in its name (more than the " + lateTolerance.String() + " allowed for), so they may hold records after --since; " +
			"give an earlier --since to read them",
	})
}

func (p *pager) takeSkips() []fetch.Skip {
	s := p.skips
	p.skips = nil
	return s
}

// horizon is the newest bound of what is still unread, the file at the
// front of the queue excepted when it is being paged out (paging).
func (p *pager) horizon(paging bool) (time.Time, bool) {
	var h time.Time
	more := false
	queue := p.queue
	if paging {
		queue = queue[1:]
	}
	for _, j := range queue {
		if !more || j.it.hi.After(h) {
			h, more = j.it.hi, true
		}
	}
	if len(p.items) > 0 {
		if top := p.items[0].hi; !more || top.After(h) {
			h = top
		}
		more = true
	}
	return h, more
}

// fill lists folders at the front and starts reading files until the
// window is full, or beyond the first file, until the read-ahead of every
// pager is over its budget.
func (p *pager) fill(ctx context.Context) error {
	for len(p.queue) < p.window && len(p.items) > 0 && (len(p.queue) == 0 || p.sh.held.Load() < p.sh.aheadLimit()) {
		it := heap.Pop(&p.items).(item)
		if it.lv == lvFile {
			p.start(it)
			continue
		}
		if err := p.expand(ctx, it); err != nil {
			heap.Push(&p.items, it) // to be listed again by a later Next
			return err
		}
	}
	return nil
}

func (p *pager) start(it item) {
	j := &job{it: it, done: make(chan struct{})}
	p.queue = append(p.queue, j)
	p.wg.Add(1)
	go p.run(j)
}

// run reads and decodes one file, holding a slot of the semaphore, and
// a decoding slot except while a read waits.
func (p *pager) run(j *job) {
	defer p.wg.Done()
	defer close(j.done)
	select {
	case p.sh.sem <- struct{}{}:
	case <-p.ctx.Done():
		j.err = p.ctx.Err()
		return
	}
	defer func() { <-p.sh.sem }()
	name := p.st.Name(j.it.key)
	j.events = &fileSort{sh: p.sh}
	r, gz, done, err := openFile(p.ctx, p.st, j.it.key, p.sh.cpu)
	p.files.Add(1)
	if err != nil {
		if p.ctx.Err() != nil {
			j.err = p.ctx.Err()
			return
		}
		why := oneLine(err)
		why = strings.TrimPrefix(why, name+": ") // S3 errors name the object already
		j.skips = []fetch.Skip{{What: name, Why: why}}
		return
	}
	defer done()
	records := int64(0)
	skips := decodeStream(name, r, gz, p.sh.limit, p.sh.prefilter, func(e model.Event) {
		records++
		if p.sh.in(e.Time) {
			j.events.add(e)
		}
	})
	if p.ctx.Err() != nil {
		j.events.close()
		j.err = p.ctx.Err()
		return
	}
	p.records.Add(records)
	j.events.finish()
	j.skips = skips
}

// expand lists a folder and queues what it holds that can be in range.
func (p *pager) expand(ctx context.Context, dir item) error {
	es, err := p.st.List(ctx, dir.key)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		p.skips = append(p.skips, fetch.Skip{What: p.st.Name(dir.key), Why: "cannot be listed: " + strings.TrimPrefix(oneLine(err), p.st.Name(dir.key)+": ")})
		return nil
	}
	stray := 0
	for _, e := range es {
		if e.Key == dir.key {
			continue // a folder marker
		}
		b := base(e.Key)
		if e.Dir {
			it, ok := dateItem(e.Key, b, dir)
			if !ok {
				p.skips = append(p.skips, fetch.Skip{What: p.st.Name(e.Key), Why: "not a date folder of the CloudTrail layout"})
				continue
			}
			if p.keep(it) {
				heap.Push(&p.items, it)
			}
			continue
		}
		if e.Irregular {
			p.skips = append(p.skips, fetch.Skip{What: p.st.Name(e.Key), Why: e.Why})
			continue
		}
		n, kind := ParseName(b)
		switch kind {
		case Log:
			if it := fileItem(fileRef{key: e.Key, size: e.Size, name: n, named: true}); p.keep(it) {
				heap.Push(&p.items, it)
			}
		case Digest, Insight:
		default:
			if isRecordFileName(b) {
				// A records file by its extension (foo.json.gz, a name in
				// capitals) is read all the same, bounded by its folder.
				if it := (item{key: e.Key, size: e.Size, lv: lvFile, hi: dir.hi, lo: dir.lo}); p.keep(it) {
					heap.Push(&p.items, it)
				}
				continue
			}
			if stray++; stray <= maxStray {
				p.skips = append(p.skips, fetch.Skip{What: p.st.Name(e.Key), Why: "not a CloudTrail log file (by its name)", Ignored: true})
			}
		}
	}
	if stray > maxStray {
		p.skips = append(p.skips, fetch.Skip{What: p.st.Name(dir.key), Why: strconv.Itoa(stray-maxStray) + " more keys that are not CloudTrail log files", Ignored: true})
	}
	return nil
}

// dateItem reads a year, month or day folder under its parent.
func dateItem(key, name string, parent item) (item, bool) {
	n, err := strconv.Atoi(name)
	if err != nil || n < 0 {
		return item{}, false
	}
	switch parent.lv {
	case lvRegion:
		if len(name) != 4 || n < 1970 {
			return item{}, false
		}
		start := time.Date(n, 1, 1, 0, 0, 0, 0, time.UTC)
		return periodItem(key, lvYear, start, start.AddDate(1, 0, 0)), true
	case lvYear:
		if len(name) != 2 || n < 1 || n > 12 {
			return item{}, false
		}
		y := parent.lo.Add(slack).Year()
		start := time.Date(y, time.Month(n), 1, 0, 0, 0, 0, time.UTC)
		return periodItem(key, lvMonth, start, start.AddDate(0, 1, 0)), true
	case lvMonth:
		m := parent.lo.Add(slack)
		start := time.Date(m.Year(), m.Month(), n, 0, 0, 0, 0, time.UTC)
		if len(name) != 2 || n < 1 || start.Month() != m.Month() {
			return item{}, false
		}
		return periodItem(key, lvDay, start, start.AddDate(0, 0, 1)), true
	}
	return item{}, false
}

// Close stops the reads in flight and waits for them to end.
func (p *pager) Close() {
	p.closed.Do(func() {
		p.cancel()
		p.wg.Wait()
		for _, j := range p.queue {
			if j.events != nil {
				j.events.close()
			}
		}
		p.queue = nil
	})
}
