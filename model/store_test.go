package model

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// storeSamples are events read back from the store must equal: the shared
// dataset's records, synthetic ones, and hand-made events that use every
// field and every encoding (zoned, fractional and zero times, tristates,
// twins, values absent from raw, long values, invalid UTF-8).
func storeSamples(t *testing.T) []Event {
	t.Helper()
	var evs []Event
	if dir := datasetDirOrEmpty(); dir != "" {
		files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var raws []json.RawMessage
			if err := json.Unmarshal(b, &raws); err != nil {
				t.Fatal(err)
			}
			for _, raw := range raws {
				e, _ := FromRecord(string(raw))
				evs = append(evs, e)
			}
		}
	}
	s := newSynth(3)
	for range 3000 {
		e, err := FromRecord(s.record())
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, e)
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		paris = time.FixedZone("CET", 3600)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	text := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		return string(b)
	}
	for i := range 500 {
		raw := fmt.Sprintf(`{"eventID":"hand-%d","x":%q}`, i, text(rng.IntN(40)))
		e := Event{
			ID: fmt.Sprintf("hand-%d", i), Raw: raw, Name: "Name" + text(i%3), Source: "s", Region: "r",
			Account: "111122223333", Username: text(rng.IntN(12)), AccessKeyID: "AKIA" + text(i%5),
			ReadOnly: Tristate(i % 3), ErrorCode: text(i % 4), ErrorMessage: text(rng.IntN(300)),
			SourceIP: "10.0.0.1", UserAgent: strings.Repeat("agent ", i%7), EventType: "AwsApiCall",
			Origin: "s3://bucket/key" + fmt.Sprint(i%4), ParseError: []string{"", "bad record"}[i%2],
			Identity: Identity{Type: "AssumedRole", ARN: "arn:aws:sts::111122223333:assumed-role/r/" + text(i%9),
				AccountID: []string{"111122223333", "444455556666", ""}[i%3], PrincipalID: raw[2:12],
				UserName: text(i % 6), AccessKeyID: []string{"", "AKIA", "AKIA" + text(i%5)}[i%3], InvokedBy: "x",
				SessionIssuerType: "Role", SessionIssuerName: "r", SessionIssuerARN: "arn:aws:iam::1:role/r",
				MFAAuthenticated: Tristate((i + 1) % 3), SourceIdentity: text(i % 2), IdentityProvider: "idp" + text(i%2),
				OnBehalfOfUserID: text(i % 3)},
		}
		switch i % 5 {
		case 0:
			e.Time = time.Date(2026, 10, 1, 0, 0, i, 0, time.UTC)
		case 1:
			e.Time = time.Date(2026, 10, 1, 0, 0, i, 123456789, time.UTC)
		case 2:
			e.Time = time.Date(2026, 10, 1, 0, 0, i, 5, paris)
		case 3:
			e.Time = time.Date(1969, 1, 1, 0, 0, i, 999, time.UTC) // before the epoch
		}
		for k := range i % 4 {
			e.Resources = append(e.Resources, Resource{Type: "AWS::" + text(k), Name: text(rng.IntN(100))})
		}
		evs = append(evs, e)
		if i%50 == 0 { // a twin: the same id with another record
			twin := e
			twin.Raw += " "
			evs = append(evs, twin)
		}
	}
	evs = append(evs, Event{}, Event{Raw: strings.Repeat("r", arenaChunk+10), ID: "huge"})
	return evs
}

// datasetDirOrEmpty is datasetDir without skipping.
func datasetDirOrEmpty() string {
	dir, _ := filepath.Abs(filepath.Join("..", "..", "shared", "datasets", "stratus-red-team"))
	if _, err := os.Stat(dir); err != nil {
		return ""
	}
	return dir
}

// TestStoreReadsBackWhatWasAdded: every event, read back by At, by a
// Snapshot and through WithNewer, equals the one added.
func TestStoreReadsBackWhatWasAdded(t *testing.T) {
	evs := storeSamples(t)
	tl := NewTimeline()
	for from := 0; from < len(evs); from += 97 {
		tl.Add(evs[from:min(from+97, len(evs))])
	}
	if tl.Len() != len(evs) {
		t.Fatalf("loaded %d of %d events", tl.Len(), len(evs))
	}
	snap := tl.Snapshot()
	check := func(how string, got *Event, want *Event) {
		t.Helper()
		if !reflect.DeepEqual(*got, *want) {
			t.Fatalf("%s: read back\n%+v\nwant\n%+v", how, *got, *want)
		}
	}
	for i := range evs {
		check(fmt.Sprint("At ", i), tl.At(i), &evs[i])
		check(fmt.Sprint("Snapshot.At ", i), snap.At(i), &evs[i])
		if snap.Raw(i) != evs[i].Raw {
			t.Fatalf("Snapshot.Raw(%d) differs", i)
		}
		if i < len(evs)-1 && !tl.Contains(evs[i].ID) && evs[i].ID != "" {
			t.Fatalf("Contains(%q) false", evs[i].ID)
		}
	}
	newer := []Event{{ID: "newest", Raw: `{"eventID":"newest"}`, Time: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}}
	w := tl.WithNewer(newer)
	if w.Len() != len(evs)+1 || w.Twins() != tl.Twins() {
		t.Fatalf("WithNewer: %d events, %d twins; want %d, %d", w.Len(), w.Twins(), len(evs)+1, tl.Twins())
	}
	tl.Release()
	check("WithNewer 0", w.At(0), &newer[0])
	for i := range evs {
		check(fmt.Sprint("WithNewer ", i+1), w.At(i+1), &evs[i])
	}
	w.Release()
}

