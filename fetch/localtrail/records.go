package localtrail

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"lazytrail/model"
)

// LoadRecords reads CloudTrail records from files or folders (walked for
// .json, .json.gz, .jsonl and .ndjson files, skipping CloudTrail-Digest
// files) into a Dataset, each record in its awsRegion (us-east-1 when it
// has none). It takes every shape records come in: S3 log files
// {"Records":[…]} (gzipped or not), JSON arrays of records, JSON lines, and
// `aws cloudtrail lookup-events` output {"Events":[…]}. An event id seen
// twice in a region is kept once. A file that cannot be read or parsed is
// an error naming it. A query that gives no StartTime or EndTime covers
// every record loaded, however old (see Dataset.Span).
func LoadRecords(paths ...string) (*Dataset, error) {
	if len(paths) == 0 {
		return nil, errors.New("no record files given: name files or folders of CloudTrail records")
	}
	var events []model.Event
	seen := map[[2]string]bool{}
	add := func(e model.Event) {
		key := [2]string{e.Region, e.ID}
		if !seen[key] {
			seen[key] = true
			events = append(events, e)
		}
	}
	for _, root := range paths {
		info, err := os.Stat(root)
		if err != nil {
			return nil, fmt.Errorf("records %s: %w", root, unwrapPathError(err))
		}
		if !info.IsDir() {
			if err := loadFile(root, add); err != nil {
				return nil, err
			}
			continue
		}
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("records %s: %w", path, unwrapPathError(err))
			}
			if d.IsDir() || !isRecordFile(path) {
				return nil
			}
			return loadFile(path, add)
		})
		if err != nil {
			return nil, err
		}
	}
	d := NewDataset(events)
	// Files hold what the trail kept, often more than 90 days: a query
	// without a time range serves all of it.
	d.whole = true
	return d, nil
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func isRecordFile(path string) bool {
	if strings.Contains(filepath.ToSlash(path), "CloudTrail-Digest") {
		return false
	}
	name := strings.ToLower(filepath.Base(path))
	for _, ext := range []string{".json", ".json.gz", ".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

const shapesHint = `expected an S3 log file {"Records":[…]}, a JSON array of records, JSON lines, or aws cloudtrail lookup-events output {"Events":[…]}`

func loadFile(path string, add func(model.Event)) error {
	data, err := readMaybeGzip(path)
	if err != nil {
		return fmt.Errorf("records %s: %w", path, err)
	}
	if err := parseRecords(data, add); err != nil {
		return fmt.Errorf("records %s: %w", path, err)
	}
	return nil
}

func readMaybeGzip(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, unwrapPathError(err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("not valid gzip: %w", err)
		}
		r = zr
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading: %w", err)
	}
	return data, nil
}

// lookupOutput is the AWS CLI's lookup-events output; its lookup fields win
// over the record's, as they do when the SDK reads them.
type lookupOutput struct {
	Events []struct {
		EventId         *string
		AccessKeyId     *string
		Username        *string
		ReadOnly        *string
		Resources       []wireResource
		CloudTrailEvent string
	}
}

func parseRecords(data []byte, add func(model.Event)) error {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	dec := json.NewDecoder(bytes.NewReader(data))
	var values []json.RawMessage
	for {
		var v json.RawMessage
		err := dec.Decode(&v)
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("not JSON (value %d: %v); %s", len(values)+1, err, shapesHint)
		}
		values = append(values, v)
	}
	if len(values) == 0 {
		return fmt.Errorf("empty; %s", shapesHint)
	}
	if len(values) > 1 { // JSON lines: one record each
		return addRecords(values, add)
	}
	one := bytes.TrimSpace(values[0])
	switch one[0] {
	case '[':
		var records []json.RawMessage
		if err := json.Unmarshal(one, &records); err != nil {
			return fmt.Errorf("%v; %s", err, shapesHint)
		}
		return addRecords(records, add)
	case '{':
		var envelope struct {
			Records json.RawMessage
			Events  json.RawMessage
		}
		if err := json.Unmarshal(one, &envelope); err != nil {
			return fmt.Errorf("%v; %s", err, shapesHint)
		}
		switch {
		case envelope.Records != nil:
			var records []json.RawMessage
			if err := json.Unmarshal(envelope.Records, &records); err != nil {
				return fmt.Errorf("its \"Records\" key is not a list of records: %v", err)
			}
			return addRecords(records, add)
		case envelope.Events != nil:
			return addLookupEvents(one, add)
		}
		return addRecords(values, add) // a file holding one record
	}
	return fmt.Errorf("a bare JSON value; %s", shapesHint)
}

func addRecords(records []json.RawMessage, add func(model.Event)) error {
	for i, raw := range records {
		e, err := recordEvent(raw)
		if err != nil {
			return fmt.Errorf("record %d: %w", i+1, err)
		}
		add(e)
	}
	return nil
}

// recordEvent parses one record, kept compact as CloudTrail serves it.
func recordEvent(raw []byte) (model.Event, error) {
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		return model.Event{}, err
	}
	if compact.Len() == 0 || compact.Bytes()[0] != '{' {
		return model.Event{}, errors.New("not a record object")
	}
	return model.FromRecord(compact.String())
}

func addLookupEvents(data []byte, add func(model.Event)) error {
	var out lookupOutput
	if err := json.Unmarshal(data, &out); err != nil {
		return fmt.Errorf("Events is not lookup-events output: %v", err)
	}
	for i, le := range out.Events {
		if le.CloudTrailEvent == "" {
			return fmt.Errorf("event %d has no CloudTrailEvent", i+1)
		}
		e, err := recordEvent([]byte(le.CloudTrailEvent))
		if err != nil {
			return fmt.Errorf("event %d: CloudTrailEvent: %w", i+1, err)
		}
		if le.EventId != nil {
			e.ID = *le.EventId
		}
		if le.Username != nil {
			e.Username = *le.Username
		}
		if le.AccessKeyId != nil {
			e.AccessKeyID = *le.AccessKeyId
		}
		switch {
		case le.ReadOnly == nil:
		case *le.ReadOnly == "true":
			e.ReadOnly = model.True
		case *le.ReadOnly == "false":
			e.ReadOnly = model.False
		}
		if len(le.Resources) > 0 {
			e.Resources = make([]model.Resource, len(le.Resources))
			for j, r := range le.Resources {
				e.Resources[j] = model.Resource{Type: r.ResourceType, Name: r.ResourceName}
			}
		}
		add(e)
	}
	return nil
}
