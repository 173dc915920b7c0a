package trail

import "syscall"

// readFd is one read of a handle: Windows has no FIFOs in a trail's
// folders, so this serves devices only, read as they come.
func readFd(fd uintptr, p []byte) (int, error) { return syscall.Read(syscall.Handle(fd), p) }
