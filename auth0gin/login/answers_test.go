package login_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/login"
)

// mounted serves h's Manager as an app mounts it (Mount: /auth/refresh
// behind the guard), beside the harness's bare handlers.
func mounted(h *harness) string {
	r := gin.New()
	h.m.Mount(h.auth.Router(r))
	srv := httptest.NewServer(r)
	h.t.Cleanup(srv.Close)
	return srv.URL
}

// fiveMB is a body far over the login limit.
var fiveMB = 5 << 20

// TestLoginBodyTooLarge: a 5 MB login body, JSON or form, with or without a
// Content-Length, is answered 413 with the documented JSON error body, not
// 400, and never reaches the tenant.
func TestLoginBodyTooLarge(t *testing.T) {
	h := newHarness(t, nil, nil)
	big := map[string]string{
		"application/json":                  `{"username":"alice@example.com","password":"` + strings.Repeat("x", fiveMB) + `"}`,
		"application/x-www-form-urlencoded": "username=alice%40example.com&password=" + strings.Repeat("x", fiveMB),
	}
	for _, base := range []string{h.srv.URL, mounted(h)} {
		for ct, body := range big {
			for _, chunked := range []bool{false, true} {
				var rd io.Reader = strings.NewReader(body)
				if chunked {
					rd = io.MultiReader(rd) // no length known: sent chunked
				}
				req, _ := http.NewRequest("POST", base+"/auth/login", rd)
				req.Header.Set("Content-Type", ct)
				r := h.do(req)
				var b errorBody
				if r.status != http.StatusRequestEntityTooLarge || json.Unmarshal(r.body, &b) != nil ||
					b.Error != "invalid_request" || b.Description == "" || r.header.Get("Cache-Control") != "no-store" {
					t.Errorf("%s, chunked %v: %d %v %s", ct, chunked, r.status, r.header, r.body)
				}
			}
		}
	}
	if n := h.tenant.Stats().Grants["password"] + h.tenant.Stats().Grants["http://auth0.com/oauth/grant-type/password-realm"]; n != 0 {
		t.Errorf("%d password grants at the tenant for oversized bodies", n)
	}
	// Just under the limit is still parsed (and refused for what it says).
	req, _ := http.NewRequest("POST", h.srv.URL+"/auth/login", strings.NewReader(`{"username":"a","password":"`+strings.Repeat("x", 8<<10-40)+`"}`))
	req.Header.Set("Content-Type", "application/json")
	if r := h.do(req); r.status != http.StatusBadRequest {
		t.Errorf("a body under the limit: %d %s", r.status, r.body)
	}
}

var challengeError = regexp.MustCompile(`error="([^"]*)"`)

// checkAnswer fails t unless r is consistent: Cache-Control: no-store;
// a 401 carries a Bearer challenge whose error (when it has one) equals the
// body's, and "unauthorized" in the body when it has none (no token sent,
// as the guards answer); other statuses and login's answers carry none.
func checkAnswer(t *testing.T, what string, r reply, challenge bool) {
	t.Helper()
	if r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("%s: Cache-Control %q", what, r.header.Get("Cache-Control"))
	}
	if r.status == 200 || r.status == 204 {
		return
	}
	var b errorBody
	if err := json.Unmarshal(r.body, &b); err != nil || b.Error == "" {
		t.Errorf("%s: %d, not a JSON error body: %s", what, r.status, r.body)
		return
	}
	wa := r.header.Get("WWW-Authenticate")
	if !challenge || r.status != 401 {
		if wa != "" {
			t.Errorf("%s: %d %s with a challenge %q", what, r.status, b.Error, wa)
		}
		return
	}
	if !strings.HasPrefix(wa, "Bearer realm=") {
		t.Errorf("%s: 401 %s without a Bearer challenge: %q", what, b.Error, wa)
		return
	}
	want := "unauthorized"
	if m := challengeError.FindStringSubmatch(wa); m != nil {
		want = m[1]
	}
	if b.Error != want {
		t.Errorf("%s: body error %q, challenge %q", what, b.Error, wa)
	}
}

