package tui

import (
	"context"

	"lazytrail/fetch/lookup"
	"lazytrail/model"
)

// fetchSource runs the app over fetch's real stream of LookupEvents over
// a local endpoint: every query it opens is q, whatever the request, and
// it pushes nothing down. It stands where the command line's source would.
type fetchSource struct {
	opts lookup.Options
	q    lookup.Query
	name string
}

func (s fetchSource) Open(ctx context.Context, _ model.Request) (model.Stream, model.Query) {
	return lookup.OpenAccounts(ctx, s.q, s.opts), model.Query{Start: s.q.Start, End: s.q.End}
}

func (fetchSource) Plan(model.Filter) model.Plan      { return model.Plan{} }
func (fetchSource) Capabilities() model.Capabilities  { return model.Capabilities{} }
func (s fetchSource) Label() (account, notice string) { return s.name, "" }
func (fetchSource) Close()                            {}
