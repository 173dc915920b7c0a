// Package tui is lazytrail's terminal UI: a Bubble Tea v2 app over the
// merged event stream (Source), with a virtualised list, detail and JSON
// panes, a live filter, a status bar and a per-region panel.
package tui

import (
	"context"
	"time"
	"unicode"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"lazytrail/keymap"
	"lazytrail/model"
)

// Config is what main hands the app.
type Config struct {
	// Source is where events come from: the app opens every query
	// through it, plans with it, and asks it what it can do; its Label
	// names it on the status bar. nil shows an empty, ended list.
	Source    model.Source
	Filter    string         // initial filter text (from --user PREFIX)
	Location  *time.Location // local zone for t; nil = time.Local
	ExportDir string         // where e and E write their files; "" = the working directory
	// Pricer prices the resource ledger's rows (unit prices, read in a
	// command); nil leaves every estimate out, saying so.
	Pricer model.Pricer
}

type pane int

const (
	paneList pane = iota
	paneDetail
	paneJSON
	paneCount // how many panes focus cycles through
)

// App is the root model. It is the only tea.Model; the panes and overlays
// are components (component.go) it sizes, hands keys to and renders, and
// which read the shared state it embeds.
type App struct {
	*state
	cfg  Config
	help help.Model // the footer
	lay  layout

	// The stream. gen tells batches of a closed stream from the current one.
	parent context.Context
	ctx    context.Context
	cancel context.CancelFunc
	src    model.Stream
	gen    int

	filterErr string // why the text in the bar does not parse; the filter above stays applied
	selAll    int    // loaded index the user last moved to; filter changes return to it or the nearest match
	sent      demand

	list      *listPane
	detail    *detailPane
	json      *jsonPane
	status    statusBar
	overlays  []overlay       // open views over the panes, the front one last
	opened    map[int]overlay // the last overlay each opener opened, by its index in openers
	orig      originals       // records read back for rows that hold a rebuilt one
	closing   closing         // streams let go, closing in commands; Close finishes them
	pivotBack []pivotStep     // where each pivot came from, for backspace
	landing   landing         // the event a ranged pivot's query lands on once loaded (pivot.go)
	confirmR  bool            // r was pressed once over loaded events: a second r discards them
	follow    follow          // F: poll for newer events
	queryPlan model.Plan      // what the query in force pushed down (its Key) and what it loads
	input     textinput.Model

	// The raw: search in flight (search.go): the timeline's pending one,
	// and how to cancel it.
	search     *model.Search
	searchCtx  context.Context
	stopSearch context.CancelFunc

	filtering bool   // the filter bar has the keyboard
	flash     string // one-off message for the info line, cleared by the next key
}

// demand is the last request made of the source, to avoid repeating it.
type demand struct {
	filter string
	n      int
	valid  bool
}

// New builds the app. The stream is opened by Init.
func New(cfg Config) *App {
	if cfg.Location == nil {
		cfg.Location = time.Local
	}
	s := &state{keys: keymap.DefaultKeyMap(), local: cfg.Location, utc: true, tl: model.NewTimeline()}
	a := &App{state: s, cfg: cfg, help: help.New(), parent: context.Background()}
	s.why = a.incompleteWhy
	filter := model.ParseFilter(cfg.Filter)
	if cfg.Source != nil {
		var notice string
		s.account, notice = cfg.Source.Label()
		a.flash = model.Printable(notice)
		// The first query is the filter's: what the source would push
		// down for it (the command line's choice, when it fixed one).
		a.queryPlan = cfg.Source.Plan(filter.Readable())
	}
	a.tl.SetFilter(filter)
	a.input = textinput.New()
	a.input.Prompt = "/"
	a.input.Placeholder = "user-name prefix"
	a.input.SetValue(cfg.Filter)
	a.list, a.detail, a.json = &listPane{s: s}, &detailPane{s: s}, &jsonPane{s: s}
	a.status = statusBar{s: s}
	a.applyStyles(true)
	a.resize(80, 24)
	return a
}

