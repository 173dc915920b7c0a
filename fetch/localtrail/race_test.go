//go:build race

package localtrail

// raceEnabled lets the heaviest checks sample under the race detector,
// which slows them tenfold, while full runs still check everything.
const raceEnabled = true
