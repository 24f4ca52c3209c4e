package devtenant_test

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

const callback = "http://127.0.0.1:6060/docs/oauth2-redirect.html"

// browser is a plain net/http client with a cookie jar that does not follow
// redirects, so tests see the 302s.
type browser struct {
	e *env
	c *http.Client
}

func (e *env) browser(t *testing.T) *browser { return &browser{e: e, c: noRedirect(newJar(t))} }

func (b *browser) get(t *testing.T, rawurl string) response {
	t.Helper()
	req, _ := http.NewRequest("GET", rawurl, nil)
	return do(t, b.c, req)
}

func (b *browser) postForm(t *testing.T, rawurl string, v url.Values) response {
	t.Helper()
	req, _ := http.NewRequest("POST", rawurl, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, b.c, req)
}

func (e *env) authorizeURL(kv ...string) string {
	v := url.Values{"client_id": {devtenant.SPAClient.ID}, "redirect_uri": {callback}, "state": {"xyz"},
		"audience": {devtenant.Audience}, "scope": {"openid profile email read:messages"}}
	for i := 0; i < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return e.url + "authorize?" + v.Encode()
}

// login posts the login form of page.
func (b *browser) login(t *testing.T, page response, user, pass string) response {
	t.Helper()
	html := string(page.body)
	for _, want := range []string{`<form method="post" action="u/login">`, `name="username"`, `name="password"`, `id="login"`, devtenant.Alice.Email, devtenant.Bob.Email} {
		if !strings.Contains(html, want) {
			t.Fatalf("login page lacks %s:\n%s", want, html)
		}
	}
	return b.postForm(t, b.e.url+"u/login", url.Values{"state": {formState(t, page.body)}, "username": {user}, "password": {pass}})
}

func TestImplicitFlowThroughLoginPage(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t)
	page := b.get(t, e.authorizeURL("response_type", "token id_token", "nonce", "n-0S6"))
	wantStatus(t, page, 200)

	bad := b.login(t, page, devtenant.Alice.Email, "wrong")
	if bad.status != 400 || !strings.Contains(string(bad.body), "Wrong email or password.") {
		t.Fatalf("wrong password: %d %s", bad.status, bad.body)
	}
	// The re-rendered form posts to the same endpoint and still works.
	ok := b.postForm(t, e.url+"u/login", url.Values{"state": {formState(t, bad.body)}, "username": {devtenant.Alice.Email}, "password": {devtenant.Alice.Password}})
	wantStatus(t, ok, 302)
	loc := ok.header.Get("Location")
	if !strings.HasPrefix(loc, callback+"#") {
		t.Fatalf("Location %q", loc)
	}
	f := fragment(t, loc)
	if f.Get("token_type") != "Bearer" || f.Get("expires_in") != "86400" || f.Get("state") != "xyz" || f.Get("access_token") == "" || f.Get("id_token") == "" {
		t.Fatalf("fragment %v", f)
	}
	if err := e.verify(f.Get("access_token")); err != nil {
		t.Fatal(err)
	}
	_, c := claims(t, f.Get("access_token"))
	if c["sub"] != devtenant.Alice.ID || c["scope"] != "openid profile email read:messages" || c["gty"] != nil {
		t.Errorf("access claims %v", c)
	}
	if _, idc := claims(t, f.Get("id_token")); idc["nonce"] != "n-0S6" || idc["aud"] != devtenant.SPAClient.ID {
		t.Errorf("id token %v", idc)
	}

	// The session skips the form the second time; prompt=none works too.
	again := b.get(t, e.authorizeURL("response_type", "token", "prompt", "none", "redirect_uri", "http://localhost:9999/docs/oauth2-redirect.html"))
	wantStatus(t, again, 302)
	if f := fragment(t, again.header.Get("Location")); f.Get("access_token") == "" || f.Get("id_token") != "" {
		t.Errorf("second authorize: %v", f)
	}
	// A fresh browser with prompt=none must log in.
	fresh := e.browser(t).get(t, e.authorizeURL("response_type", "token", "prompt", "none"))
	wantStatus(t, fresh, 302)
	if f := fragment(t, fresh.header.Get("Location")); f.Get("error") != "login_required" || f.Get("state") != "xyz" {
		t.Errorf("prompt=none: %v", f)
	}
	// Logout ends the session.
	lo := b.get(t, e.url+"v2/logout?client_id="+devtenant.SPAClient.ID+"&returnTo="+url.QueryEscape("http://127.0.0.1:6060/docs/index.html"))
	wantStatus(t, lo, 302)
	if lo.header.Get("Location") != "http://127.0.0.1:6060/docs/index.html" {
		t.Errorf("logout Location %q", lo.header.Get("Location"))
	}
	after := b.get(t, e.authorizeURL("response_type", "token", "prompt", "none"))
	if f := fragment(t, after.header.Get("Location")); f.Get("error") != "login_required" {
		t.Errorf("after logout: %v", f)
	}
}

