//go:build race

package lookup

// raceDetector is true when the tests run under -race, which makes the
// widest end-to-end scans several times slower: they page a shorter range.
const raceDetector = true
