package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"lazytrail/fetch/localtrail"
	"lazytrail/model"
)

// Attacker-controlled text as a CloudTrail record can carry it: clear the
// screen, set the window title (BEL- and ST-terminated), write the
// clipboard through OSC 52, BEL, NUL, C1 CSI and OSC (U+009B, U+009D), a
// right-to-left override and invalid UTF-8.
const hostileText = "x\x1b[2J\x1b]0;PWNED\x07\x1b]2;PWNED\x1b\\\x1b]52;c;cHduZWQ=\x07\x07\x00" +
	"\u009b2J\u009d0;PWNED\u009c\u202etxt.exe\xff\xfe"

// hostileDepth is how deeply one record nests its requestParameters.
const hostileDepth = 10000

const (
	hostileEveryField = "0000h057-0000-4000-8000-000000000001"
	hostileUserAgent  = "0000h057-0000-4000-8000-000000000002"
	hostileDeep       = "0000h057-0000-4000-8000-000000000003"
	hostileResources  = "0000h057-0000-4000-8000-000000000004"
)

// hostileRecords returns raw records: one with hostile text in every field a
// person reads, one with a 1 MB user agent full of escapes, one whose
// requestParameters nest hostileDepth levels, one with 50,000 resources, and
// a few plain ones around them. json.Marshal writes the invalid UTF-8 as
// U+FFFD, as any JSON transport would.
func hostileRecords(end time.Time) map[string]string {
	at := func(k int) string { return end.Add(-time.Duration(k) * time.Minute).Format(time.RFC3339) }
	base := func(id string, k int) map[string]any {
		return map[string]any{
			"eventVersion": "1.08", "eventID": id, "eventTime": at(k), "eventName": "PutObject",
			"eventSource": "s3.amazonaws.com", "awsRegion": "eu-west-1", "eventType": "AwsApiCall",
			"sourceIPAddress": "203.0.113.9", "userAgent": "aws-cli/2.15.0", "readOnly": false,
			"userIdentity": map[string]any{"type": "IAMUser", "userName": "mallory",
				"arn": "arn:aws:iam::123456789012:user/mallory", "accountId": "123456789012"},
		}
	}
	records := map[string]string{}
	put := func(rec map[string]any) {
		raw, err := json.Marshal(rec)
		if err != nil {
			panic(err)
		}
		records[rec["eventID"].(string)] = string(raw)
	}

	every := base(hostileEveryField, 1)
	every["eventName"] = "Put" + hostileText
	every["userAgent"] = hostileText
	every["errorCode"] = "AccessDenied" + hostileText
	every["errorMessage"] = hostileText
	every["userIdentity"] = map[string]any{"type": "IAMUser", "userName": "mallory" + hostileText,
		"arn": "arn:aws:iam::123456789012:user/" + hostileText, "accountId": "123456789012"}
	every["requestParameters"] = map[string]any{"bucketName": "b" + hostileText, "key": hostileText}
	every["resources"] = []any{map[string]any{"ARN": "arn:aws:s3:::b" + hostileText, "type": "AWS::S3::Bucket"}}
	put(every)

	agent := base(hostileUserAgent, 2)
	agent["userAgent"] = strings.Repeat("Mozilla/5.0 \x1b]0;PWNED\x07\x1b[2J ", 1<<20/32)
	put(agent)

	many := base(hostileResources, 4)
	res := make([]any, 50000)
	for i := range res {
		res[i] = map[string]any{"ARN": fmt.Sprintf("arn:aws:s3:::bucket-%05d", i), "type": "AWS::S3::Bucket"}
	}
	many["resources"] = res
	put(many)

	for k := 5; k < 12; k++ {
		put(base(fmt.Sprintf("0000pla1-0000-4000-8000-%012d", k), k))
	}

	// Built by hand: a map nested this deep is the point, not the marshaller.
	deep := base(hostileDeep, 3)
	deep["requestParameters"] = "NESTED"
	flat, _ := json.Marshal(deep)
	nested := strings.Repeat(`{"k":`, hostileDepth) + `"\u001b]0;PWNED\u0007"` + strings.Repeat("}", hostileDepth)
	records[hostileDeep] = strings.Replace(string(flat), `"NESTED"`, nested, 1)
	return records
}

// hostileDataset serves the records as LookupEvents would: a record too
// deep to parse still lists with the lookup fields CloudTrail sends beside
// it (id, time, name, region, user), and keeps its parse error.
func hostileDataset(t testing.TB, records map[string]string, end time.Time) *localtrail.Dataset {
	t.Helper()
	var evs []model.Event
	for id, raw := range records {
		e, err := model.FromRecord(raw)
		if err != nil {
			if id != hostileDeep {
				t.Fatalf("record %s: %v", id, err)
			}
			e.ID, e.Time, e.Name, e.Region, e.Username = id, end.Add(-3*time.Minute), "PutObject", "eu-west-1", "mallory"
			e.Source = "s3.amazonaws.com"
		}
		evs = append(evs, e)
	}
	return localtrail.NewDataset(evs)
}

