//go:build !windows

package trail

import "syscall"

// readFd is one read(2) of a descriptor the poller says is readable.
func readFd(fd uintptr, p []byte) (int, error) { return syscall.Read(int(fd), p) }
