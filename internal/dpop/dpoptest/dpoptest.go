// Package dpoptest builds malformed DPoP proofs for tests: any header
// (alg none, HS256, a private jwk, ...), which package dpop's minting never
// writes.
package dpoptest

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"testing"
)

// Raw is a compact JWS of header and claims (JSON-encoded), signed by sign
// over the signing input; a nil sign leaves the signature empty.
func Raw(t testing.TB, header map[string]any, claims any, sign func([]byte) []byte) string {
	t.Helper()
	h, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	c, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	in := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	var sig []byte
	if sign != nil {
		sig = sign([]byte(in))
	}
	return in + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// ES256 signs with a P-256 key as JWS ES256 does (r and s, 32 bytes each).
func ES256(t testing.TB, k *ecdsa.PrivateKey) func([]byte) []byte {
	return func(in []byte) []byte {
		sum := sha256.Sum256(in)
		r, s, err := ecdsa.Sign(rand.Reader, k, sum[:])
		if err != nil {
			t.Fatal(err)
		}
		out := make([]byte, 64)
		r.FillBytes(out[:32])
		s.FillBytes(out[32:])
		return out
	}
}