// firstTerminalHazard returns the offset and description of the first thing
// in out a terminal could act on, or -1: any C0 control but newline, DEL,
// a C1 control, a bidi override or isolate, invalid UTF-8.
func firstTerminalHazard(out string) (int, string) {
	for i := 0; i < len(out); {
		r, n := utf8.DecodeRuneInString(out[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			return i, "invalid UTF-8"
		case r < 0x20 && r != '\n', r == 0x7f, r >= 0x80 && r < 0xa0:
			return i, fmt.Sprintf("control %U", r)
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f:
			return i, fmt.Sprintf("bidi control %U", r)
		}
		i += n
	}
	return -1, ""
}

func printHostile(t *testing.T, ds *localtrail.Dataset, end time.Time, format string) string {
	t.Helper()
	args := []string{"--until", end.Format(time.RFC3339), "--since", "1d", "--rate", "1000", "--print", format}
	o, err := parseArgs(args, &bytes.Buffer{}, end)
	if err != nil {
		t.Fatal(err)
	}
	src, _ := localSource(t, o, ds, "hostile", nil)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second) // bounds a hang, asserts nothing
	defer cancel()
	var out, stderr bytes.Buffer
	if code := runPrint(ctx, o, src, &out, &stderr); code != exitOK || stderr.Len() > 0 {
		t.Fatalf("--print %s: exit %d, stderr %q", format, code, stderr.String())
	}
	if i, what := firstTerminalHazard(out.String()); i >= 0 {
		t.Fatalf("--print %s writes %s at byte %d: %q", format, what, i, out.String()[max(i-30, 0):min(i+30, out.Len())])
	}
	if i, what := firstTerminalHazard(stderr.String()); i >= 0 {
		t.Fatalf("--print %s writes %s to stderr", format, what)
	}
	return out.String()
}

