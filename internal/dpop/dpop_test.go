package dpop

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
	"time"

	jose "gopkg.in/go-jose/go-jose.v2"

	"github.com/auth0gin/auth0gin/internal/dpop/dpoptest"
)

const (
	testURL   = "https://api.example.com/orders"
	testToken = "header.payload.signature"
)

var testNow = time.Unix(1_800_000_000, 0)

func ecKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func params() Params {
	return Params{Method: "GET", URL: testURL, AccessToken: testToken, Now: testNow, Window: time.Minute}
}

func goodClaims() Claims {
	return Claims{JTI: "jti-1", HTM: "GET", HTU: testURL, IAT: testNow.Unix(), ATH: ATH(testToken)}
}

func sign(t testing.TB, key crypto.Signer, c Claims) string {
	t.Helper()
	p, err := Sign(key, c)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var (
	raw   = dpoptest.Raw
	es256 = dpoptest.ES256
)

func publicJWK(k crypto.Signer) jose.JSONWebKey { return jose.JSONWebKey{Key: k.Public()} }

func mustCheck(t *testing.T, proof string, p Params) Proof {
	t.Helper()
	got, err := Check(proof, p)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return got
}

func mustRefuse(t *testing.T, proof string, p Params, want error) {
	t.Helper()
	_, err := Check(proof, p)
	if !errors.Is(err, want) {
		t.Fatalf("Check: %v, want %v", err, want)
	}
}

func TestCheckKeys(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		key crypto.Signer
		alg string
	}{{ecKey(t), "ES256"}, {p384, "ES384"}, {rsaKey, "RS256"}, {edKey, "EdDSA"}} {
		got := mustCheck(t, sign(t, tc.key, goodClaims()), params())
		want, err := Thumbprint(tc.key)
		if err != nil {
			t.Fatal(err)
		}
		if got.Thumbprint != want || got.Algorithm != tc.alg || got.JTI != "jti-1" ||
			!got.IssuedAt.Equal(testNow) || !got.Expires.Equal(testNow.Add(time.Minute)) {
			t.Errorf("%s: got %+v, want thumbprint %s", tc.alg, got, want)
		}
	}
}

func TestCheckAlgList(t *testing.T) {
	k := ecKey(t)
	p := params()
	p.Algs = []string{"EdDSA"}
	mustRefuse(t, sign(t, k, goodClaims()), p, ErrInvalidProof)
	p.Algs = []string{"ES256"}
	mustCheck(t, sign(t, k, goodClaims()), p)
	p.Algs = []string{"HS256", "none"}
	mustRefuse(t, sign(t, k, goodClaims()), p, ErrInvalidProof)
}

// Each refusal has a twin that differs only in the field checked.
func TestCheckClaims(t *testing.T) {
	k := ecKey(t)
	for _, tc := range []struct {
		name        string
		good, bad   func(*Claims)
		paramsTwist func(*Params)
	}{
		{name: "htm", good: func(c *Claims) { c.HTM = "GET" }, bad: func(c *Claims) { c.HTM = "POST" }},
		{name: "htm case", good: func(c *Claims) {}, bad: func(c *Claims) { c.HTM = "get" }},
		{name: "htu path", good: func(c *Claims) {}, bad: func(c *Claims) { c.HTU = "https://api.example.com/other" }},
		{name: "htu port", good: func(c *Claims) { c.HTU = "https://api.example.com:443/orders" },
			bad: func(c *Claims) { c.HTU = "https://api.example.com:8443/orders" }},
		{name: "htu trailing slash", good: func(c *Claims) {}, bad: func(c *Claims) { c.HTU = testURL + "/" }},
		{name: "htu scheme", good: func(c *Claims) { c.HTU = "HTTPS://API.Example.com/orders" },
			bad: func(c *Claims) { c.HTU = "http://api.example.com/orders" }},
		{name: "htu host", good: func(c *Claims) {}, bad: func(c *Claims) { c.HTU = "https://evil.example.com/orders" }},
		{name: "htu query ignored", good: func(c *Claims) { c.HTU = testURL + "?a=1#f" },
			bad: func(c *Claims) { c.HTU = "https://api.example.com/orders/?a=1" }},
		{name: "htu not a URI", good: func(c *Claims) {}, bad: func(c *Claims) { c.HTU = "/orders" }},
		{name: "iat old", good: func(c *Claims) { c.IAT = testNow.Add(-time.Minute).Unix() },
			bad: func(c *Claims) { c.IAT = testNow.Add(-time.Minute - time.Second).Unix() }},
		{name: "iat future", good: func(c *Claims) { c.IAT = testNow.Add(time.Minute).Unix() },
			bad: func(c *Claims) { c.IAT = testNow.Add(time.Minute + time.Second).Unix() }},
		{name: "ath missing", good: func(c *Claims) {}, bad: func(c *Claims) { c.ATH = "" }},
		{name: "ath wrong", good: func(c *Claims) {}, bad: func(c *Claims) { c.ATH = ATH("another token") }},
		{name: "jti missing", good: func(c *Claims) {}, bad: func(c *Claims) { c.JTI = "" }},
		{name: "jti too long", good: func(c *Claims) { c.JTI = strings.Repeat("j", 256) },
			bad: func(c *Claims) { c.JTI = strings.Repeat("j", 257) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			good, bad := goodClaims(), goodClaims()
			tc.good(&good)
			tc.good(&bad)
			tc.bad(&bad)
			mustCheck(t, sign(t, k, good), params())
			mustRefuse(t, sign(t, k, bad), params(), ErrInvalidProof)
		})
	}
}

