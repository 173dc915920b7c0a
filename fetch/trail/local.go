package trail

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// localStore is a Store over a local folder, or over one file the user
// named (then List("") returns that file alone).
type localStore struct {
	root string // the folder keys are relative to
	file string // the one file named, as a key; "" for a folder
	path string // the file's path as the user wrote it
}

// newLocalStore opens path (a folder or a file) as a store; it returns an
// error when path cannot be looked at.
func newLocalStore(path string) (*localStore, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return &localStore{root: path}, nil
	}
	return &localStore{root: filepath.Dir(path), file: filepath.Base(path), path: path}, nil
}

func (s *localStore) full(key string) string {
	if s.file != "" && key == s.file {
		return s.path
	}
	return filepath.Join(s.root, filepath.FromSlash(key))
}

// Name is the path of key as the user would type it.
func (s *localStore) Name(key string) string { return s.full(key) }

// List reads one folder with os.ReadDir. Symlinks to files are followed;
// anything else that is not a regular file or a folder (a FIFO, a device,
// a socket, a broken or looping symlink, a symlink to a folder, which is
// not followed) is listed Irregular with the reason.
func (s *localStore) List(ctx context.Context, dir string) ([]Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.file != "" && dir == "" {
		e := Entry{Key: s.file, Size: -1}
		if fi, err := os.Stat(s.path); err != nil {
			e.Irregular, e.Why = true, linkWhy(err)
		} else if !fi.Mode().IsRegular() {
			e.Irregular, e.Why = true, modeWhy(fi.Mode())
		} else {
			e.Size = fi.Size()
		}
		return []Entry{e}, nil
	}
	full := s.full(dir)
	des, err := os.ReadDir(full)
	if err != nil && len(des) == 0 {
		return nil, bare(err)
	}
	out := make([]Entry, 0, len(des))
	for _, d := range des {
		key := dir + d.Name()
		t := d.Type()
		switch {
		case t.IsDir():
			out = append(out, Entry{Key: key + "/", Dir: true, Size: -1})
		case t.IsRegular():
			out = append(out, Entry{Key: key, Size: -1})
		case t&fs.ModeSymlink != 0:
			e := Entry{Key: key, Size: -1}
			fi, err := os.Stat(filepath.Join(full, d.Name()))
			switch {
			case err != nil:
				e.Irregular, e.Why = true, linkWhy(err)
			case fi.IsDir():
				e.Irregular, e.Why = true, "a symlink to a folder (not followed)"
			case !fi.Mode().IsRegular():
				e.Irregular, e.Why = true, modeWhy(fi.Mode())
			default:
				e.Size = fi.Size()
			}
			out = append(out, e)
		default:
			out = append(out, Entry{Key: key, Size: -1, Irregular: true, Why: modeWhy(t)})
		}
	}
	return out, bare(err)
}

func linkWhy(err error) string {
	switch {
	case errors.Is(err, syscall.ELOOP):
		return "a symlink loop"
	case errors.Is(err, fs.ErrNotExist):
		return "a broken symlink (its target does not exist)"
	}
	return "cannot be looked at: " + bare(err).Error()
}

func modeWhy(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "not a regular file (a FIFO)"
	case m&fs.ModeSocket != 0:
		return "not a regular file (a socket)"
	case m&fs.ModeCharDevice != 0:
		return "not a regular file (a character device)"
	case m&fs.ModeDevice != 0:
		return "not a regular file (a device)"
	case m.IsDir():
		return "a folder"
	}
	return "not a regular file"
}

// Open opens a file with O_NONBLOCK, so that opening a FIFO does not wait
// for a writer and Go's poller makes a read of a FIFO or device
// cancellable by Close. Regular files are read as usual.
func (s *localStore) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(s.full(key), os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	switch m := fi.Mode(); {
	case m.IsRegular():
		return f, nil
	case m.IsDir():
		f.Close()
		return nil, errors.New("a folder, not a file")
	default:
		return &pollReader{f: f}, nil
	}
}

// pollReader reads a FIFO or device opened non-blocking through Go's
// poller. A FIFO that no writer has opened yet reads as empty on Linux;
// pollReader waits for a writer instead (as a blocking open would), and
// the wait ends when the file is closed.
type pollReader struct {
	f      *os.File
	waited bool
}

