package devtenant_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

// wantClear4xx checks a 4xx that says why: error_description or message in
// JSON, an error paragraph in HTML.
func wantClear4xx(t *testing.T, what string, r response) {
	t.Helper()
	if r.status < 400 || r.status >= 500 {
		t.Errorf("%s: %d, want 4xx; %.200s", what, r.status, r.body)
		return
	}
	if r.str("error_description") == "" && r.str("message") == "" && !strings.Contains(string(r.body), `id="error"`) {
		t.Errorf("%s: %d without a description: %.300s", what, r.status, r.body)
	}
}

// Bad input to the endpoints and states this work added (brute force,
// user-blocks, login CSRF, activation, PKCE) is a 4xx with a description,
// never a 500 or a panic.
func TestBadInputHardenedEndpoints(t *testing.T) {
	e := newEnv(t)
	m2m := e.m2m(t, e.ManagementAudience())
	for _, p := range []string{"user-blocks/%00", "user-blocks/" + strings.Repeat("x", 5000), "user-blocks?identifier=", "user-blocks?identifier=%ff%fe",
		"user-blocks?identifier=" + url.QueryEscape("a@b.c"), "user-blocks/auth0%7C"} {
		for _, m := range []string{"GET", "DELETE"} {
			wantClear4xx(t, m+" "+p, e.mgmtDo(t, m, p, "", m2m))
		}
	}
	wantClear4xx(t, "user-blocks without a token", e.mgmtDo(t, "GET", "user-blocks/x", "", ""))
	wantClear4xx(t, "user-blocks with a read-only token", e.mgmtDo(t, "DELETE", "user-blocks?identifier=a", "", e.m2m(t, devtenant.Audience)))
	wantClear4xx(t, "PATCH blocked not a bool", e.mgmtDo(t, "PATCH", "users/"+url.PathEscape(devtenant.Bob.ID), `{"blocked":"yes"}`, m2m))

	// auth0-forwarded-for: junk from a trusted client falls back to the peer.
	for _, ip := range []string{"not-an-ip", strings.Repeat("9", 5000), "1.2.3.4, 5.6.7.8", "::ffff:1.2.3.4%eth0", "fe80::1%25lo"} {
		if r := e.regular(t, ip, devtenant.Alice.Email, "wrong"); r.status != 403 {
			t.Errorf("forwarded-for %.20q: %d %s", ip, r.status, r.body)
		}
	}
	wantStatus(t, e.regular(t, "not-an-ip", devtenant.Alice.Email, devtenant.Alice.Password), 200)

	// Login form posts with broken cookies and origins.
	b := e.browser(t)
	page := b.get(t, e.authorizeURL("response_type", "token"))
	state := formState(t, page.body)
	for _, origin := range []string{"%%%", "http://[::1", strings.Repeat("o", 10000)} {
		wantClear4xx(t, "u/login Origin "+origin[:min(len(origin), 10)], b.postFormOrigin(t, e.url+"u/login", origin,
			url.Values{"state": {state}, "username": {devtenant.Alice.Email}, "password": {devtenant.Alice.Password}}))
	}
	for _, ck := range []string{"", "x", strings.Repeat("y", 4000), "%00"} {
		req, _ := http.NewRequest("POST", e.url+"u/login", strings.NewReader(url.Values{"state": {state}, "username": {"a"}, "password": {"b"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Cookie", "devtenant_browser="+ck)
		wantClear4xx(t, "u/login cookie "+ck[:min(len(ck), 5)], do(t, nil, req))
	}

	// Activation: garbage in each step.
	d := e.deviceCode(t)
	ab := e.browser(t)
	ap := ab.get(t, d.str("verification_uri"))
	for _, code := range []string{"", "<script>", strings.Repeat("B", 5000), "BBBB-BBBB-BBBB", "\u00e9\u00e9\u00e9\u00e9-\u00e9\u00e9\u00e9\u00e9"} {
		wantClear4xx(t, "activate code "+code[:min(len(code), 8)], ab.postForm(t, e.url+"activate", url.Values{"state": {formState(t, ap.body)}, "user_code": {code}}))
		ap = ab.get(t, d.str("verification_uri"))
	}
	confirm := ab.postForm(t, e.url+"activate", url.Values{"state": {formState(t, ap.body)}, "user_code": {d.str("user_code")},
		"username": {devtenant.Alice.Email}, "password": {devtenant.Alice.Password}})
	wantStatus(t, confirm, 200)
	for _, action := range []string{"", "CONFIRM", strings.Repeat("a", 3000)} {
		wantClear4xx(t, "activate action "+action[:min(len(action), 8)], ab.postForm(t, e.url+"activate", url.Values{"state": {formState(t, confirm.body)}, "action": {action}}))
	}
	wantClear4xx(t, "activate without state", ab.postForm(t, e.url+"activate", url.Values{"action": {"confirm"}}))

	// PKCE parameters.
	for _, kv := range [][]string{
		{"code_challenge", strings.Repeat("a", 129), "code_challenge_method", "S256"},
		{"code_challenge", strings.Repeat("\u00e9", 30), "code_challenge_method", "S256"},
		{"code_challenge", strings.Repeat("a", 43), "code_challenge_method", strings.Repeat("m", 500)},
		{"code_challenge_method", "S256"},
	} {
		q := e.authorizeError(t, append([]string{"response_type", "code"}, kv...)...)
		if q.Get("error") == "" || q.Get("error_description") == "" {
			t.Errorf("authorize %v: %v", kv, q)
		}
	}
	verifier := strings.Repeat("v", 50)
	_, code := e.codeFlow(t, "response_type", "code", "code_challenge", pkce(verifier), "code_challenge_method", "S256")
	wantClear4xx(t, "huge verifier", e.exchange(t, devtenant.SPAClient.ID, "", code, strings.Repeat("v", 100000)))
}