// TestStoreKeepsNothingOfTheCaller: Add copies, so the caller may reuse
// its events (as WithNewer's batches do).
func TestStoreKeepsNothingOfTheCaller(t *testing.T) {
	raw := []byte(`{"eventID":"a","x":"arn:aws:s3:::bucket"}`)
	e := Event{ID: string(raw[13:14]), Raw: string(raw), Resources: []Resource{{Type: "AWS::S3::Bucket", Name: "arn:aws:s3:::bucket"}}}
	want := e
	want.Resources = []Resource{{Type: "AWS::S3::Bucket", Name: "arn:aws:s3:::bucket"}}
	tl := NewTimeline()
	tl.Add([]Event{e})
	e.Resources[0].Name = "changed"
	if got := tl.At(0); !reflect.DeepEqual(*got, want) {
		t.Errorf("read back %+v, want %+v", *got, want)
	}
}

// TestStoreReleaseKeepsWhatWasHandedOut: events and raw records returned
// before Release stay readable after it (they are copies; reading memory
// given back to the system would crash the test), a Snapshot taken before
// stays readable until it is dropped, and then the memory goes back.
func TestStoreReleaseKeepsWhatWasHandedOut(t *testing.T) {
	evs := storeSamples(t)
	tl := NewTimeline()
	tl.Add(evs)
	a := tl.st.arena
	mapped := arenaBytes.Load()
	held := make([]*Event, len(evs))
	for i := range evs {
		held[i] = tl.At(i)
	}
	snap := tl.Snapshot()
	raw := snap.Raw(1)
	tl.Release()
	if tl.Len() != 0 || tl.Contains(evs[0].ID) {
		t.Fatal("a released timeline still holds events")
	}
	if a.refs.Load() != 1 || arenaBytes.Load() != mapped {
		t.Fatalf("released while a snapshot is held: refs %d", a.refs.Load())
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // a search still reading the snapshot
		defer wg.Done()
		for i := range snap.Len() {
			if snap.Raw(i) != evs[i].Raw {
				t.Errorf("snapshot after Release: raw %d differs", i)
				return
			}
		}
	}()
	wg.Wait()
	runtime.KeepAlive(snap)
	snap = Snapshot{}
	for i := 0; i < 50 && arenaBytes.Load() > mapped-arenaChunk; i++ {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if a.refs.Load() != 0 || arenaBytes.Load() > mapped-arenaChunk {
		t.Fatalf("the dropped snapshot still holds the arena: refs %d, %d bytes of %d", a.refs.Load(), arenaBytes.Load(), mapped)
	}
	for i := range evs {
		if !reflect.DeepEqual(*held[i], evs[i]) {
			t.Fatalf("event %d handed out before Release changed", i)
		}
	}
	if raw != evs[1].Raw {
		t.Fatal("a raw record handed out before Release changed")
	}
	tl.Add(evs[:3]) // a released timeline is an empty one
	if tl.Len() != 3 || tl.At(2).ID != evs[2].ID {
		t.Fatal("a released timeline does not load again")
	}
}

// TestStoreSnapshotWhileReleasing: a search reads a snapshot on its
// goroutine while the owner drops the timeline (run with -race).
func TestStoreSnapshotWhileReleasing(t *testing.T) {
	evs := storeSamples(t)[:2000]
	for range 5 {
		tl := NewTimeline()
		tl.Add(evs)
		snap := tl.Snapshot()
		done := make(chan int)
		go func() {
			n := 0
			var buf []byte
			for i := range snap.Len() {
				buf = snap.AppendRaw(buf[:0], i)
				if string(buf) == evs[i].Raw && snap.At(i).ID == evs[i].ID {
					n++
				}
			}
			done <- n
		}()
		tl.Add(evs[:10])
		tl.Release()
		if n := <-done; n != len(evs) {
			t.Fatalf("read %d of %d right", n, len(evs))
		}
	}
}

// releaseTimeline gives a benchmark's timeline back.
func releaseTimeline(t *Timeline) { t.Release() }

// TestStoreHostileRecordStaysLinear: a record with 50,000 resources named
// in its raw megabytes is stored and read back whole (finding each name
// in raw would scan the megabytes 50,000 times: the search has a budget).
func TestStoreHostileRecordStaysLinear(t *testing.T) {
	var b strings.Builder
	e := Event{ID: "hostile"}
	b.WriteString(`{"eventID":"hostile","resources":[`)
	for i := range 50000 {
		name := fmt.Sprintf("arn:aws:s3:::bucket-%05d", i)
		e.Resources = append(e.Resources, Resource{Type: "AWS::S3::Bucket", Name: name})
		fmt.Fprintf(&b, `{"ARN":%q},`, name)
	}
	b.WriteString(`]}`)
	e.Raw = b.String()
	tl := NewTimeline()
	done := make(chan struct{})
	go func() {
		defer close(done)
		tl.Add([]Event{e})
	}()
	select {
	case <-done:
	case <-time.After(time.Minute): // not a timing assertion: a hang's guard
		t.Fatal("storing the hostile record did not finish")
	}
	if got := tl.At(0); !reflect.DeepEqual(*got, e) {
		t.Fatal("the hostile record does not read back")
	}
	tl.Release()
}
