// Command bench-floor is the decode floor of .ci/bench-speed: the least
// work any reader of trail files in Go does before it can list a record.
// With the garbage collector off, one worker per core takes the log files
// (*.json.gz under DIR but digests) in turn: it reads the file, gunzips it with
// compress/gzip into a buffer it reuses, and decodes the file's Records
// with goccy/go-json (lazytrail's decoder) into a typed struct of the
// fields lazytrail's list shows and filters on; everything else in a
// record (requestParameters, responseElements, …) is skipped unread.
// Nothing is sorted, kept or written: it prints the files, records and
// bytes it read and, with -users, each userIdentity.userName's share.
//
//	cd fetch/athena/sqltest && go build -o /tmp/bench-floor ./cmd/bench-floor
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"

	gojson "github.com/goccy/go-json"
)

// listRecord holds what lazytrail's list shows or filters on.
type listRecord struct {
	EventID            string `json:"eventID"`
	EventTime          string `json:"eventTime"`
	EventName          string `json:"eventName"`
	EventSource        string `json:"eventSource"`
	AWSRegion          string `json:"awsRegion"`
	RecipientAccountID string `json:"recipientAccountId"`
	ErrorCode          string `json:"errorCode"`
	ErrorMessage       string `json:"errorMessage"`
	SourceIPAddress    string `json:"sourceIPAddress"`
	UserAgent          string `json:"userAgent"`
	EventType          string `json:"eventType"`
	ReadOnly           bool   `json:"readOnly"`
	UserIdentity       struct {
		Type        string `json:"type"`
		PrincipalID string `json:"principalId"`
		ARN         string `json:"arn"`
		AccountID   string `json:"accountId"`
		AccessKeyID string `json:"accessKeyId"`
		UserName    string `json:"userName"`
	} `json:"userIdentity"`
	Resources []struct {
		ARN  string `json:"ARN"`
		Type string `json:"type"`
	} `json:"resources"`
}

type logFile struct {
	Records []listRecord `json:"Records"`
}

// tally is what one worker read.
type tally struct {
	files, records, raw int
	users               map[string]int
}

func main() {
	users := flag.Bool("users", false, "print each userName's share of the records")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: bench-floor [-users] DIR")
		os.Exit(2)
	}
	debug.SetGCPercent(-1)
	files, err := logFiles(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench-floor:", err)
		os.Exit(1)
	}
	total, err := decodeAll(files)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench-floor:", err)
		os.Exit(1)
	}
	fmt.Printf("%d files, %d records, %d bytes of JSON\n", total.files, total.records, total.raw)
	if *users {
		printShares(total)
	}
}

// logFiles are the CloudTrail log files under dir: digest files, gzipped
// JSON too, hold no records.
func logFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".json.gz") && !strings.Contains(path, "CloudTrail-Digest") {
			files = append(files, path)
		}
		return err
	})
	return files, err
}

// decodeAll decodes the files on every core and adds up what each read.
func decodeAll(files []string) (tally, error) {
	next := make(chan string)
	results := make(chan tally)
	errs := make(chan error, runtime.NumCPU())
	var wg sync.WaitGroup
	for range runtime.NumCPU() {
		wg.Go(func() {
			t, err := decodeFiles(next)
			if err != nil {
				errs <- err
			}
			results <- t
		})
	}
	go func() {
		for _, f := range files {
			next <- f
		}
		close(next)
		wg.Wait()
		close(results)
	}()
	total := tally{users: map[string]int{}}
	for t := range results {
		total.files += t.files
		total.records += t.records
		total.raw += t.raw
		for u, n := range t.users {
			total.users[u] += n
		}
	}
	select {
	case err := <-errs:
		return total, err
	default:
		return total, nil
	}
}

// decodeFiles is one worker: it reuses its gzip reader and JSON buffer.
func decodeFiles(next <-chan string) (tally, error) {
	t := tally{users: map[string]int{}}
	var zr gzip.Reader
	var plain bytes.Buffer
	for path := range next {
		data, err := os.ReadFile(path)
		if err != nil {
			return t, err
		}
		if err := zr.Reset(bytes.NewReader(data)); err != nil {
			return t, fmt.Errorf("%s: %w", path, err)
		}
		plain.Reset()
		if _, err := io.Copy(&plain, &zr); err != nil {
			return t, fmt.Errorf("%s: %w", path, err)
		}
		var f logFile
		if err := gojson.Unmarshal(plain.Bytes(), &f); err != nil {
			return t, fmt.Errorf("%s: %w", path, err)
		}
		t.files++
		t.records += len(f.Records)
		t.raw += plain.Len()
		for i := range f.Records {
			t.users[f.Records[i].UserIdentity.UserName]++
		}
	}
	return t, nil
}

func printShares(t tally) {
	names := make([]string, 0, len(t.users))
	for u := range t.users {
		names = append(names, u)
	}
	sort.Slice(names, func(i, j int) bool { return t.users[names[i]] < t.users[names[j]] })
	for _, u := range names {
		fmt.Printf("user %s %d %.2f%%\n", u, t.users[u], 100*float64(t.users[u])/float64(t.records))
	}
}
