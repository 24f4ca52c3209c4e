package auth0test

import (
	"crypto"
	"testing"

	"github.com/auth0gin/auth0gin/internal/dpop"
)

// Bound binds the token to a DPoP key (RFC 9449), as Auth0 does when the
// token request carries a proof of that key: the token's cnf.jkt is the
// key's RFC 7638 thumbprint, and the guards then want every request to come
// as `Authorization: DPoP <token>` with a fresh proof of the key (Proof).
// Any crypto.Signer a proof can be signed with will do: an ECDSA P-256 key
// (ES256), RSA (RS256) or Ed25519 (EdDSA).
//
//	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
//	token := tenant.Token(t, auth0test.Bound(key))
func Bound(key crypto.Signer) TokenOption {
	return func(o *tokenOptions) { o.bound = key }
}

// Proof makes a DPoP proof of key for one request, the value of its DPoP
// header: htm method, htu url (its query and fragment dropped), a fresh jti,
// iat now, ath the hash of accessToken when it is not empty, and the
// resource server's nonce when one is given (the DPoP-Nonce of its last
// answer; at most one). A proof is good for one request: the guards refuse
// a jti they have seen.
//
//	req.Header.Set("Authorization", "DPoP "+token)
//	req.Header.Set("DPoP", auth0test.Proof(t, key, "GET", api.URL+"/api/private", token))
func Proof(t testing.TB, key crypto.Signer, method, url, accessToken string, nonce ...string) string {
	t.Helper()
	if len(nonce) > 1 {
		t.Fatalf("auth0test: Proof takes at most one nonce, got %d", len(nonce))
	}
	p, err := dpop.NewProof(key, method, url, accessToken, firstOr(nonce, ""))
	if err != nil {
		t.Fatalf("auth0test: %v", err)
	}
	return p
}

func firstOr(s []string, def string) string {
	if len(s) > 0 {
		return s[0]
	}
	return def
}

// bind writes key's thumbprint into the token request.
func bind(t testing.TB, o *tokenOptions) {
	t.Helper()
	if o.bound == nil {
		return
	}
	jkt, err := dpop.Thumbprint(o.bound)
	if err != nil {
		t.Fatalf("auth0test: Bound: %v", err)
	}
	o.req.JKT = jkt
}
