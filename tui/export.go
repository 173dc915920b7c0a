package tui

import (
	"bufio"
	"encoding/csv"
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

// export writes the filtered view as jsonl (the raw records, as --print
// jsonl writes them) or csv, in a command: to a temporary file beside the
// target, then renamed, so a reader never sees half a file. The events
// are immutable once in the timeline, so the command may read them.
func (a *App) export(format string) tea.Cmd {
	evs := make([]*model.Event, a.tl.Matches())
	for i := range evs {
		evs[i] = a.tl.Match(i)
	}
	dir := a.cfg.ExportDir
	if dir == "" {
		dir = "."
	}
	name := filepath.Join(dir, "lazytrail-"+time.Now().UTC().Format("20060102-150405")+"."+format)
	why := a.incompleteWhy()
	a.flash = fmt.Sprintf("exporting %s events to %s…", count(len(evs)), name)
	return func() tea.Msg {
		n, err := writeExport(name, format, evs)
		return exportedMsg{path: name, n: n, err: err, why: why}
	}
}

func writeExport(name, format string, evs []*model.Event) (int, error) {
	tmp, err := os.CreateTemp(filepath.Dir(name), ".lazytrail-export-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name()) // gone after the rename; cleans up on failure
	w := bufio.NewWriterSize(tmp, 256<<10)
	switch format {
	case "csv":
		c := csv.NewWriter(w)
		_ = c.Write(model.CSVHeader)
		for _, e := range evs {
			_ = c.Write(model.CSVRow(e))
		}
		c.Flush()
		err = c.Error()
	default:
		for _, e := range evs {
			w.Write(model.RecordJSON(e))
			w.WriteByte('\n')
		}
	}
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		return 0, err
	}
	return len(evs), nil
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