func (a *App) applyStyles(dark bool) {
	a.st = NewStyles(dark)
	a.list.SetStyles(&a.st)
	a.detail.Invalidate()
	a.json.Invalidate()
	a.help.Styles = a.st.Help
	a.input.SetStyles(a.st.Input)
}

// Init opens the first stream and asks for the terminal's background.
func (a *App) Init() tea.Cmd {
	cmd := a.reopen()
	a.askForMore()
	return tea.Batch(cmd, tea.RequestBackgroundColor)
}

// Close cancels the stream and waits for it to stop, and for every stream
// let go before it (bounded); Run calls it on exit.
func (a *App) Close() {
	if a.stopSearch != nil {
		a.stopSearch()
	}
	if close := a.detach(); close != nil {
		close()
	}
	a.closing.finish(closeWait)
}

// detach cancels the current stream and hands back its Close, which waits
// for the stream's goroutines and so belongs in a command, not in Update.
func (a *App) detach() func() {
	if a.cancel != nil {
		a.cancel()
	}
	src := a.src
	a.src = nil
	if src == nil {
		return nil
	}
	return src.Close
}

// reopen closes the current stream and opens a fresh query up to now,
// keeping the filter.
func (a *App) reopen() tea.Cmd {
	var closeOld tea.Cmd
	if close := a.detach(); close != nil {
		closeOld = a.closing.cmd(close)
	}
	if a.cfg.Source == nil {
		a.ended = true
		return closeOld
	}
	a.gen++
	a.ctx, a.cancel = context.WithCancel(a.parent)
	a.src, a.query = a.cfg.Source.Open(a.parent, model.Request{Range: a.timeRange, Plan: a.queryPlan.Key})
	f := a.filter()
	freed := a.replaceTimeline(model.NewTimeline())
	a.tl.SetFilter(f)
	a.list.Top()
	a.selAll, a.ended, a.halted, a.stopped, a.sent = 0, false, false, false, demand{}
	a.toEnd = scanToEnd{}
	a.follow.fresh = 0
	a.progress = nil
	return tea.Batch(closeOld, freed, a.waitForBatch())
}

// batchMsg carries what one Next call returned.
type batchMsg struct {
	gen   int
	batch model.Batch
	ok    bool
}

// waitForBatch waits for the stream's next batch in a command, off the
// event loop.
func (a *App) waitForBatch() tea.Cmd {
	src, ctx, gen := a.src, a.ctx, a.gen
	return guardCmd(func() tea.Msg {
		b, ok := src.Next(ctx)
		return batchMsg{gen: gen, batch: b, ok: ok}
	})
}

// Update handles one message. Whatever it changed, what follows from the
// state is then derived here, once: the panes are refitted if the chrome
// grew or shrank, the demand on the source is restated, and the detail and
// JSON panes show the selected event (before the next key scrolls them).
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := a.update(msg)
	if search := a.syncSearch(); search != nil {
		cmd = tea.Batch(cmd, search)
	}
	if prices := a.syncLedger(); prices != nil {
		cmd = tea.Batch(cmd, prices)
	}
	if p, ok := a.front().(*summaryPane); ok {
		p.refresh() // counts in Update, so that View only draws
	}
	a.fitChrome()
	a.askForMore()
	if a.panesVisible() {
		a.showSelection()
	}
	if read := a.readOriginal(); read != nil {
		cmd = tea.Batch(cmd, read)
	}
	return m, cmd
}

