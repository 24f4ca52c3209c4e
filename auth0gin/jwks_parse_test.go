package auth0gin_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	jose "gopkg.in/go-jose/go-jose.v2"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/internal/testutil"
)

// publish makes the issuer serve exactly these JWKS entries, as written.
func publish(t testing.TB, ti *testIssuer, entries ...any) {
	t.Helper()
	var keys []json.RawMessage
	for _, e := range entries {
		var b []byte
		var err error
		switch e := e.(type) {
		case string:
			b = []byte(e)
		case jose.JSONWebKey:
			b, err = e.MarshalJSON()
		}
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, b)
	}
	body, err := json.Marshal(map[string]any{"keys": keys})
	if err != nil {
		t.Fatal(err)
	}
	s := string(body)
	ti.rawJWKS.Store(&s)
}

func pub(key any, kid, alg string) jose.JSONWebKey {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		key = &k.PublicKey
	case *ecdsa.PrivateKey:
		key = &k.PublicKey
	}
	return jose.JSONWebKey{Key: key, KeyID: kid, Algorithm: alg, Use: "sig"}
}

// signWith signs the issuer's default claims (with over) with any key.
func signWith(t testing.TB, ti *testIssuer, key any, kid string, alg jose.SignatureAlgorithm, over map[string]any) string {
	t.Helper()
	payload, err := json.Marshal(mergeClaims(ti.claims(), over))
	if err != nil {
		t.Fatal(err)
	}
	return signPayload(t, key, kid, alg, payload)
}

func ecKey(t testing.TB) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Entries the core cannot use (an unknown kty or curve, a key too short) are
// skipped, each logged once, and the rest of the set works.
func TestJWKSSkipsUnusableEntries(t *testing.T) {
	ti := newTestIssuer(t)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	publish(t, ti,
		`{"kty":"foo","kid":"strange","use":"sig"}`,
		`{"kty":"OKP","crv":"X25519","kid":"dh","x":"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo"}`,
		pub(small, "short", "RS256"),
		pub(rsaKey(t, 0), "k0", "RS256"),
	)
	var logs testutil.SyncBuffer
	cfg := noCache(ti.config())
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	a := mustNew(t, cfg)
	if _, err := a.Verify(t.Context(), ti.token(t, nil)); err != nil {
		t.Fatalf("a good key beside unusable ones: %v", err)
	}
	// Refetch twice more (unknown kids): each entry is still logged once.
	for _, kid := range []string{"x1", "x2"} {
		if _, err := a.Verify(t.Context(), ti.sign(t, kid, nil)); !errors.Is(err, auth0gin.ErrUnknownKey) {
			t.Fatalf("kid %s: %v", kid, err)
		}
	}
	if _, err := a.Verify(t.Context(), signWith(t, ti, small, "short", jose.RS256, nil)); !errors.Is(err, auth0gin.ErrUnknownKey) {
		t.Errorf("a token of a 1024-bit key: %v", err)
	}
	out := logs.String()
	for _, kid := range []string{"strange", "dh", "short"} {
		if n := strings.Count(out, "kid="+kid); n != 1 {
			t.Errorf("entry %s logged %d times, want once: %s", kid, n, out)
		}
	}
}

// When several keys share a kid, each whose type fits the token's alg is
// tried: the first of two RSA keys still verifies, and an RSA and an EC key
// under one kid both verify their own tokens.
func TestJWKSDuplicateKids(t *testing.T) {
	ti := newTestIssuer(t)
	ec := ecKey(t)
	publish(t, ti,
		pub(rsaKey(t, 1), "dup", "RS256"),
		pub(rsaKey(t, 2), "dup", "RS256"),
		pub(rsaKey(t, 3), "mixed", ""),
		pub(ec, "mixed", ""),
	)
	cfg := noCache(ti.config())
	cfg.Algorithms = []string{"RS256", "ES256"}
	a := mustNew(t, cfg)
	for name, tok := range map[string]string{
		"first of two RSA keys":  signWith(t, ti, rsaKey(t, 1), "dup", jose.RS256, nil),
		"second of two RSA keys": signWith(t, ti, rsaKey(t, 2), "dup", jose.RS256, nil),
		"RS256 of [RSA, EC]":     signWith(t, ti, rsaKey(t, 3), "mixed", jose.RS256, nil),
		"ES256 of [RSA, EC]":     signWith(t, ti, ec, "mixed", jose.ES256, nil),
	} {
		if _, err := a.Verify(t.Context(), tok); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := a.Verify(t.Context(), signWith(t, ti, rsaKey(t, 4), "dup", jose.RS256, nil)); !errors.Is(err, auth0gin.ErrInvalidSignature) {
		t.Errorf("a third, unpublished key under the shared kid: %v", err)
	}
	// RS256 and RSA-PSS keys of one kid: a key pinned to one alg never
	// verifies another.
	publish(t, ti, pub(rsaKey(t, 1), "pinned", "PS256"))
	if _, err := a.Verify(t.Context(), signWith(t, ti, rsaKey(t, 1), "pinned", jose.RS256, nil)); !errors.Is(err, auth0gin.ErrAlgorithm) {
		t.Errorf("RS256 token, key pinned to PS256: %v", err)
	}
}

// The RSA floor can be raised, never lowered.
func TestRSAFloor(t *testing.T) {
	ti := newTestIssuer(t)
	cfg := ti.config()
	cfg.MinRSAKeyBits = 1024
	if _, err := auth0gin.New(cfg); !errors.Is(err, auth0gin.ErrConfig) {
		t.Errorf("a floor of 1024 bits: %v", err)
	}
	cfg.MinRSAKeyBits = 3072
	a := mustNew(t, cfg)
	if _, err := a.Verify(t.Context(), ti.token(t, nil)); err == nil {
		t.Error("a 2048-bit key passed a 3072-bit floor")
	}
	if got := mustNew(t, ti.config()).Config().MinRSAKeyBits; got != 2048 {
		t.Errorf("default floor %d, want 2048", got)
	}
}
