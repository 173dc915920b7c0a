//go:build !race

package lookup

const raceDetector = false
