package localtrail

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"math"
	"time"
)

// A NextToken names the position after the last event served (its time and
// id, not an index, so it stays right whatever the page size), how many
// pages the query has served, and a digest of the region and the query's
// parameters. It is sealed with an HMAC under a per-server key, so a forged,
// tampered, foreign (another server's) or rebound (other parameters) token
// is refused with InvalidNextTokenException, as AWS does.

const tokenVersion = 1

type cursor struct {
	pages uint32 // pages served so far in this query
	time  time.Time
	id    string
}

const (
	bindingSize = 8
	macSize     = 16
	tokenFixed  = 1 + bindingSize + 4 + 8 // version, binding, pages, unix nanos
)

// binding digests what a token is bound to: the region and every parameter
// of the original request except the token itself.
func binding(region string, q *query) [bindingSize]byte {
	h := sha256.New()
	var num [8]byte
	writeString := func(s string) {
		binary.BigEndian.PutUint64(num[:], uint64(len(s)))
		h.Write(num[:])
		h.Write([]byte(s))
	}
	writeFloat := func(p *float64) {
		if p == nil {
			h.Write([]byte{0})
			return
		}
		h.Write([]byte{1})
		binary.BigEndian.PutUint64(num[:], math.Float64bits(*p))
		h.Write(num[:])
	}
	writeString(region)
	writeString(q.attrKey)
	writeString(q.attrValue)
	writeString(q.category)
	writeFloat(q.rawStart)
	writeFloat(q.rawEnd)
	writeFloat(q.rawMax)
	var out [bindingSize]byte
	copy(out[:], h.Sum(nil))
	return out
}

func (s *Server) sealToken(bind [bindingSize]byte, c cursor) string {
	b := make([]byte, 0, tokenFixed+len(c.id)+macSize)
	b = append(b, tokenVersion)
	b = append(b, bind[:]...)
	b = binary.BigEndian.AppendUint32(b, c.pages)
	b = binary.BigEndian.AppendUint64(b, uint64(c.time.UnixNano()))
	b = append(b, c.id...)
	m := hmac.New(sha256.New, s.tokenKey[:])
	m.Write(b)
	b = m.Sum(b)[:len(b)+macSize]
	return base64.RawURLEncoding.EncodeToString(b)
}

// openToken returns the cursor a token names, or false when the token was
// not issued by this server for exactly this region and these parameters.
func (s *Server) openToken(token string, bind [bindingSize]byte) (cursor, bool) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) < tokenFixed+macSize || b[0] != tokenVersion {
		return cursor{}, false
	}
	body, mac := b[:len(b)-macSize], b[len(b)-macSize:]
	m := hmac.New(sha256.New, s.tokenKey[:])
	m.Write(body)
	if !hmac.Equal(m.Sum(nil)[:macSize], mac) {
		return cursor{}, false
	}
	if !hmac.Equal(body[1:1+bindingSize], bind[:]) {
		return cursor{}, false
	}
	return cursor{
		pages: binary.BigEndian.Uint32(body[1+bindingSize:]),
		time:  time.Unix(0, int64(binary.BigEndian.Uint64(body[1+bindingSize+4:]))).UTC(),
		id:    string(body[tokenFixed:]),
	}, true
}
