package trail

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"sync"
	"unsafe"
)

// DefaultMaxFileBytes is the default limit on one file's decompressed
// size. CloudTrail log files are a few MB at most; the limit is there for
// gzip bombs and for a device named by mistake.
const DefaultMaxFileBytes int64 = 1 << 30

// readFile reads one file through the store and returns its content,
// gunzipped when it starts with gzip's magic bytes (whatever its name).
// size is the stored size when known (-1 otherwise), to size the buffer.
// A content larger than limit once decompressed, a truncated or corrupt
// gzip, or an error of the store is an error naming the cause in one line
// (the file is to be skipped); when ctx is done the error is ctx's, and a
// read in progress is unblocked by closing the reader.
func readFile(ctx context.Context, st Store, key string, size, limit int64) (string, error) {
	if limit <= 0 {
		limit = DefaultMaxFileBytes
	}
	rc, err := st.Open(ctx, key)
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", bare(err)
	}
	var once sync.Once
	closeRC := func() { once.Do(func() { rc.Close() }) }
	stop := context.AfterFunc(ctx, closeRC)
	defer func() {
		stop()
		closeRC()
	}()
	if size < 0 {
		if f, ok := rc.(interface{ Stat() (fs.FileInfo, error) }); ok {
			if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
				size = fi.Size()
			}
		}
	}

	br := bufio.NewReaderSize(rc, 64<<10)
	var r io.Reader = br
	gz := false
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return "", readErr(ctx, true, err)
		}
		r, gz = zr, true
	}
	est := size + 1
	if gz {
		est = size * 16 // CloudTrail's JSON compresses about 10-20×
	}
	est = max(min(est, limit+1), 4<<10)
	buf, err := readLimited(r, est, limit)
	if err != nil {
		return "", readErr(ctx, gz, err)
	}
	if int64(len(buf)) > limit {
		return "", fmt.Errorf("larger than %s once decompressed (the limit)", bytesText(limit))
	}
	return ownString(buf), nil
}

// readLimited reads r to its end into a buffer of initial capacity est,
// doubling it as needed, and stops after limit+1 bytes (so a reader that
// never ends, or a bomb, costs at most limit+1 bytes of memory).
func readLimited(r io.Reader, est, limit int64) ([]byte, error) {
	buf := make([]byte, 0, est)
	for int64(len(buf)) <= limit {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, int(min(int64(cap(buf)), limit+1-int64(len(buf)))))
		}
		room := buf[len(buf):min(int64(cap(buf)), limit+1)]
		n, err := r.Read(room)
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// ownString turns a buffer nobody writes to again into the string the
// events' Raw fields share: without a copy when the buffer is nearly
// full, else copied to its length so the slack is not kept alive.
func ownString(buf []byte) string {
	if len(buf) == 0 {
		return ""
	}
	if cap(buf)-len(buf) <= len(buf)/4 {
		return unsafe.String(unsafe.SliceData(buf), len(buf))
	}
	return string(buf)
}

func readErr(ctx context.Context, gz bool, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var pe *fs.PathError
	if gz && !errors.As(err, &pe) { // a store's read error is not the gzip's fault
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return errors.New("not valid gzip: truncated (unexpected EOF)")
		}
		return fmt.Errorf("not valid gzip: %v", bare(err))
	}
	return fmt.Errorf("reading: %v", bare(err))
}

// bare drops the path an *fs.PathError repeats (the skip names the file).
func bare(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func bytesText(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