// sameRecord checks that a printed record decodes to what the original
// record holds: escaping changed how it is written, not what it says.
func sameRecord(t *testing.T, printed json.RawMessage, records map[string]string) string {
	t.Helper()
	var head struct {
		EventID string `json:"eventID"`
	}
	if json.Unmarshal(printed, &head) == nil && string(printed) == records[head.EventID] {
		return head.EventID // written exactly as received: nothing needed escaping
	}
	var got map[string]any
	if err := json.Unmarshal(printed, &got); err != nil {
		t.Fatalf("printed record is not JSON: %v", err)
	}
	if wrapped, ok := got["rawCloudTrailEvent"].(string); ok {
		// Too deep for any JSON reader: carried whole as a string.
		id, _ := got["eventID"].(string)
		if id != hostileDeep || wrapped != records[id] || got["lazytrailParseError"] == "" {
			t.Errorf("record %s was wrapped, or wrapped wrongly", id)
		}
		return id
	}
	id, _ := got["eventID"].(string)
	var want map[string]any
	if err := json.Unmarshal([]byte(records[id]), &want); err != nil {
		t.Fatalf("record %s: %v", id, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("record %s does not decode back to the original", id)
	}
	return id
}

// Hostile records through the endpoint and the SDK, in every --print
// format: no byte a terminal acts on, and jsonl/json still decode to the
// original strings.
func TestHostileRecordsInEveryPrintFormat(t *testing.T) {
	end := faultEnd
	records := hostileRecords(end)
	ds := hostileDataset(t, records, end)
	// The 50,000 resources cost seconds per run under -race: jsonl and csv
	// (which lists every resource) carry them; json and table, whose
	// writers share jsonl's and csv's escaping, go without.
	lean := maps.Clone(records)
	delete(lean, hostileResources)
	leanDS := hostileDataset(t, lean, end)

	t.Run("jsonl", func(t *testing.T) {
		out := printHostile(t, ds, end, "jsonl")
		seen := map[string]bool{}
		for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			seen[sameRecord(t, json.RawMessage(line), records)] = true
		}
		if len(seen) != len(records) {
			t.Errorf("printed %d records, want %d", len(seen), len(records))
		}
		if !strings.Contains(out, `\u001b]0;PWNED\u0007`) {
			t.Error("the escapes should be in the output, as JSON escapes")
		}
	})
	t.Run("json", func(t *testing.T) {
		var all []json.RawMessage
		if err := json.Unmarshal([]byte(printHostile(t, leanDS, end, "json")), &all); err != nil {
			t.Fatalf("not a JSON array: %v", err)
		}
		for _, rec := range all {
			sameRecord(t, rec, lean)
		}
		if len(all) != len(lean) {
			t.Errorf("printed %d records, want %d", len(all), len(lean))
		}
	})
	t.Run("csv", func(t *testing.T) {
		rows, err := csv.NewReader(strings.NewReader(printHostile(t, ds, end, "csv"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(records)+1 {
			t.Fatalf("%d rows, want a header and %d", len(rows), len(records))
		}
		for _, row := range rows[1:] {
			switch row[9] {
			case hostileEveryField:
				if !strings.Contains(row[3], `\x1b]0;PWNED\a`) && !strings.Contains(row[3], `\x1b]0;PWNED`) {
					t.Errorf("the user column should show the escape, escaped: %q", row[3])
				}
			case hostileResources:
				if n := len(strings.Fields(row[5])); n != 50000 {
					t.Errorf("the resources column lists %d names, want 50000", n)
				}
			}
		}
	})
	t.Run("table", func(t *testing.T) {
		out := printHostile(t, leanDS, end, "table")
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != len(lean)+1 {
			t.Fatalf("%d lines, want a header and one row per record (%d):\n%.2000s", len(lines), len(lean), out)
		}
		for _, l := range lines {
			if len(l) > 400 {
				t.Errorf("a table row is %d bytes: a field was not cut", len(l))
			}
		}
	})
}

// writeHostileFile writes the records as JSON lines, with a last record
// holding raw bytes no JSON transport would carry (invalid UTF-8, and C1 and
// bidi controls written as themselves), which only --records can deliver.
// The deep record nests a little less than hostileDepth: Go's JSON reader
// stops at 10,000 levels, and a file with such a record is refused whole
// (see TestRecordsFileTooDeepIsOneLine).
func writeHostileFile(t *testing.T, records map[string]string, depth int) string {
	t.Helper()
	var b bytes.Buffer
	for id, raw := range records {
		if id == hostileDeep {
			raw = strings.Replace(raw, strings.Repeat(`{"k":`, hostileDepth), strings.Repeat(`{"k":`, depth), 1)
			raw = strings.Replace(raw, strings.Repeat("}", hostileDepth), strings.Repeat("}", depth), 1)
		}
		b.WriteString(raw)
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, `{"eventVersion":"1.08","eventID":"0000raw0-0000-4000-8000-000000000001","eventTime":%q,`+
		`"eventName":"GetObject","eventSource":"s3.amazonaws.com","awsRegion":"eu-west-1","eventType":"AwsApiCall",`+
		`"userAgent":"raw `+"\xff\xfe \u009b2J \u009d0;PWNED\u009c \u202e"+`","userIdentity":{"type":"IAMUser","userName":"raw-`+"\xff-\u202e"+`"}}`+"\n",
		faultEnd.Add(-30*time.Minute).Format(time.RFC3339))
	path := t.TempDir() + "/hostile.jsonl"
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// screenIntact checks the layout survived: as many lines as the terminal
// has rows, none wider than it, the status bar on top.
func screenIntact(t *testing.T, s *tmuxSession, width, height int, when string) string {
	t.Helper()
	screen := strings.TrimSuffix(s.screen(), "\n")
	lines := strings.Split(screen, "\n")
	if len(lines) != height {
		t.Errorf("%s: %d lines on a %d-row screen:\n%s", when, len(lines), height, screen)
	}
	for i, l := range lines {
		if n := utf8.RuneCountInString(l); n > width {
			t.Errorf("%s: line %d is %d cells wide: %q", when, i, n, l)
		}
	}
	if !strings.Contains(lines[0], "lazytrail records") {
		t.Errorf("%s: the status bar is gone:\n%s", when, screen)
	}
	if strings.Contains(screen, "PWNED\n") || strings.Contains(screen, "\x1b") {
		t.Errorf("%s: raw escape output on screen:\n%s", when, screen)
	}
	return screen
}

// The real binary in tmux over a file of hostile records: the screen keeps
// its layout through list, detail and JSON (wrapped and not), the pane
// title is untouched, OSC 52 creates no paste buffer even with tmux's
// clipboard on, nothing hangs, and the JSON pane shows the escapes escaped.
// A shell in the same tmux server then proves that a raw write would have
// been caught.
func TestTmuxHostileRecords(t *testing.T) {
	const width, height = 160, 48
	bin := buildBinary(t)
	file := writeHostileFile(t, hostileRecords(faultEnd), hostileDepth-100)
	// The program waits for Enter so tmux's options are set before it draws.
	s := startTmux(t, width, height, []string{"TERM=xterm-256color"}, "read _;", "exec", bin, "--records", file)
	s.tmux("set-option", "-s", "set-clipboard", "on")
	s.keys("Enter")

	s.waitFor("the records", func(sc string) bool { return len(listRow.FindAllString(sc, -1)) >= 10 })
	// lazytrail names its own window; event data must never rename it.
	title := s.value("#{pane_title}")
	if title != "lazytrail" {
		t.Errorf("the pane title is %q, want lazytrail's own", title)
	}
	steps := []struct {
		keys []string
		what string
		see  string
	}{
		{nil, "every field hostile", `PWNED`},
		{[]string{"j"}, "the 1 MB user agent", "Mozilla/5.0"},
		{[]string{"j"}, "the deep request parameters", `"k"`},
		{[]string{"j"}, "50,000 resources", "bucket-00000"},
		{[]string{"j"}, "a plain record", "mallory"},
		{[]string{"G"}, "raw bytes from the file", "raw"},
		{[]string{"g", "Tab", "Tab"}, "the JSON pane of the hostile record", `"eventID": "` + hostileEveryField},
		{[]string{"w"}, "the JSON pane with wrap toggled", `wrap o`},
		{[]string{"G"}, "the end of the JSON pane", `"userName": "malloryx`},
		// Tab, not esc, back to the list: an esc followed at once by a key reads as alt+key.
		{[]string{"Tab", "j", "j", "Tab", "Tab", "G"}, "the end of the deep JSON", `"userName": "mallory"`},
		{[]string{"Tab", "R"}, "the source panel", "SOURCES"},
		{[]string{"R", "?"}, "the help", "fresh query"},
		{[]string{"?", "g", "Tab", "Tab"}, "the hostile record's JSON again", `"eventID": "` + hostileEveryField},
	}
	for _, st := range steps {
		if len(st.keys) > 0 {
			s.keys(st.keys...)
		}
		s.waitFor(st.what, contains(st.see))
		screenIntact(t, s, width, height, st.what)
		if got := s.value("#{pane_title}"); got != title {
			t.Fatalf("after %s the pane title is %q, was %q", st.what, got, title)
		}
	}
	json := s.screen()
	if !strings.Contains(json, `\u001b`) && !strings.Contains(json, `\x1b`) {
		t.Errorf("the JSON pane should show the escape as text:\n%s", json)
	}
	if bufs := strings.TrimSpace(s.tmux("list-buffers")); bufs != "" {
		t.Errorf("OSC 52 reached tmux's clipboard: %s", bufs)
	}
	s.keys("q")
	s.waitFor("the program to exit", func(string) bool { return s.value("#{pane_dead}") == "1" })

	// The control: the same writes from a shell in a tmux server set up alike do
	// set the title and fill a buffer, so the checks above can fail.
	t.Run("control", func(t *testing.T) {
		// A server of its own, so it takes the same clipboard setting
		// before the shell writes (the writes wait for a key).
		c := startTmux(t, 80, 24, nil, `read _; printf '\033]2;PWNED\033\\\033]52;c;cHduZWQ=\007'; read _`)
		c.tmux("set-option", "-s", "set-clipboard", "on")
		c.keys("Enter")
		deadline := time.Now().Add(10 * time.Second) // bounds a broken run only
		for c.value("#{pane_title}") != "PWNED" && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if got := c.value("#{pane_title}"); got != "PWNED" {
			t.Errorf("a raw OSC 2 did not set the title (%q): the title check proves nothing", got)
		}
		if strings.TrimSpace(c.tmux("list-buffers")) == "" {
			t.Errorf("a raw OSC 52 made no buffer: the clipboard check proves nothing")
		}
	})
}

// A record nested deeper than Go's JSON reader goes (10,000 levels) in a
// --records file: skipped with one line naming the file and why, then one
// line saying nothing could be read; no stack trace, no hang.
func TestRecordsFileTooDeepIsOneLine(t *testing.T) {
	path := t.TempDir() + "/deep.jsonl"
	if err := os.WriteFile(path, []byte(hostileRecords(faultEnd)[hostileDeep]+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, stderr bytes.Buffer
	code := run(context.Background(), []string{"--records", path, "--print", "jsonl"}, &out, &stderr)
	lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
	if code != exitFailed || len(lines) != 2 || !strings.Contains(lines[0], path) || !strings.Contains(lines[0], "depth") ||
		!strings.Contains(lines[1], "nothing could be read") || strings.Contains(stderr.String(), "goroutine") {
		t.Errorf("exit %d, stderr %q: want exit %d, one line naming the file and why, one saying nothing was read", code, stderr.String(), exitFailed)
	}
	if out.Len() > 0 {
		t.Errorf("nothing should be printed, got %.200q", out.String())
	}
	t.Logf("%s", lines[0])
}