// TestRefreshAnswersMirrorChallenge: every refusal of /auth/refresh, mounted
// behind the guard or as a bare handler, has the same error in the body as
// in WWW-Authenticate (invalid_token after logout, where the body said
// invalid_grant), and every answer is no-store.
func TestRefreshAnswersMirrorChallenge(t *testing.T) {
	h := newHarness(t, nil, nil)
	a := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
	b := h.refresh(a.AccessToken).answer(t)
	if r := h.bearer("/auth/logout", b.AccessToken); r.status != 204 {
		t.Fatalf("logout: %d", r.status)
	}
	live := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
	for _, base := range []string{h.srv.URL, mounted(h)} {
		send := func(auth string) reply {
			req, _ := http.NewRequest("POST", base+"/auth/refresh", nil)
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			return h.do(req)
		}
		for what, auth := range map[string]string{
			"no Authorization":     "",
			"Basic":                "Basic eDp5",
			"empty bearer":         "Bearer ",
			"not a JWT":            "Bearer a.b.c",
			"after logout":         "Bearer " + b.AccessToken,
			"the older, after out": "Bearer " + a.AccessToken,
		} {
			r := send(auth)
			if r.status != 401 {
				t.Errorf("%s %s: %d %s", base, what, r.status, r.body)
			}
			checkAnswer(t, what, r, true)
		}
		if r := send("Bearer " + b.AccessToken); r.errorCode(t) != "invalid_token" {
			t.Errorf("after logout: %s", r.body)
		}
		// The store down: 503 with Retry-After, no challenge.
		h.st.down.Store(true)
		r := send("Bearer " + live.AccessToken)
		h.st.down.Store(false)
		if r.status != 503 || r.header.Get("Retry-After") == "" {
			t.Errorf("store down: %d %s", r.status, r.body)
		}
		checkAnswer(t, "store down", r, true)
		r = send("Bearer " + live.AccessToken)
		checkAnswer(t, "a refresh", r, true)
		live = r.answer(t)
	}
}

// TestRefreshTenantRefusalHasNoChallenge: the tenant refusing a refresh for
// the user (a 403: blocked, MFA) is no refusal of the bearer token: no
// challenge, and no-store.
func TestRefreshTenantRefusalHasNoChallenge(t *testing.T) {
	st := newMemStore()
	h := newHarness(t, nil, st)
	a := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
	fx := fixtureTenant(t, 403, `{"error":"mfa_required","error_description":"Multifactor authentication required"}`, nil)
	h2 := newHarness(t, h.tenant, st, func(c *login.Config) { c.TokenURL = fx })
	r := h2.refresh(a.AccessToken)
	if r.status != 403 || r.errorCode(t) != "mfa_required" {
		t.Fatalf("%d %s", r.status, r.body)
	}
	checkAnswer(t, "tenant refusal", r, true)
}

// TestLoginAnswers: every answer of /auth/login is no-store; its refusals
// are the token endpoint's kind (RFC 6749 §5.2 codes), not bearer
// challenges: none carries WWW-Authenticate.
func TestLoginAnswers(t *testing.T) {
	now := time.Now()
	st := newMemStore()
	h := newHarness(t, nil, st, func(c *login.Config) {
		c.LoginsPerMinute = 3
		c.Now = func() time.Time { return now }
	})
	for _, base := range []string{h.srv.URL, mounted(h)} {
		now = now.Add(time.Hour) // a fresh limit per server
		post := func(ct, body string) reply {
			req, _ := http.NewRequest("POST", base+"/auth/login", bytes.NewReader([]byte(body)))
			req.Header.Set("Content-Type", ct)
			return h.do(req)
		}
		creds := url.Values{"username": {devtenant.Alice.Email}, "password": {devtenant.Alice.Password}}.Encode()
		checkAnswer(t, "login", post("application/x-www-form-urlencoded", creds), false)
		checkAnswer(t, "bad body", post("application/json", "{"), false)
		checkAnswer(t, "wrong password", post("application/json", `{"username":"alice@example.com","password":"no"}`), false)
		r := post("application/json", `{"username":"alice@example.com","password":"no"}`)
		if r.status != 429 {
			t.Fatalf("over the limit: %d %s", r.status, r.body)
		}
		checkAnswer(t, "rate limited", r, false)
	}
}
