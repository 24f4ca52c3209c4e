package devtenant_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

func (e *env) exchange(t *testing.T, clientID, secret, code, verifier string) response {
	t.Helper()
	v := url.Values{"grant_type": {"authorization_code"}, "client_id": {clientID}, "code": {code}, "redirect_uri": {callback}}
	if secret != "" {
		v.Set("client_secret", secret)
	}
	if verifier != "" {
		v.Set("code_verifier", verifier)
	}
	return e.post(t, "oauth/token", v)
}

// authorizeError opens /authorize in a fresh browser and returns the error
// of its redirect, failing when it answers anything else.
func (e *env) authorizeError(t *testing.T, kv ...string) url.Values {
	t.Helper()
	r := e.browser(t).get(t, e.authorizeURL(kv...))
	if r.status != 302 {
		t.Fatalf("%v: %d, want an error redirect; %.300s", kv, r.status, r.body)
	}
	u, _ := url.Parse(r.header.Get("Location"))
	if !strings.HasPrefix(r.header.Get("Location"), callback) {
		t.Fatalf("redirect to %q", r.header.Get("Location"))
	}
	return u.Query()
}

// #11.5: a public client must use PKCE with S256 on the code flow. Before
// the fix /authorize without a challenge issued a code that a public client
// redeemed with no verifier, and plain was accepted.
func TestPKCERequiredForPublicClients(t *testing.T) {
	e := newEnv(t)
	if q := e.authorizeError(t, "response_type", "code"); q.Get("error") != "invalid_request" || !strings.Contains(q.Get("error_description"), "code_challenge") || q.Get("state") != "xyz" {
		t.Fatalf("no challenge: %v", q)
	}
	for _, method := range []string{"plain", ""} {
		q := e.authorizeError(t, "response_type", "code", "code_challenge", strings.Repeat("p", 43), "code_challenge_method", method)
		if q.Get("error") != "invalid_request" || !strings.Contains(q.Get("error_description"), "S256") {
			t.Fatalf("method %q: %v", method, q)
		}
	}
	// An untrusted redirect_uri is still an error page, never a redirect.
	r := e.browser(t).get(t, e.authorizeURL("response_type", "code", "redirect_uri", "https://evil.example/cb"))
	if r.status != 400 || r.header.Get("Location") != "" {
		t.Fatalf("untrusted redirect: %d %q", r.status, r.header.Get("Location"))
	}
	// S256 works.
	verifier := strings.Repeat("v", 50)
	_, code := e.codeFlow(t, "response_type", "code", "code_challenge", pkce(verifier), "code_challenge_method", "S256")
	wantOAuthError(t, e.exchange(t, devtenant.SPAClient.ID, "", code, ""), 403, "invalid_grant", "")
	_, code = e.codeFlow(t, "response_type", "code", "code_challenge", pkce(verifier), "code_challenge_method", "S256")
	wantStatus(t, e.exchange(t, devtenant.SPAClient.ID, "", code, verifier), 200)
}

// plain is accepted only when configured.
func TestPKCEPlainWhenAllowed(t *testing.T) {
	e := newEnv(t, func(c *devtenant.Config) { c.AllowPlainPKCE = true })
	plain := strings.Repeat("p", 43)
	_, code := e.codeFlow(t, "response_type", "code", "code_challenge", plain, "code_challenge_method", "plain")
	wantStatus(t, e.exchange(t, devtenant.SPAClient.ID, "", code, plain), 200)
	// Without a method, RFC 7636 means plain.
	_, code = e.codeFlow(t, "response_type", "code", "code_challenge", plain)
	wantStatus(t, e.exchange(t, devtenant.SPAClient.ID, "", code, plain), 200)
	// Still no code flow without a challenge for a public client.
	if q := e.authorizeError(t, "response_type", "code"); q.Get("error") != "invalid_request" {
		t.Fatalf("no challenge: %v", q)
	}
	r := e.get(t, ".well-known/openid-configuration", "")
	if !strings.Contains(string(r.body), `"code_challenge_methods_supported":["S256","plain"]`) {
		t.Fatalf("discovery %s", r.body)
	}
	r = newEnv(t).get(t, ".well-known/openid-configuration", "")
	if !strings.Contains(string(r.body), `"code_challenge_methods_supported":["S256"]`) {
		t.Fatalf("discovery %s", r.body)
	}
}

// RFC 9700 §2.1.1: a verifier sent for a code whose /authorize had no
// challenge is a downgrade and is refused. A confidential client may use the
// code flow without PKCE.
func TestPKCEDowngradeRefused(t *testing.T) {
	e := newEnv(t, func(c *devtenant.Config) {
		c.Clients = append(c.Clients, devtenant.Client{ID: "web", Secret: "web-secret", Type: "regular_web",
			Callbacks: []string{callback}})
	})
	_, code := e.codeFlow(t, "response_type", "code", "client_id", "web")
	wantOAuthError(t, e.exchange(t, "web", "web-secret", code, strings.Repeat("v", 43)), 403, "invalid_grant", "")
	_, code = e.codeFlow(t, "response_type", "code", "client_id", "web")
	wantStatus(t, e.exchange(t, "web", "web-secret", code, ""), 200)
	// With a challenge, the confidential client must send the verifier.
	verifier := strings.Repeat("w", 60)
	_, code = e.codeFlow(t, "response_type", "code", "client_id", "web", "code_challenge", pkce(verifier), "code_challenge_method", "S256")
	wantOAuthError(t, e.exchange(t, "web", "web-secret", code, ""), 403, "invalid_grant", "")
	_, code = e.codeFlow(t, "response_type", "code", "client_id", "web", "code_challenge", pkce(verifier), "code_challenge_method", "S256")
	wantStatus(t, e.exchange(t, "web", "web-secret", code, verifier), 200)
}
