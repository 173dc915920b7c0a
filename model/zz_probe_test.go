package model

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sync"
	"testing"
)

func probeArena() *resourceIndex {
	var x resourceIndex
	for i := range 1_000_000 {
		e := Event{Resources: []Resource{{Type: "AWS::S3::Object", Name: fmt.Sprintf("arn:aws:s3:::lazytrail-benchmark-bucket-eu-west-1/logs/2026/11/object-%08d.json.gz", i)}}}
		x.add(&e)
	}
	return &x
}

var probeX *resourceIndex

func par2(b *testing.B, s []byte, f func([]byte) int) {
	for b.Loop() {
		var wg sync.WaitGroup
		h := len(s) / 2
		for _, part := range [][]byte{s[:h], s[h:]} {
			wg.Add(1)
			go func() { defer wg.Done(); f(part) }()
		}
		wg.Wait()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms")
	b.ReportMetric(float64(len(s))*float64(b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
}

func countIdx(s, p []byte, k int) int {
	n := 0
	for pos := 0; ; {
		j := index(s[pos:], p, k)
		if j < 0 {
			return n
		}
		n++
		pos += j + 1
	}
}

func zeros(x uint64) uint64 {
	y := (x & 0x7f7f7f7f7f7f7f7f) + 0x7f7f7f7f7f7f7f7f
	return ^(y | x | 0x7f7f7f7f7f7f7f7f)
}

// pair SWAR: positions where s[i]==a and s[i+1]==c
func swarPair(s []byte, a, c byte) int {
	const lo = 0x0101010101010101
	ba, bc := uint64(a)*lo, uint64(c)*lo
	n := 0
	carry := uint64(0)
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := binary.LittleEndian.Uint64(s[i:])
		ma := zeros(w ^ ba)
		mc := zeros(w ^ bc)
		m := (ma<<8 | carry) & mc // a at i-1.., c at i
		carry = ma >> 56
		if m != 0 {
			n++
		}
	}
	return n
}

func BenchmarkProbe(b *testing.B) {
	if probeX == nil {
		probeX = probeArena()
	}
	s := probeX.arena
	b.Logf("arena %d MB", len(s)>>20)
	for _, pat := range []string{"ZZZZ", "OBJECT-0000", "QQ"} {
		p := []byte(pat)
		k := probeX.anchor(p)
		b.Run("index/"+pat, func(b *testing.B) { par2(b, s, func(s []byte) int { return countIdx(s, p, k) }) })
		b.Run("bytesIndex/"+pat, func(b *testing.B) { par2(b, s, func(s []byte) int { return bytes.Index(s, p) }) })
		b.Run("swarpair/"+pat, func(b *testing.B) { par2(b, s, func(s []byte) int { return swarPair(s, p[0], p[1]) }) })
	}
	b.Run("indexbyte-absent", func(b *testing.B) { par2(b, s, func(s []byte) int { return bytes.IndexByte(s, 'q') }) })
	b.Run("count-Z", func(b *testing.B) { par2(b, s, func(s []byte) int { return bytes.Count(s, []byte{'Z'}) }) })
}
