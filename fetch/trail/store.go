// Package trail reads CloudTrail log files directly, from local folders and
// S3 buckets, as partitions (account × region) of the stream: each lists its
// files newest first by the delivery time in their names and reads them in
// parallel, so the first screen needs only the newest files of each
// partition, whatever the size of the trail.
package trail

import (
	"context"
	"io"
)

// Store is where log files live: a local folder tree or an S3 bucket (and
// prefix). Discovery and paging only ever go through it, so both stores
// share one reader. Keys use "/" and are relative to the store's root.
type Store interface {
	// List returns the immediate children of dir ("" for the root, else a
	// key ending in "/"): sub-folders (Dir set, Key ending in "/") and
	// files. For S3 it is one delimiter listing (every page of it); it
	// never lists deeper than one level.
	List(ctx context.Context, dir string) ([]Entry, error)

	// Open opens one file for reading. Closing the reader, or cancelling
	// ctx, must unblock a Read in progress (a FIFO, a stalled GET).
	Open(ctx context.Context, key string) (io.ReadCloser, error)

	// Name is how a key is named in messages: "s3://bucket/key" or a path.
	Name(key string) string
}

// Entry is one child of a listed folder.
type Entry struct {
	Key  string // relative to the store's root; folders end in "/"
	Dir  bool
	Size int64 // -1 when unknown
	// Irregular is set for a local file that is not a regular file (a
	// FIFO, a device, a socket, a broken or looping symlink): discovery
	// skips it with Why, unless the user named it explicitly.
	Irregular bool
	Why       string
}
