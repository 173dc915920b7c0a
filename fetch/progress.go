package fetch

import "lazytrail/model"

// Progress is a snapshot of every partition's progress, in the stream's
// order (region, account, source): what tests and diagnostics check a
// stream against, where a consumer reads it from each Batch.
func (s *Stream) Progress() []model.RegionProgress {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.progressLocked()
}