func TestCheckNoAccessTokenIgnoresATH(t *testing.T) {
	p := params()
	p.AccessToken = ""
	c := goodClaims()
	c.ATH = ""
	mustCheck(t, sign(t, ecKey(t), c), p)
}

func TestCheckHeaders(t *testing.T) {
	k := ecKey(t)
	pub := publicJWK(k)
	priv := jose.JSONWebKey{Key: k}
	header := func(alg, typ string, jwk any) map[string]any {
		h := map[string]any{"alg": alg, "typ": typ}
		if jwk != nil {
			h["jwk"] = jwk
		}
		return h
	}
	good := raw(t, header("ES256", Type, pub), goodClaims(), es256(t, k))
	mustCheck(t, good, params())

	secret := []byte("0123456789abcdef0123456789abcdef")
	hs256 := func(in []byte) []byte { m := hmac.New(sha256.New, secret); m.Write(in); return m.Sum(nil) }
	octJWK := jose.JSONWebKey{Key: secret}
	withCrit := header("ES256", Type, pub)
	withCrit["crit"] = []string{"exp"}
	withCrit["exp"] = 1
	for name, proof := range map[string]string{
		"typ jwt":          raw(t, header("ES256", "JWT", pub), goodClaims(), es256(t, k)),
		"typ missing":      raw(t, map[string]any{"alg": "ES256", "jwk": pub}, goodClaims(), es256(t, k)),
		"alg none":         raw(t, header("none", Type, pub), goodClaims(), nil),
		"alg HS256":        raw(t, header("HS256", Type, octJWK), goodClaims(), hs256),
		"alg HS256 EC jwk": raw(t, header("HS256", Type, pub), goodClaims(), hs256),
		"private jwk":      raw(t, header("ES256", Type, priv), goodClaims(), es256(t, k)),
		"no jwk":           raw(t, header("ES256", Type, nil), goodClaims(), es256(t, k)),
		"other key's sig":  raw(t, header("ES256", Type, pub), goodClaims(), es256(t, ecKey(t))),
		"crit":             raw(t, withCrit, goodClaims(), es256(t, k)),
		"b64":              raw(t, map[string]any{"alg": "ES256", "typ": Type, "jwk": pub, "b64": true}, goodClaims(), es256(t, k)),
		"alg mismatch":     raw(t, header("ES384", Type, pub), goodClaims(), es256(t, k)),
	} {
		t.Run(name, func(t *testing.T) { mustRefuse(t, proof, params(), ErrInvalidProof) })
	}
}

func TestCheckShape(t *testing.T) {
	good := sign(t, ecKey(t), goodClaims())
	mustCheck(t, good, params())
	pad := goodClaims()
	pad.JTI = strings.Repeat("x", 256)
	for name, proof := range map[string]string{
		"empty":         "",
		"oversized":     good + strings.Repeat("A", MaxSize-len(good)+1),
		"two parts":     good[:strings.LastIndex(good, ".")],
		"four parts":    good + ".x",
		"json form":     `{"payload":"e30","signatures":[]}`,
		"bad signature": good[:len(good)-4] + "AAAA",
		"whitespace":    good[:10] + " " + good[10:],
		"padding":       good + "=",
	} {
		t.Run(name, func(t *testing.T) { mustRefuse(t, proof, params(), ErrInvalidProof) })
	}
}

func TestCheckSmallRSA(t *testing.T) {
	k, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	mustRefuse(t, sign(t, k, goodClaims()), params(), ErrInvalidProof)
}

