package fetch

import "lazytrail/model"

// Reporter is how a pager tells the stream what happens between its
// pages (requests, HTTP attempts, retries, resumes), for its partition's
// progress and the stream's stats. A pager that has something to say
// implements ReportingPager; the stream hands it its partition's Reporter
// before paging starts, so the pager needs no pointer back into the stream.
type Reporter interface {
	Requested()                          // a page was asked for
	Attempted(throttled bool)            // one HTTP attempt ended, a retry's included
	Retrying(why string, throttled bool) // a request is about to be retried; why is one printable line
	Resumed()                            // the query started again from its last event (an expired token)
}

// ReportingPager is a Pager that reports between its pages.
type ReportingPager interface {
	Pager
	Attach(r Reporter)
}

// partReporter reports for partition i of s.
type partReporter struct {
	s *Stream
	i int
}

func (r partReporter) Requested() {
	r.s.update(r.i, func(_ *model.RegionProgress, st *Stats) { st.Requests++ })
}

func (r partReporter) Attempted(throttled bool) {
	r.s.update(r.i, func(pr *model.RegionProgress, st *Stats) {
		st.Attempts++
		if !throttled && pr.State == model.RegionThrottled {
			pr.State = model.RegionPaging
		}
		if throttled {
			st.Throttles++
			pr.Throttles++
		}
	})
}

func (r partReporter) Retrying(why string, throttled bool) {
	r.s.update(r.i, func(pr *model.RegionProgress, st *Stats) {
		st.Retries++
		pr.Retries++
		pr.Err = model.Printable(why)
		if throttled {
			pr.State = model.RegionThrottled
		} else {
			pr.State = model.RegionPaging
		}
	})
}

func (r partReporter) Resumed() {
	r.s.update(r.i, func(_ *model.RegionProgress, st *Stats) { st.Resumes++ })
}
