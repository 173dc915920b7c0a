package model

import (
	"strings"
	"testing"
	"unsafe"
)

// TestColumnsKeepNoPieceOfTheBlock: FromRecord shares an event's text with
// the block its file was read into, so a column dictionary that kept such
// a piece would keep the whole block alive for every distinct value (a
// million source IPs: the whole trail again, beside the store's arena).
func TestColumnsKeepNoPieceOfTheBlock(t *testing.T) {
	block := strings.Repeat("x", 1<<16) + "10.1.2.3" + "AKIAEXAMPLE" + "alice"
	lo := uintptr(unsafe.Pointer(unsafe.StringData(block)))
	hi := lo + uintptr(len(block))
	piece := func(s string) string { i := strings.Index(block, s); return block[i : i+len(s)] }
	e := Event{ID: "1", Name: "RunInstances", Raw: `{"eventID":"1"}`, SourceIP: piece("10.1.2.3"),
		AccessKeyID: piece("AKIAEXAMPLE"), Username: piece("alice")}
	tl := NewTimeline()
	tl.Add([]Event{e})
	for c := range tl.columns {
		for _, v := range tl.columns[c].values {
			if p := uintptr(unsafe.Pointer(unsafe.StringData(v))); v != "" && p >= lo && p < hi {
				t.Errorf("column %d keeps %q, a piece of the block", c, v)
			}
		}
	}
}