func (r *pollReader) Read(p []byte) (int, error) {
	rc, err := r.f.SyscallConn()
	if err != nil {
		return 0, err
	}
	var n int
	var rerr error
	cerr := rc.Read(func(fd uintptr) bool {
		n, rerr = readFd(fd, p)
		switch {
		case rerr == syscall.EAGAIN || rerr == syscall.EINTR:
			return false // wait until readable
		case rerr == nil && n == 0 && len(p) > 0 && !r.waited:
			// No writer (yet): wait once for one to come and write or
			// close; a second empty read is the end.
			r.waited = true
			return false
		}
		return true
	})
	switch {
	case cerr != nil && errors.Is(cerr, os.ErrClosed):
		return 0, cerr
	case cerr != nil && n == 0:
		return 0, io.EOF // not pollable (a device): an empty read is the end
	case rerr != nil:
		return 0, rerr
	case n == 0 && len(p) > 0:
		return 0, io.EOF
	}
	r.waited = true
	return n, nil
}

func (r *pollReader) Close() error { return r.f.Close() }

func (r *pollReader) Stat() (fs.FileInfo, error) { return r.f.Stat() }

// stdinFile is what "-" reads; tests point it at a pipe.
var stdinFile = os.Stdin

// stdinStore is the store for "-": standard input, streamed as it comes
// (records are released before it closes). It can be opened once.
type stdinStore struct {
	mu     sync.Mutex
	opened bool
}

// stdinKey is the one key of the stdin store.
const stdinKey = "-"

func newStdinStore() *stdinStore { return &stdinStore{} }

func (s *stdinStore) Name(string) string { return "stdin" }

func (s *stdinStore) List(context.Context, string) ([]Entry, error) {
	return []Entry{{Key: stdinKey, Size: -1}}, nil
}

// Open opens standard input for reading, once. Closing the reader stops a
// read in progress; standard input itself is left as it was found.
func (s *stdinStore) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if key != stdinKey {
		return nil, fmt.Errorf("no such file %q", key)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.opened {
		return nil, errors.New("standard input was read already (it can be read once)")
	}
	s.opened = true
	return openStdin(stdinFile), nil
}

// openStdin reads a pipe through the poller, on a new open file
// description of it (/proc/self/fd/N): O_NONBLOCK, which the poller needs
// to stop a read on Close, is a flag of the description, and setting it
// on standard input's own (or a dup of it) would leave the pipe
// non-blocking for the commands that share it after lazytrail exits
// (their reads then fail with EAGAIN). Anything else (a terminal, a file,
// no /proc) is read by a goroutine that Close leaves behind, blocked until
// input comes or the process ends.
func openStdin(in *os.File) io.ReadCloser {
	if fi, err := in.Stat(); err == nil && fi.Mode()&fs.ModeNamedPipe != 0 {
		if fd, ok := rawFd(in); ok {
			if f, err := os.OpenFile("/proc/self/fd/"+strconv.Itoa(fd), os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
				return &pollReader{f: f, waited: true}
			}
		}
	}
	return newDetachedReader(in)
}

// rawFd is f's descriptor, without (*os.File).Fd's side effect of putting
// it in blocking mode.
func rawFd(f *os.File) (int, bool) {
	rc, err := f.SyscallConn()
	if err != nil {
		return 0, false
	}
	fd := -1
	if rc.Control(func(u uintptr) { fd = int(u) }) != nil || fd < 0 {
		return 0, false
	}
	return fd, true
}

// detachedReader reads r from a goroutine of its own, so that Close
// returns at once even when a Read cannot be interrupted.
type detachedReader struct {
	chunks chan []byte
	err    error // after chunks is closed
	rest   []byte
	closed chan struct{}
	once   sync.Once
}

func newDetachedReader(r io.Reader) *detachedReader {
	d := &detachedReader{chunks: make(chan []byte), closed: make(chan struct{})}
	go func() {
		defer close(d.chunks)
		for {
			b := make([]byte, 64<<10)
			n, err := r.Read(b)
			if n > 0 {
				select {
				case d.chunks <- b[:n]:
				case <-d.closed:
					return
				}
			}
			if err != nil {
				d.err = err
				return
			}
		}
	}()
	return d
}

func (d *detachedReader) Read(p []byte) (int, error) {
	if len(d.rest) == 0 {
		select {
		case b, ok := <-d.chunks:
			if !ok {
				if d.err == io.EOF || d.err == nil {
					return 0, io.EOF
				}
				return 0, d.err
			}
			d.rest = b
		case <-d.closed:
			return 0, os.ErrClosed
		}
	}
	n := copy(p, d.rest)
	d.rest = d.rest[n:]
	return n, nil
}

func (d *detachedReader) Close() error {
	d.once.Do(func() { close(d.closed) })
	return nil
}

// isStdin reports whether a root names standard input.
func isStdin(root string) bool { return strings.TrimSpace(root) == "-" }
