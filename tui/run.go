package tui

import (
	"context"
	"errors"
	"fmt"
	"sync"

	tea "charm.land/bubbletea/v2"
)

// Run shows the app full-screen until the user quits or ctx ends. A panic
// anywhere in the app or its stream quits the program, lets Bubble Tea
// restore the terminal, and comes back as an error naming it. The stream is
// closed on the way out.
func Run(ctx context.Context, cfg Config, opts ...tea.ProgramOption) error {
	app := New(cfg)
	app.parent = ctx
	g := &guard{app: app}
	p := tea.NewProgram(g, append([]tea.ProgramOption{tea.WithContext(ctx)}, opts...)...)
	g.program = p
	_, err := p.Run()
	app.Close()
	if f := g.failure(); f != nil {
		return f
	}
	switch {
	case err == nil, errors.Is(err, tea.ErrInterrupted):
		return nil
	case errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil:
		return nil // the caller cancelled (SIGTERM, SIGHUP)
	}
	return fmt.Errorf("terminal: %w", err)
}

// guard wraps the app so that a panic in Update, View or a command ends the
// program cleanly instead of leaving the terminal raw.
type guard struct {
	app     *App
	program *tea.Program
	mu      sync.Mutex
	err     error
}

// panicMsg reports a panic inside a command (a stream's Next, say).
type panicMsg struct{ err error }

func (g *guard) failure() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.err
}

func (g *guard) fail(where string, r any) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.err == nil {
		g.err = fmt.Errorf("lazytrail crashed in %s: %v", where, r)
	}
}

func (g *guard) Init() (cmd tea.Cmd) {
	defer func() {
		if r := recover(); r != nil {
			g.fail("start-up", r)
			cmd = tea.Quit
		}
	}()
	return g.app.Init()
}

func (g *guard) Update(msg tea.Msg) (m tea.Model, cmd tea.Cmd) {
	if p, ok := msg.(panicMsg); ok {
		g.fail("the event stream", p.err)
		return g, tea.Quit
	}
	defer func() {
		if r := recover(); r != nil {
			g.fail("update", r)
			m, cmd = g, tea.Quit
		}
	}()
	_, cmd = g.app.Update(msg)
	return g, cmd
}

func (g *guard) View() (v tea.View) {
	defer func() {
		if r := recover(); r != nil {
			g.fail("view", r)
			v = tea.NewView("")
			v.AltScreen = true
			if g.program != nil {
				go g.program.Quit() // View cannot return a command
			}
		}
	}()
	if g.failure() != nil {
		v = tea.NewView("")
		v.AltScreen = true
		return v
	}
	return g.app.View()
}

// guardCmd turns a panic inside cmd into a panicMsg, since commands run on
// their own goroutines where Bubble Tea cannot restore the terminal.
func guardCmd(cmd func() tea.Msg) tea.Cmd {
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				msg = panicMsg{err: fmt.Errorf("%v", r)}
			}
		}()
		return cmd()
	}
}
