package tui

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	tea "charm.land/bubbletea/v2"

	"lazytrail/model"
)

// exportedMsg reports a finished export (e or E).
type exportedMsg struct {
	path string
	n    int
	err  error
	why  string // why the file may not hold every match ("" it does: see App.incompleteWhy)
}

// export writes the filtered view in the format called name (model's
// registry: jsonl writes the raw records as --print jsonl does), in a
// command: to a temporary file beside the target, then renamed, so a
// reader never sees half a file. The events are immutable once in the
// timeline, so the command may read them.
func (a *App) export(name string) tea.Cmd {
	format, ok := model.FormatNamed(name)
	if !ok {
		a.flash = model.Printable("export: no format " + name)
		return nil
	}
	// The timeline keeps events compactly: the command reads each from a
	// snapshot as it writes it, rather than copying every match here.
	snap, matches := a.tl.Snapshot(), make([]int, a.tl.Matches())
	for i := range matches {
		matches[i] = a.tl.MatchIndex(i)
	}
	dir := a.cfg.ExportDir
	if dir == "" {
		dir = "."
	}
	stem := filepath.Join(dir, "lazytrail-"+exportClock().UTC().Format("20060102-150405"))
	why := a.incompleteWhy()
	a.flash = fmt.Sprintf("exporting %s events to %s…", count(len(matches)), model.Printable(stem+"."+format.Ext))
	return func() tea.Msg {
		name, n, err := writeExport(stem, format, len(matches), func(i int) *model.Event { return snap.At(matches[i]) })
		return exportedMsg{path: name, n: n, err: err, why: why}
	}
}

// writeExport writes evs in format f to stem.ext, or stem-2.ext,
// stem-3.ext… when that name is taken (two exports in the same second),
// and says which. A file that exists is never replaced.
func writeExport(stem string, f model.Format, n int, at func(i int) *model.Event) (string, int, error) {
	format := f.Ext
	tmp, err := os.CreateTemp(filepath.Dir(stem), ".lazytrail-export-*")
	if err != nil {
		return stem + "." + format, 0, err
	}
	defer os.Remove(tmp.Name()) // gone after the rename; cleans up on failure
	w := bufio.NewWriterSize(tmp, 256<<10)
	out := f.New(w)
	for i := range n {
		out.Event(at(i))
	}
	err = out.End()
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	name := stem + "." + format
	if err == nil {
		name, err = publish(tmp.Name(), stem, format)
	}
	if err != nil {
		return name, 0, err
	}
	return name, n, nil
}

// exportClock names export files; tests pin it to one second.
var exportClock = time.Now

// maxExportSuffix bounds the search for a free name.
const maxExportSuffix = 1000

// publish gives the written file tmp the first free name of stem.format,
// stem-2.format, …: a hard link appears whole and fails on a name that
// exists; where links are not supported, the name is claimed with
// O_EXCL and the file renamed over the claim.
func publish(tmp, stem, format string) (string, error) {
	for i := 1; i <= maxExportSuffix; i++ {
		name := stem + "." + format
		if i > 1 {
			name = fmt.Sprintf("%s-%d.%s", stem, i, format)
		}
		err := os.Link(tmp, name)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err == nil {
			return name, nil
		}
		claim, cerr := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(cerr, fs.ErrExist) {
			continue
		}
		if cerr != nil {
			return name, cerr
		}
		claim.Close()
		return name, os.Rename(tmp, name)
	}
	return stem + "." + format, fmt.Errorf("%s-2 … -%d.%s all exist", filepath.Base(stem), maxExportSuffix, format)
}

// exported says where the file went, how many events it holds and
// whether they are all the matches.
func (a *App) exported(m exportedMsg) {
	if m.err != nil {
		// The cause first, then where: a long path is what gets cut.
		cause, where := m.err.Error(), filepath.Dir(m.path)
		var pe *fs.PathError
		if errors.As(m.err, &pe) {
			cause = pe.Err.Error()
		}
		a.flash = model.Printable("export failed: " + cause + ": " + where)
		return
	}
	what := "every match"
	if m.why != "" {
		what = "the matches loaded so far; " + m.why
	}
	a.flash = fmt.Sprintf("wrote %s events (%s) to %s", count(m.n), what, model.Printable(m.path))
}
