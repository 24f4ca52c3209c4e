package auth0gin

import (
	"encoding/base64"
	"strings"
	"testing"
)

// canonicalByDecoding is canonicalJWS the slow, obvious way: three segments,
// each decoding strictly and encoding back to itself.
func canonicalByDecoding(token string) bool {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		b, err := base64.RawURLEncoding.Strict().DecodeString(p)
		if err != nil || base64.RawURLEncoding.EncodeToString(b) != p {
			return false
		}
	}
	return true
}

// lenientDecodes reports whether every segment of s decodes with Go's
// non-strict base64url decoder (which ignores pad bits), as go-jose does.
func lenientDecodes(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if _, err := base64.RawURLEncoding.DecodeString(p); err != nil {
			return false
		}
	}
	return true
}

// b64tokenOnly reports whether s holds only RFC 6750 b64token characters,
// which is all a bearer token may hold.
func b64tokenOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~+/=", rune(s[i])) {
			return false
		}
	}
	return true
}

// FuzzCanonicalJWS checks canonicalJWS against decoding and re-encoding.
//
//	go test -run '^$' -fuzz FuzzCanonicalJWS -fuzztime 5m ./auth0gin/
func FuzzCanonicalJWS(f *testing.F) {
	for _, s := range []string{
		"", "..", "a.b.c", "eyJ.eyJ.sig", "QQ.QQ.QQ", "QR.QQ.QQ", "QUE.QUE.QUE", "QUF.QUE.QUE",
		"QQ==.QQ.QQ", "QUFB.QUFB.QUFB", "Q.QQ.QQ", "a+b.c/d.e", "a.b.c.d", "QQ.QQ.QQ\n", "QQ.QQ\r.QQ",
		"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, want := canonicalJWS(s), canonicalByDecoding(s)
		if got != want {
			t.Fatalf("canonicalJWS(%q) = %v, decoding says %v", s, got, want)
		}
		if got && !canonicalShape(s) {
			t.Fatalf("canonicalShape refuses the canonical %q", s)
		}
		// What canonicalShape lets through and canonicalJWS refuses is no
		// token any version of Verify could have cached: those held only
		// RFC 6750 b64token characters and decoded leniently (go-jose).
		if canonicalShape(s) && !got && b64tokenOnly(s) && lenientDecodes(s) {
			t.Fatalf("canonicalShape lets through %q, another spelling of a decodable token", s)
		}
	})
}
