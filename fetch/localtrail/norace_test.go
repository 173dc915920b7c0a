//go:build !race

package localtrail

const raceEnabled = false
