//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package model

// mapChunk: this platform's chunks live on the Go heap (the collector
// frees them once the timeline and its snapshots are gone).
func mapChunk(int) ([]byte, bool) { return nil, false }

func unmapChunk([]byte) {}
