package devtenant_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

func (b *browser) postFormOrigin(t *testing.T, rawurl, origin string, v url.Values) response {
	t.Helper()
	req, _ := http.NewRequest("POST", rawurl, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	return do(t, b.c, req)
}

// #11.3: login CSRF. An attacker gets a login transaction with no cookies
// and makes the victim's browser post the attacker's credentials; the
// victim must not end up logged in as the attacker. Before the fix the post
// succeeded and set the session cookie in the victim's browser.
func TestLoginCSRFTransactionBoundToBrowser(t *testing.T) {
	e := newEnv(t)
	attacker := e.browser(t)
	page := attacker.get(t, e.authorizeURL("response_type", "token"))
	wantStatus(t, page, 200)
	state := formState(t, page.body)

	victim := e.browser(t)
	r := victim.postForm(t, e.url+"u/login", url.Values{"state": {state}, "username": {devtenant.Bob.Email}, "password": {devtenant.Bob.Password}})
	if r.status != http.StatusForbidden || r.header.Get("Location") != "" || len(r.header.Values("Set-Cookie")) != 0 {
		t.Fatalf("victim's post of a foreign transaction: %d %v %s", r.status, r.header, r.body)
	}
	// The victim is not logged in.
	after := victim.get(t, e.authorizeURL("response_type", "token", "prompt", "none"))
	if f := fragment(t, after.header.Get("Location")); f.Get("error") != "login_required" {
		t.Fatalf("victim got logged in: %v", f)
	}
	// The victim's own cookie does not help either: a browser that has its
	// own transaction cookie still cannot use the attacker's transaction.
	victim.get(t, e.authorizeURL("response_type", "token"))
	r = victim.postForm(t, e.url+"u/login", url.Values{"state": {state}, "username": {devtenant.Bob.Email}, "password": {devtenant.Bob.Password}})
	wantStatus(t, r, http.StatusForbidden)
	// The attacker's own browser still works (the transaction survived).
	wantStatus(t, attacker.login(t, page, devtenant.Bob.Email, devtenant.Bob.Password), 302)
}

func TestLoginCSRFOrigin(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		origin string
		status int
	}{
		{"https://evil.example", http.StatusForbidden},
		{"null", http.StatusForbidden},
		{"http://127.0.0.1:1", http.StatusForbidden}, // another loopback port is another origin
		{strings.TrimSuffix(e.url, "/"), http.StatusFound},
		{"", http.StatusFound}, // no Origin: the cookie binding decides
	} {
		b := e.browser(t)
		page := b.get(t, e.authorizeURL("response_type", "token"))
		r := b.postFormOrigin(t, e.url+"u/login", tc.origin, url.Values{"state": {formState(t, page.body)},
			"username": {devtenant.Alice.Email}, "password": {devtenant.Alice.Password}})
		if r.status != tc.status {
			t.Errorf("Origin %q: %d, want %d; %s", tc.origin, r.status, tc.status, r.body)
		}
	}
}

// A browser that reached the tenant under another name (localhost for an
// issuer on 127.0.0.1) posts with that origin, which is its own.
func TestLoginOriginByHost(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t)
	local := strings.Replace(e.url, "127.0.0.1", "localhost", 1)
	page := b.get(t, strings.Replace(e.authorizeURL("response_type", "token"), e.url, local, 1))
	wantStatus(t, page, 200)
	r := b.postFormOrigin(t, local+"u/login", strings.TrimSuffix(local, "/"), url.Values{"state": {formState(t, page.body)},
		"username": {devtenant.Alice.Email}, "password": {devtenant.Alice.Password}})
	wantStatus(t, r, http.StatusFound)
	// Another port on that name is still foreign.
	page = b.get(t, strings.Replace(e.authorizeURL("response_type", "token", "prompt", "login"), e.url, local, 1))
	r = b.postFormOrigin(t, local+"u/login", "http://localhost:6060", url.Values{"state": {formState(t, page.body)},
		"username": {devtenant.Alice.Email}, "password": {devtenant.Alice.Password}})
	wantStatus(t, r, http.StatusForbidden)
}