func pkce(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func (e *env) codeFlow(t *testing.T, kv ...string) (b *browser, code string) {
	t.Helper()
	b = e.browser(t)
	page := b.get(t, e.authorizeURL(kv...))
	wantStatus(t, page, 200)
	r := b.login(t, page, devtenant.Alice.Email, devtenant.Alice.Password)
	wantStatus(t, r, 302)
	u, _ := url.Parse(r.header.Get("Location"))
	if got := u.Scheme + "://" + u.Host + u.Path; got != callback || u.Query().Get("state") != "xyz" || u.Query().Get("code") == "" {
		t.Fatalf("Location %q", r.header.Get("Location"))
	}
	return b, u.Query().Get("code")
}

func TestCodeFlowWithPKCE(t *testing.T) {
	e := newEnv(t)
	verifier := strings.Repeat("v", 50)
	exchange := func(code, verifier, redirect string) response {
		return e.post(t, "oauth/token", url.Values{"grant_type": {"authorization_code"}, "client_id": {devtenant.SPAClient.ID},
			"code": {code}, "code_verifier": {verifier}, "redirect_uri": {redirect}})
	}
	pk := []string{"response_type", "code", "code_challenge", pkce(verifier), "code_challenge_method", "S256", "scope", "openid offline_access read:messages"}

	_, code := e.codeFlow(t, pk...)
	wantOAuthError(t, exchange(code, "wrong-verifier-wrong-verifier-wrong-verifier-xx", callback), 403, "invalid_grant", "Failed to verify code verifier")
	// The code was consumed by the failed attempt.
	wantOAuthError(t, exchange(code, verifier, callback), 403, "invalid_grant", "Invalid authorization code")

	_, code = e.codeFlow(t, pk...)
	wantOAuthError(t, exchange(code, verifier, "http://127.0.0.1:6061/docs/oauth2-redirect.html"), 403, "invalid_grant", "")

	_, code = e.codeFlow(t, pk...)
	r := exchange(code, verifier, callback)
	wantStatus(t, r, 200)
	if r.str("refresh_token") == "" || r.str("id_token") == "" || r.str("scope") != "openid offline_access read:messages" {
		t.Errorf("tokens %s", r.body)
	}
	wantOAuthError(t, exchange(code, verifier, callback), 403, "invalid_grant", "Invalid authorization code")

	// form_post delivery.
	b := e.browser(t)
	page := b.get(t, e.authorizeURL(append(pk, "response_mode", "form_post")...))
	fp := b.login(t, page, devtenant.Alice.Email, devtenant.Alice.Password)
	wantStatus(t, fp, 200)
	html := string(fp.body)
	if !strings.Contains(html, `action="`+callback+`"`) || !strings.Contains(html, `name="state" value="xyz"`) {
		t.Fatalf("form_post page:\n%s", html)
	}
	i := strings.Index(html, `name="code" value="`)
	code = html[i+len(`name="code" value="`):]
	code = code[:strings.IndexByte(code, '"')]
	wantStatus(t, exchange(code, verifier, callback), 200)
}

func TestAuthorizeErrors(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t)
	// A bad redirect_uri or client is an error page, never a redirect.
	for _, u := range []string{
		e.authorizeURL("response_type", "token", "redirect_uri", "https://evil.example/cb"),
		e.authorizeURL("response_type", "token", "redirect_uri", "http://127.0.0.1:6060/other"),
		e.authorizeURL("response_type", "token", "redirect_uri", "http://127.0.0.1/docs/oauth2-redirect.html"),
		e.authorizeURL("response_type", "token", "client_id", "nope"),
		e.authorizeURL("response_type", "token", "client_id", ""),
	} {
		r := b.get(t, u)
		if r.status != 400 || r.header.Get("Location") != "" || !strings.Contains(r.header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: %d Location=%q", u, r.status, r.header.Get("Location"))
		}
	}
	redirectErr := func(kv ...string) url.Values {
		t.Helper()
		r := b.get(t, e.authorizeURL(kv...))
		wantStatus(t, r, 302)
		u, _ := url.Parse(r.header.Get("Location"))
		if u.Fragment != "" {
			f, _ := url.ParseQuery(u.Fragment)
			return f
		}
		return u.Query()
	}
	for _, tc := range []struct {
		kv   []string
		code string
	}{
		{[]string{"response_type", "token", "audience", "https://nope.example"}, "access_denied"},
		{[]string{"response_type", "magic"}, "unsupported_response_type"},
		{[]string{"response_type", ""}, "invalid_request"},
		{[]string{"response_type", "id_token"}, "invalid_request"}, // no nonce
		{[]string{"response_type", "code", "code_challenge", "short", "code_challenge_method", "S256"}, "invalid_request"},
		{[]string{"response_type", "code", "code_challenge", strings.Repeat("a", 43), "code_challenge_method", "S512"}, "invalid_request"},
		{[]string{"response_type", "token", "response_mode", "query"}, "invalid_request"},
		{[]string{"response_type", "code", "response_mode", "carrier-pigeon"}, "invalid_request"},
	} {
		f := redirectErr(tc.kv...)
		if f.Get("error") != tc.code || f.Get("state") != "xyz" || f.Get("error_description") == "" {
			t.Errorf("%v: %v", tc.kv, f)
		}
	}
	if f := redirectErr("response_type", "token", "audience", "https://nope.example"); f.Get("error_description") != "Service not enabled within domain: https://nope.example" {
		t.Errorf("description %q", f.Get("error_description"))
	}
	// An expired or forged login transaction is an error page.
	wantStatus(t, b.postForm(t, e.url+"u/login", url.Values{"state": {"forged"}, "username": {devtenant.Alice.Email}, "password": {devtenant.Alice.Password}}), 400)
}

