package trail

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// ReadRecord reads the log file at path (s3://bucket/key or a local file)
// through the same reader as every other file, and returns the record with
// eventID exactly as the file holds it. Sources that know only where a
// record came from (Athena's "$path") use it to show the original.
func ReadRecord(ctx context.Context, cfg aws.Config, path, eventID string) (string, error) {
	var st Store
	key := path
	if rest, ok := strings.CutPrefix(path, "s3://"); ok {
		bucket, k, _ := strings.Cut(rest, "/")
		if bucket == "" || k == "" {
			return "", fmt.Errorf("%s is not an s3://bucket/key path", path)
		}
		st, key = newS3Store(cfg, bucket, ""), k
	} else {
		local, err := newLocalStore(filepath.Dir(path))
		if err != nil {
			return "", err
		}
		st, key = local, filepath.Base(path)
	}
	data, err := readFile(ctx, st, key, -1, 0)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	events, _ := decodeString(path, data)
	for i := range events {
		if events[i].ID == eventID {
			return events[i].Raw, nil
		}
	}
	return "", fmt.Errorf("%s holds no record with eventID %s", path, eventID)
}
