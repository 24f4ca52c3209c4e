package dpop

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"sync/atomic"
	"time"
)

// Nonces issues and checks resource-server nonces (RFC 9449 §9) that every
// instance sharing the secret accepts without sharing any state: a nonce is
// the HMAC-SHA256 of a time slot's number under the secret. A nonce is
// accepted in its own slot, the next one and the one before (an instance
// whose clock runs ahead), so it lives between one and two slots.
type Nonces struct {
	key  []byte
	slot time.Duration
	cur  atomic.Pointer[issued]
}

type issued struct {
	slot  int64
	nonce string
}

// NewNonces makes the nonces of secret in slots of length slot; slot must
// be positive. The secret is copied.
func NewNonces(secret []byte, slot time.Duration) *Nonces {
	if slot <= 0 {
		panic("dpop: NewNonces: slot must be positive")
	}
	return &Nonces{key: append([]byte(nil), secret...), slot: slot}
}

func (n *Nonces) slotOf(t time.Time) int64 {
	return t.UnixNano() / int64(n.slot)
}

func (n *Nonces) of(slot int64) string {
	m := hmac.New(sha256.New, n.key)
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(slot))
	m.Write([]byte("auth0gin dpop nonce\x00"))
	m.Write(b[:])
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// Current is the nonce to hand out at now, in DPoP-Nonce.
func (n *Nonces) Current(now time.Time) string {
	s := n.slotOf(now)
	if c := n.cur.Load(); c != nil && c.slot == s {
		return c.nonce
	}
	v := n.of(s)
	n.cur.Store(&issued{slot: s, nonce: v})
	return v
}

// Valid reports whether nonce was issued, by any instance with the same
// secret, in now's slot or the one before or after.
func (n *Nonces) Valid(nonce string, now time.Time) bool {
	s := n.slotOf(now)
	if hmac.Equal([]byte(nonce), []byte(n.Current(now))) {
		return true
	}
	return hmac.Equal([]byte(nonce), []byte(n.of(s-1))) || hmac.Equal([]byte(nonce), []byte(n.of(s+1)))
}