func TestLogoutReturnTo(t *testing.T) {
	e := newEnv(t, func(c *devtenant.Config) {
		c.Clients = append(c.Clients, devtenant.Client{ID: "web", Type: "regular_web", Secret: "s",
			Callbacks: []string{"https://app.example/callback"}, LogoutURLs: []string{"https://app.example/bye"}})
	})
	b := e.browser(t)
	for _, tc := range []struct {
		query  string
		status int
	}{
		{"returnTo=" + url.QueryEscape("https://app.example/bye") + "&client_id=web", 302},
		{"returnTo=" + url.QueryEscape("https://app.example/bye"), 302},
		{"returnTo=" + url.QueryEscape("https://app.example/other") + "&client_id=web", 400},
		{"returnTo=" + url.QueryEscape("http://localhost:1234/anything") + "&client_id=" + devtenant.SPAClient.ID, 302},
		{"returnTo=" + url.QueryEscape("https://evil.example/") + "&client_id=" + devtenant.SPAClient.ID, 400},
		{"returnTo=" + url.QueryEscape("https://app.example/bye") + "&client_id=nope", 400},
		{"", 200},
	} {
		r := b.get(t, e.url+"v2/logout?"+tc.query)
		if r.status != tc.status {
			t.Errorf("%s: %d %s", tc.query, r.status, r.body)
		}
		if r.status == 400 && r.header.Get("Location") != "" {
			t.Errorf("%s redirected", tc.query)
		}
	}
}
