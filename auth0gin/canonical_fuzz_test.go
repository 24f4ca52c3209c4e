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
		if got, want := canonicalJWS(s), canonicalByDecoding(s); got != want {
			t.Fatalf("canonicalJWS(%q) = %v, decoding says %v", s, got, want)
		}
	})
}
