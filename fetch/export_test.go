package fetch

// Fetchable names the partitions the merge would still let fetch a page,
// for tests in package fetch_test, which page a real source.
func (s *Stream) Fetchable() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var names []string
	for r := range s.parts {
		if s.core.mayFetch(r) {
			names = append(names, s.parts[r].progress.Region)
		}
	}
	return names
}

// buffered is how many events region r delivered that are not released
// yet, for the merge's tests.
func (m *merge) buffered(r int) int { return m.regions[r].buffered }