func TestCheckIATTypes(t *testing.T) {
	k := ecKey(t)
	pub := publicJWK(k)
	h := map[string]any{"alg": "ES256", "typ": Type, "jwk": pub}
	claims := func(iat any) map[string]any {
		return map[string]any{"jti": "j", "htm": "GET", "htu": testURL, "iat": iat, "ath": ATH(testToken)}
	}
	mustCheck(t, raw(t, h, claims(float64(testNow.Unix())+0.5), es256(t, k)), params())
	for name, iat := range map[string]any{
		"string": "1800000000", "negative": -1, "huge": 1e300, "missing": nil,
	} {
		t.Run(name, func(t *testing.T) {
			c := claims(iat)
			if iat == nil {
				delete(c, "iat")
			}
			mustRefuse(t, raw(t, h, c, es256(t, k)), params(), ErrInvalidProof)
		})
	}
}

func TestCheckNonce(t *testing.T) {
	k := ecKey(t)
	n := NewNonces([]byte("secret"), 5*time.Minute)
	p := params()
	p.Nonce = func(s string) bool { return n.Valid(s, testNow) }
	c := goodClaims()
	mustRefuse(t, sign(t, k, c), p, ErrUseNonce)
	c.Nonce = "made-up"
	mustRefuse(t, sign(t, k, c), p, ErrUseNonce)
	c.Nonce = n.Current(testNow)
	got := mustCheck(t, sign(t, k, c), p)
	if got.Nonce != c.Nonce {
		t.Errorf("Nonce = %q, want %q", got.Nonce, c.Nonce)
	}
	// A bad proof is invalid_dpop_proof even without a nonce.
	c.Nonce, c.HTM = "", "POST"
	mustRefuse(t, sign(t, k, c), p, ErrInvalidProof)
}

func TestNonces(t *testing.T) {
	slot := 5 * time.Minute
	a := NewNonces([]byte("shared"), slot)
	b := NewNonces([]byte("shared"), slot)
	other := NewNonces([]byte("other"), slot)
	t0 := time.Unix(0, 0).Add(1000 * slot)
	n := a.Current(t0)
	if n != a.Current(t0.Add(slot-1)) {
		t.Error("nonce changed within a slot")
	}
	for _, d := range []time.Duration{-slot, 0, slot, 2*slot - 1} {
		if !b.Valid(n, t0.Add(d)) {
			t.Errorf("nonce refused at %v", d)
		}
	}
	for _, d := range []time.Duration{-slot - 1, 2 * slot} {
		if b.Valid(n, t0.Add(d)) {
			t.Errorf("nonce accepted at %v", d)
		}
	}
	if other.Valid(n, t0) {
		t.Error("nonce of another secret accepted")
	}
	if a.Current(t0.Add(slot)) == n {
		t.Error("nonce did not change with the slot")
	}
}

// RFC 7638 §3.1's example.
func TestThumbprintRFC7638(t *testing.T) {
	var jwk jose.JSONWebKey
	err := jwk.UnmarshalJSON([]byte(`{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []any{jwk, &jwk, jwk.Key} {
		got, err := Thumbprint(k)
		if err != nil || got != "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs" {
			t.Errorf("Thumbprint(%T) = %q, %v", k, got, err)
		}
	}
	if _, err := Thumbprint("not a key"); err == nil {
		t.Error("Thumbprint of a string: no error")
	}
}

func TestATH(t *testing.T) {
	// RFC 9449 §7.1's example token and ath.
	if got := ATH("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"); got != "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo" {
		t.Errorf("ATH = %q", got)
	}
}

func TestNewProof(t *testing.T) {
	k := ecKey(t)
	proof, err := NewProof(k, "GET", testURL+"?page=2#top", testToken, "")
	if err != nil {
		t.Fatal(err)
	}
	p := params()
	p.Now = time.Now()
	got := mustCheck(t, proof, p)
	again, err := NewProof(k, "GET", testURL, testToken, "")
	if err != nil {
		t.Fatal(err)
	}
	if mustCheck(t, again, p).JTI == got.JTI {
		t.Error("two proofs share a jti")
	}
}

type opaqueSigner struct{ crypto.Signer }

func TestSignOpaqueSigner(t *testing.T) {
	k := ecKey(t)
	got := mustCheck(t, sign(t, opaqueSigner{k}, goodClaims()), params())
	if want, _ := Thumbprint(k); got.Thumbprint != want {
		t.Errorf("thumbprint %s, want %s", got.Thumbprint, want)
	}
}
