package devtenant

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"net/url"
)

// grantAuthorizationCode exchanges a code from /authorize, once, checking the
// redirect_uri and the PKCE code_verifier.
func (t *Tenant) grantAuthorizationCode(r *http.Request, p url.Values, jkt string) (tokenResponse, *tokenError) {
	c, terr := t.authenticateClient(r, p, grantAuthorizationCode)
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
	switch verifier := p.Get("code_verifier"); {
	case ac.challenge != "" && !pkceOK(ac.method, ac.challenge, verifier):
		return tokenResponse{}, errInvalidGrant("Failed to verify code verifier")
	case ac.challenge == "" && verifier != "":
		// RFC 9700 §2.1.1: a verifier for a code issued without a challenge
		// is a PKCE downgrade.
		return tokenResponse{}, errInvalidGrant("Failed to verify code verifier: the authorization request had no code_challenge")
	case ac.challenge == "" && c.Secret == "":
		return tokenResponse{}, errInvalidGrant("Failed to verify code verifier: a public client must use PKCE")
	}
	u, ok := t.user(ac.userID)
	if !ok {
		return tokenResponse{}, errInvalidGrant("Invalid authorization code")
	}
	return t.issueForUser(c, u, ac.audience, ac.scopes, ac.nonce, "", ac.auth, jkt)
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

// checkPKCE validates the PKCE parameters of a code-flow /authorize: a public
// client must send a challenge (RFC 9700 §2.1.1), with S256 unless
// Config.AllowPlainPKCE. It returns an OAuth error code and description, or "".
func (t *Tenant) checkPKCE(c *client, tx *authTx) (string, string) {
	if !tx.responseType["code"] {
		return "", ""
	}
	if tx.challenge == "" && tx.method == "" {
		if c.Secret == "" {
			return "invalid_request", "Parameter 'code_challenge' is required: public clients must use PKCE with code_challenge_method=S256"
		}
		return "", ""
	}
	if tx.method == "" {
		tx.method = "plain" // RFC 7636 §4.3
	}
	switch {
	case tx.method == "plain" && t.cfg.AllowPlainPKCE:
	case tx.method != "S256":
		return "invalid_request", "Unsupported code_challenge_method: " + tx.method + "; use S256"
	}
	if l := len(tx.challenge); l < 43 || l > 128 {
		return "invalid_request", "Parameter 'code_challenge' must be between 43 and 128 characters long"
	}
	if !pkceChars(tx.challenge) || (tx.method == "S256" && len(tx.challenge) != 43) {
		return "invalid_request", "Parameter 'code_challenge' is malformed: RFC 7636 characters only, and 43 base64url characters for S256"
	}
	return "", ""
}

// pkceChars reports whether s holds only RFC 7636's unreserved characters.
func pkceChars(s string) bool {
	for _, r := range s {
		ok := (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' || r == '.' || r == '_' || r == '~'
		if !ok {
			return false
		}
	}
	return true
}