func (a *App) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case originalMsg:
		a.onOriginal(msg)
		return a, nil
	case rawMatchesMsg:
		return a, a.onFound(msg)
	case ledgerPricesMsg:
		msg.to.priced(msg)
		return a, nil
	case tea.WindowSizeMsg:
		a.resize(msg.Width, msg.Height)
		return a, nil
	case tea.ColorProfileMsg:
		// A terminal that gets no escape sequences at all (TERM=dumb)
		// shows neither colour nor reverse video: the selection is then
		// marked with a character, and the first screen says why.
		marked := msg.Profile == colorprofile.NoTTY
		a.marked = marked
		if marked && a.flash == "" {
			a.flash = "this terminal (TERM=dumb) shows no colour or reverse video: > marks the selected row; set TERM (e.g. xterm-256color) for more"
		}
		return a, nil
	case tea.BackgroundColorMsg:
		a.applyStyles(msg.IsDark())
		return a, nil
	case exportedMsg:
		a.exported(msg)
		return a, nil
	case followTickMsg:
		if msg.gen != a.gen || !a.follow.on {
			return a, nil
		}
		return a, a.poll()
	case followMsg:
		return a, a.onFollow(msg)
	case batchMsg:
		return a, a.onBatch(msg)
	case tea.KeyPressMsg:
		a.flash = ""
		if a.lay.tooSmall {
			// Nothing is on screen to act on: only quitting works, so no
			// key changes what the user will find once the window grows.
			if key.Matches(msg, a.keys.Quit) || key.Matches(msg, a.keys.ForceQuit) {
				return a, tea.Quit
			}
			return a, nil
		}
		if esc, rest, ok := splitAlt(msg); ok {
			// A terminal sends ESC then a key typed quickly after it as
			// one alt+key: take it as the two presses it was, so that
			// "esc /skeddly-" opens the filter instead of running
			// s, k, e, d… as commands.
			_, cmd1 := a.Update(esc)
			_, cmd2 := a.Update(rest)
			return a, tea.Batch(cmd1, cmd2)
		}
		if a.filtering {
			return a, a.onFilterKey(msg)
		}
		return a, a.onKey(msg)
	case tea.PasteMsg:
		if a.filtering {
			var cmd tea.Cmd
			a.input, cmd = a.input.Update(msg)
			a.applyFilter(a.input.Value())
			return a, cmd
		}
	}
	if a.filtering {
		var cmd tea.Cmd
		a.input, cmd = a.input.Update(msg) // cursor blink
		return a, cmd
	}
	return a, nil
}

func (a *App) onBatch(m batchMsg) tea.Cmd {
	if m.gen != a.gen {
		return nil // from a stream closed by r
	}
	if a.tl.Add(m.batch.Events) > 0 {
		// The source counted these against the last demand; restate it
		// from what the timeline holds (duplicates it dropped included).
		a.sent = demand{}
	}
	if m.batch.Progress != nil {
		a.progress = m.batch.Progress
	}
	a.list.Refit()
	a.list.keepVisible()
	a.land(!m.ok)
	if !m.ok {
		a.ended = true
		return a.streamEnded()
	}
	return a.waitForBatch()
}

// chromeLines is how many lines the status bar and the info line need at
// width w.
func (a *App) chromeLines(w int) (top, info int) {
	return len(a.statusLines()), len(a.infoLines(w))
}

// statusLines is the status bar, the query's range and what it pushed
// down included.
func (a *App) statusLines() []string { return a.status.View() }

// fitChrome resizes the panes when the status bar or the info line
// needs another number of lines than it has: after every update, as
// either may change with anything.
func (a *App) fitChrome() {
	if a.lay.width == 0 {
		return
	}
	if top, info := a.chromeLines(a.lay.width); top != a.lay.top || info != a.lay.info {
		a.resize(a.lay.width, a.lay.height)
	}
}

// panesVisible reports whether detail and JSON are on screen, so that
// moving through the list in the narrow layout renders neither.
func (a *App) panesVisible() bool { return a.lay.wide || a.focus != paneList }

// showSelection shows the selected event in the detail and JSON panes
// (each renders an event once, and keeps it while it stays selected).
func (a *App) showSelection() {
	key, e := selectionKey{gen: a.gen, index: -1}, a.list.Selected()
	if e != nil {
		key.index = a.tl.MatchIndex(a.list.cursor)
	}
	a.detail.Show(key, e)
	raw, note := a.recordOf(e)
	a.json.Show(key, e, raw, note)
}

