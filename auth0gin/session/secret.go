package session

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// secretLen is the session secret's size: 256 bits of randomness.
const secretLen = 32

// cookieLen is the length of a cookie value: the secret in unpadded base64url.
var cookieLen = base64.RawURLEncoding.EncodedLen(secretLen)

// id is the SHA-256 of a session's secret: the only form in which the secret
// reaches the store (its keys) or memory beyond the request that carries it.
// A leaked database or log line naming an id opens no session: the hash
// cannot be turned back into the cookie.
type id [sha256.Size]byte

// String is the hex form used in store keys and invalidation messages.
func (i id) String() string { return hex.EncodeToString(i[:]) }

// newSecret returns a fresh cookie value and its id.
func newSecret() (value string, sid id) {
	var b [secretLen]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24)
	return base64.RawURLEncoding.EncodeToString(b[:]), sha256.Sum256(b[:])
}

// parseSecret returns the id of a cookie value, or false when the value
// cannot be one this package made.
func parseSecret(value string) (sid id, ok bool) {
	if len(value) != cookieLen {
		return sid, false
	}
	var b [secretLen + 1]byte // DecodedLen rounds up
	n, err := base64.RawURLEncoding.Decode(b[:], []byte(value))
	if err != nil || n != secretLen {
		return sid, false
	}
	return sha256.Sum256(b[:secretLen]), true
}

// parseID reads the hex form of an id (from an invalidation message).
func parseID(s string) (sid id, ok bool) {
	if hex.DecodedLen(len(s)) != len(sid) {
		return sid, false
	}
	_, err := hex.Decode(sid[:], []byte(s))
	return sid, err == nil
}
