package devtenant

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"net/url"
)

// grantAuthorizationCode exchanges a code from /authorize, once, checking the
// redirect_uri and the PKCE code_verifier.
func (t *Tenant) grantAuthorizationCode(r *http.Request, p url.Values) (tokenResponse, *tokenError) {
	c, terr := t.authenticateClient(r, p, GrantAuthorizationCode)
	if terr != nil {
		return tokenResponse{}, terr
	}
	code := p.Get("code")
	if code == "" {
		return tokenResponse{}, errInvalidRequest("Missing required parameter: code")
	}
	h := hashToken(code)
	t.mu.Lock()
	ac := t.codes[h]
	delete(t.codes, h) // single use, even when the exchange fails
	t.mu.Unlock()
	if ac == nil || !t.now().Before(ac.expires) || ac.clientID != c.ID {
		return tokenResponse{}, errInvalidGrant("Invalid authorization code")
	}
	if p.Get("redirect_uri") != ac.redirectURI {
		return tokenResponse{}, errInvalidGrant("Invalid redirect_uri: it must be the one sent to /authorize")
	}
	if ac.challenge != "" && !pkceOK(ac.method, ac.challenge, p.Get("code_verifier")) {
		return tokenResponse{}, errInvalidGrant("Failed to verify code verifier")
	}
	u, ok := t.user(ac.userID)
	if !ok {
		return tokenResponse{}, errInvalidGrant("Invalid authorization code")
	}
	return t.issueForUser(c, u, ac.audience, ac.scopes, ac.nonce, "")
}

// pkceOK checks a code_verifier against its challenge (RFC 7636 §4.6).
func pkceOK(method, challenge, verifier string) bool {
	if verifier == "" {
		return false
	}
	want := verifier
	if method == "S256" {
		sum := sha256.Sum256([]byte(verifier))
		want = b64(sum[:])
	}
	return subtle.ConstantTimeCompare([]byte(want), []byte(challenge)) == 1
}
