//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package model

import "syscall"

// mapChunk maps size bytes of anonymous memory outside the Go heap; ok is
// false when the system refuses (the caller falls back to the heap).
func mapChunk(size int) ([]byte, bool) {
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return nil, false
	}
	adviseHuge(b)
	return b, true
}

// unmapChunk returns a mapped chunk to the system.
func unmapChunk(b []byte) {
	_ = syscall.Munmap(b) // only fails for a range that is not mapped
}