// askForMore tells the source how many more matching events the screen
// needs; called after everything that changes that number.
func (a *App) askForMore() {
	if a.src == nil || a.ended {
		return
	}
	n := a.list.wanted() - a.tl.Matches()
	if a.stopped || a.tl.Pending() != nil {
		n = 0 // a pending view does not know yet how many of the loaded events match
	}
	d := demand{filter: a.filter().String(), n: n, valid: true}
	if d != a.sent {
		a.sent = d
		if a.stopped {
			a.src.Want(nil, 0)
		} else if a.filter().IsZero() {
			a.src.Want(nil, n)
		} else {
			a.src.Want(a.filter().Match, n)
		}
	}
}

// scanning reports whether a filter is waiting for matches that are not
// loaded yet.
func (a *App) scanning() bool { return a.list.scanning() }

// applyFilter re-filters what is loaded, keeps the cursor on the event the
// user chose if it still matches or else the nearest one, and renews the
// demand.
func (a *App) applyFilter(text string) {
	f := model.ParseFilter(text)
	// A term that does not parse (an unknown key, say) is shown as an
	// error and left out: the view and the demand are those of the terms
	// that read, so a typo never starts a scan of its own.
	a.filterErr = f.Err()
	f = f.Readable()
	if f.String() == a.filter().String() {
		return
	}
	a.tl.BeginFilter(f) // a raw: search runs in a command (syncSearch)
	a.stopped = false
	if a.tl.Matches() > 0 {
		a.list.SetCursor(a.tl.Nearest(a.selAll))
	} else {
		a.list.SetCursor(0)
	}
}

// moved records a cursor move by the user.
func (a *App) moved(down bool) {
	if a.list.Selected() != nil {
		a.selAll = a.tl.MatchIndex(a.list.cursor)
	}
	if down {
		a.stopped = false
	}
}

// splitAlt takes an alt+key whose key is a printable character apart into
// esc and the plain key.
func splitAlt(msg tea.KeyPressMsg) (esc, rest tea.KeyPressMsg, ok bool) {
	if !msg.Mod.Contains(tea.ModAlt) {
		return esc, rest, false
	}
	code := msg.Code
	if msg.Mod.Contains(tea.ModShift) && msg.ShiftedCode != 0 {
		code = msg.ShiftedCode
	}
	if code < ' ' || code == 0x7f || code > unicode.MaxRune || !unicode.IsPrint(code) {
		return esc, rest, false
	}
	return tea.KeyPressMsg{Code: tea.KeyEscape}, tea.KeyPressMsg{Code: code, Text: string(code)}, true
}

// plan runs the filter's planner when a filter is settled (enter, a pivot,
// a summary row): when what the source would push down for it differs
// from what the query in force pushed, a fresh query pushes the new one,
// so event=RunInstances asks the source for those events only instead of
// scanning the whole range of everything.
func (a *App) plan() tea.Cmd {
	caps := a.capabilities()
	if !caps.Plans || a.filter().Err() != "" {
		return nil // a filter with an error starts no query
	}
	want := a.cfg.Source.Plan(a.filter())
	if want.Key == "" && !caps.WholeFilter {
		if hint := a.filter().ExactHint(); hint != "" {
			a.flash = hint // a scan of the whole range where the exact term would be pushed down
		}
	}
	if want.Key == a.queryPlan.Key {
		return nil
	}
	if loads := a.queryPlan.Loads; a.queryPlan.Key != "" && a.filter().Narrows(loads) && loads.Narrows(a.filter()) {
		return nil // the same filter written another way: the query in force is its query
	}
	if caps.NarrowsInPlace && a.queryAnswered() && a.filter().Narrows(a.queryPlan.Loads) {
		// The query in force has answered, and its answer holds every
		// match of the new filter: it is paged on, filtered again, rather
		// than paid for again (a query billed for what it scans). One
		// still running is replaced: the new one may prune more.
		a.flash = "narrowed within the query in force: no new scan (R shows it)"
		return nil
	}
	a.queryPlan = want
	return a.reopen()
}
