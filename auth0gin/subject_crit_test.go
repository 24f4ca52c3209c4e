package auth0gin_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// A `sub` of only whitespace names nobody, as an empty one does.
func TestBlankSubjectIsRefused(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, ti.config())
	for _, sub := range []string{"", " ", "\t\n", "\u00a0"} {
		_, err := a.Verify(t.Context(), ti.token(t, map[string]any{"sub": sub}))
		var ae *auth0gin.AuthError
		if !errors.Is(err, auth0gin.ErrInvalidClaims) || !errors.As(err, &ae) || ae.Status != 401 {
			t.Errorf("sub %q: got %v, want a 401 auth0gin.ErrInvalidClaims", sub, err)
		}
	}
}

// signWithHeader signs the default claims under a header of our choosing
// (go-jose will not write a crit header), with the issuer's key k0.
func signWithHeader(t *testing.T, ti *testIssuer, header string) string {
	t.Helper()
	signing := b64(header) + "." + b64(ti.claims())
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, rsaKey(t, 0), crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// A validly signed token with a `crit` header is refused (RFC 7515 §4.1.11:
// we understand no extension), and the caller is told why, not that the
// signature is bad.
func TestCritHeaderIsReportedAsSuch(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, ti.config())
	if _, err := a.Verify(t.Context(), signWithHeader(t, ti, `{"alg":"RS256","kid":"k0","typ":"JWT"}`)); err != nil {
		t.Fatalf("the same token without crit: %v", err)
	}
	for _, h := range []string{
		`{"alg":"RS256","kid":"k0","typ":"JWT","crit":["exp"],"exp":1}`,
		`{"alg":"RS256","kid":"k0","typ":"JWT","crit":[]}`,
		`{"alg":"RS256","kid":"k0","typ":"JWT","crit":"b64"}`,
	} {
		_, err := a.Verify(t.Context(), signWithHeader(t, ti, h))
		var ae *auth0gin.AuthError
		if !errors.As(err, &ae) || ae.Status != 401 || errors.Is(err, auth0gin.ErrInvalidSignature) ||
			!errors.Is(err, auth0gin.ErrMalformedToken) || ae.Description != "unsupported critical header (crit)" {
			t.Errorf("%s: got %v (%+v)", h, err, ae)
		}
	}
}
