package main

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"lazytrail/fetch/trail/trailtest"
)

// smallTrail writes a generated trail (late records included) and returns
// its folder and the generator's own list of what it wrote.
func smallTrail(t *testing.T) (string, []trailtest.Event) {
	tree := trailtest.Generate(trailtest.Spec{
		Regions: []string{"eu-west-1", "us-east-1"}, Start: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC),
		Days: 2, FilesPerDay: 3, RecordsPerFile: 25, LateEvery: 2, Seed: 3,
	})
	dir := t.TempDir()
	if err := tree.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	return dir, tree.Events()
}

func runOK(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run(args, &stdout, &stderr); code != 0 {
		t.Fatalf("bench-duckdb %v: exit %d: %s", args, code, stderr.String())
	}
	return strings.TrimSpace(stdout.String())
}

// readRows reads a JSON-lines output with encoding/json.
func readRows(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var row map[string]any
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// checkNewestFirst checks the rows hold exactly the wanted eventIDs, newest
// first (eventTime has one format throughout, so it sorts as text).
func checkNewestFirst(t *testing.T, rows []map[string]any, want []string) {
	t.Helper()
	var got []string
	for i, row := range rows {
		got = append(got, row["eventID"].(string))
		if i > 0 && row["eventTime"].(string) > rows[i-1]["eventTime"].(string) {
			t.Errorf("row %d (%v) is newer than the row before it (%v)", i, row["eventTime"], rows[i-1]["eventTime"])
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("got %d records, want %d: the eventIDs differ", len(got), len(want))
	}
}

func TestExportIsEveryRecordNewestFirst(t *testing.T) {
	dir, events := smallTrail(t)
	out := filepath.Join(t.TempDir(), "out.jsonl")
	if got := runOK(t, "export", dir, out); got != fmt.Sprint(len(events)) {
		t.Errorf("export says it wrote %s rows, want %d", got, len(events))
	}
	var ids []string
	for _, e := range events {
		ids = append(ids, e.ID)
	}
	checkNewestFirst(t, readRows(t, out), ids)

	slices.Sort(ids)
	want := fmt.Sprintf("%d rows, %d distinct eventIDs, md5 %x", len(ids), len(ids), md5.Sum([]byte(strings.Join(ids, ","))))
	if got := runOK(t, "ids", out); got != want {
		t.Errorf("ids: %s, want %s", got, want)
	}
}

func TestUserKeepsOneUsersRecords(t *testing.T) {
	dir, events := smallTrail(t)
	var ids []string
	for _, e := range events {
		if strings.HasPrefix(e.Username, "skeddly") {
			ids = append(ids, e.ID)
		}
	}
	if len(ids) == 0 || len(ids) == len(events) {
		t.Fatalf("%d of %d records are skeddly's: the set tests nothing", len(ids), len(events))
	}
	out := filepath.Join(t.TempDir(), "out.jsonl")
	if got := runOK(t, "user", dir, out, "Skeddly"); got != fmt.Sprint(len(ids)) {
		t.Errorf("user says it wrote %s rows, want %d", got, len(ids))
	}
	rows := readRows(t, out)
	checkNewestFirst(t, rows, ids)
	if len(rows) > 0 && rows[0]["requestParameters"] != nil {
		t.Errorf("the typed read kept requestParameters, a field the list does not show")
	}
}

func TestUsage(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"export", "dir"}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "usage") {
		t.Errorf("exit %d, %q: want 2 and the usage", code, stderr.String())
	}
}
