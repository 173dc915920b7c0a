package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"lazytrail/fetch/trail/trailtest"
)

// TestGenerateMemoryInputs writes the inputs of .ci/memory, only when
// asked to (LAZYTRAIL_MEM_DIR set): gzip bombs (2 GiB of white space
// between two records, one record of 1 GiB between two good ones, four
// hard links to the first), a 600 MB JSON lines file in no time order,
// and the same records as four files of 150 MB. counts.txt says how many
// records each must print.
func TestGenerateMemoryInputs(t *testing.T) {
	dir := os.Getenv("LAZYTRAIL_MEM_DIR")
	if dir == "" {
		t.Skip("set LAZYTRAIL_MEM_DIR to write the memory script's inputs")
	}
	if _, err := os.Stat(filepath.Join(dir, "counts.txt")); err == nil {
		return
	}
	for _, sub := range []string{"links", "many", "white", "giant"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	rec := func(id string, tm time.Time) string {
		return fmt.Sprintf(`{"eventVersion":"1.10","eventID":%q,"eventTime":%q,"eventName":"RunInstances","awsRegion":"us-east-1","recipientAccountId":"111122223333"}`, id, tm.Format(time.RFC3339))
	}
	t0 := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	bomb := func(path, head string, fill []byte, n int, tail string) {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		zw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
		io.WriteString(zw, head)
		for range n {
			zw.Write(fill)
		}
		io.WriteString(zw, tail)
		zw.Close()
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	white := filepath.Join(dir, "white", "white.json.gz")
	bomb(white, `{"Records":[`+rec("w1", t0)+`,`, bytes.Repeat([]byte(" "), 1<<20), 2048, rec("w2", t0.Add(-time.Minute))+`]}`)
	bomb(filepath.Join(dir, "giant", "giant.json.gz"), `{"Records":[`+rec("g1", t0)+`,{"eventTime":"2024-05-01T11:00:00Z","x":"`,
		bytes.Repeat([]byte("x"), 1<<20), 1024, `"},`+rec("g2", t0.Add(-time.Minute))+`]}`)
	for i := range 4 {
		if err := os.Link(white, filepath.Join(dir, "links", fmt.Sprintf("bomb-%d.json.gz", i))); err != nil {
			t.Fatal(err)
		}
	}

	// 600 MB of generated records as JSON lines, the files in random
	// order (so the whole is in no time order), and the same records
	// dealt to four files.
	tree := trailtest.Generate(trailtest.Spec{
		Regions: []string{"eu-west-1", "us-east-1", "us-east-2", "us-west-2"},
		Start:   time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Days: 5, FilesPerDay: 30, RecordsPerFile: 1000, Seed: 11,
	})
	files := tree.Files()
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(files), func(i, j int) { files[i], files[j] = files[j], files[i] })
	big, err := os.Create(filepath.Join(dir, "big.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriterSize(big, 1<<20)
	var parts [4]*bufio.Writer
	for i := range parts {
		f, err := os.Create(filepath.Join(dir, "many", fmt.Sprintf("part-%d.jsonl", i)))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		parts[i] = bufio.NewWriterSize(f, 1<<20)
	}
	written, records := 0, 0
	for _, file := range files {
		if written >= 600e6 {
			break
		}
		zr, err := gzip.NewReader(bytes.NewReader(file.Body))
		if err != nil {
			t.Fatal(err)
		}
		var env struct{ Records []json.RawMessage }
		if err := json.NewDecoder(zr).Decode(&env); err != nil {
			t.Fatal(err)
		}
		for _, r := range env.Records {
			var line bytes.Buffer
			json.Compact(&line, r)
			line.WriteByte('\n')
			bw.Write(line.Bytes())
			parts[records%4].Write(line.Bytes())
			written += line.Len()
			records++
		}
	}
	for _, w := range append(parts[:], bw) {
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	if err := big.Close(); err != nil {
		t.Fatal(err)
	}
	counts := fmt.Sprintf("white 2\ngiant 2\nlinks 2\nbig.jsonl %d\nmany %d\n", records, records)
	if err := os.WriteFile(filepath.Join(dir, "counts.txt"), []byte(counts), 0o644); err != nil {
		t.Fatal(err)
	}
}
