package tui

import "lazytrail/model"

// The app reaches its events through one model.Source (Config.Source):
// it opens every query with Open, asks Plan what a settled filter pushes
// down, and offers the keys Capabilities allows. It never asks which
// source it is: what differs between sources is in what they answer.

// capabilities is what the source can do; nothing without a source.
func (a *App) capabilities() model.Capabilities {
	if a.cfg.Source == nil {
		return model.Capabilities{}
	}
	return a.cfg.Source.Capabilities()
}

// originalReader is the source's reader of original records, when it
// has one (model.Originals is optional).
func (a *App) originalReader() (model.Originals, bool) {
	o, ok := a.cfg.Source.(model.Originals)
	return o, ok
}
