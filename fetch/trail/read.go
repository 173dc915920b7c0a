package trail

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sync"

	// The same API as compress/gzip, a third less CPU on the bench set's
	// files (pure Go; see the commit that took it).
	"github.com/klauspost/compress/gzip"

	"lazytrail/model"
)

// openFile opens one file through the store for the streaming decoder:
// gunzipped when it starts with gzip's magic bytes (whatever its name).
// gate, when set, is a decoding slot: it is taken once the store has
// opened the file and held until done, except for the time of each read
// of the store (a read waiting on the network gives it up). A store's error or a gzip
// header that is not valid is an error naming the cause in one line (the
// file is to be skipped); when ctx is done the error is ctx's. Closing
// the file (done), or cancelling ctx, unblocks a read in progress.
func openFile(ctx context.Context, st Store, key string, gate *gate) (r io.Reader, gz bool, done func(), err error) {
	rc, err := st.Open(ctx, key)
	if err != nil {
		if ctx.Err() != nil {
			return nil, false, nil, ctx.Err()
		}
		return nil, false, nil, bare(err)
	}
	var once sync.Once
	closeRC := func() { once.Do(func() { rc.Close() }) }
	stop := context.AfterFunc(ctx, closeRC)
	done = func() {
		stop()
		closeRC()
	}
	var raw io.Reader = rc
	if gate != nil {
		gate.acquire()
		raw = &gatedReader{r: rc, g: gate}
		closeOnly := done
		done = func() {
			closeOnly()
			gate.release()
		}
	}
	br := bufio.NewReaderSize(raw, 64<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			done()
			return nil, false, nil, readErr(ctx, true, err)
		}
		return zr, true, done, nil
	}
	return br, false, done, nil
}

// gate is a slot of the decoders' semaphore, given up while a read waits.
type gate struct{ slots chan struct{} }

func (g *gate) acquire() { g.slots <- struct{}{} }
func (g *gate) release() { <-g.slots }

// gatedReader gives up its decoder's slot for the time of each read.
type gatedReader struct {
	r io.Reader
	g *gate
}

func (r *gatedReader) Read(p []byte) (int, error) {
	r.g.release()
	defer r.g.acquire()
	return r.r.Read(p)
}

// readFile reads one whole (small) file through the store and decodes it:
// for looking up single records, not for paging.
func readFile(ctx context.Context, st Store, key, what string) ([]model.Event, error) {
	r, gz, done, err := openFile(ctx, st, key, nil)
	if err != nil {
		return nil, err
	}
	defer done()
	var evs []model.Event
	skips := decodeStream(what, r, gz, 0, nil, func(e model.Event) { evs = append(evs, e) })
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if len(evs) == 0 && len(skips) > 0 {
		return nil, errors.New(skips[0].Why)
	}
	return evs, nil
}

func readErr(ctx context.Context, gz bool, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return errors.New(readText(gz, err))
}

// readText is a read's failure in one line.
func readText(gz bool, err error) string {
	var pe *fs.PathError
	if gz && !errors.As(err, &pe) { // a store's read error is not the gzip's fault
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return "not valid gzip: truncated (unexpected EOF)"
		}
		return "not valid gzip: " + bare(err).Error()
	}
	return "reading: " + bare(err).Error()
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
