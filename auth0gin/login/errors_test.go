package login_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/login"
)

func TestLoginRefusals(t *testing.T) {
	h := newHarness(t, nil, nil)
	cases := []struct {
		name   string
		r      reply
		status int
		code   string
	}{
		{"wrong password", h.login(devtenant.Alice.Email, "nope"), 401, "invalid_grant"},
		{"unknown user", h.loginForm("nobody@example.com", "x"), 401, "invalid_grant"},
		{"no password", h.login(devtenant.Alice.Email, ""), 400, "invalid_request"},
	}
	for _, c := range cases {
		if c.r.status != c.status || c.r.errorCode(t) != c.code {
			t.Errorf("%s: %d %s, want %d %s", c.name, c.r.status, c.r.body, c.status, c.code)
		}
	}
	var b errorBody
	_ = json.Unmarshal(cases[0].r.body, &b)
	if b.Description != "Wrong email or password." {
		t.Errorf("description %q", b.Description)
	}
	if got := h.loginForm(devtenant.Alice.Email, devtenant.Alice.Password); got.status != 200 {
		t.Errorf("form login: %d %s", got.status, got.body)
	}
	for _, ct := range []string{"text/plain", "multipart/form-data; boundary=x", "application/json; charset=\"", "application/xml"} {
		req, _ := http.NewRequest("POST", h.srv.URL+"/auth/login", strings.NewReader(`{"username":"a","password":"b"}`))
		req.Header.Set("Content-Type", ct)
		if r := h.do(req); r.status != 400 {
			t.Errorf("Content-Type %q: %d", ct, r.status)
		}
	}
	req, _ := http.NewRequest("POST", h.srv.URL+"/auth/login", strings.NewReader(strings.Repeat("x", 100<<10)))
	req.Header.Set("Content-Type", "application/json")
	if r := h.do(req); r.status != 413 {
		t.Errorf("oversized body: %d", r.status)
	}
}

// TestLoginRateLimit: the per-IP limit answers 429 with Retry-After, and the
// clock (not a sleep) lifts it. The counts are in the store, in windows of
// a clock minute: 20 s into one, Retry-After is the 40 s left of it.
func TestLoginRateLimit(t *testing.T) {
	now := time.Unix(1_700_000_000, 0) // hh:mm:20
	h := newHarness(t, nil, nil, func(c *login.Config) {
		c.LoginsPerMinute = 3
		c.Now = func() time.Time { return now }
	})
	for i := range 3 {
		if r := h.login(devtenant.Alice.Email, "wrong"); r.status != 401 {
			t.Fatalf("attempt %d: %d", i, r.status)
		}
	}
	r := h.login(devtenant.Alice.Email, devtenant.Alice.Password)
	if r.status != 429 || r.header.Get("Retry-After") != "40" || r.errorCode(t) != "too_many_requests" {
		t.Fatalf("over the limit: %d Retry-After %q %s", r.status, r.header.Get("Retry-After"), r.body)
	}
	now = now.Add(40 * time.Second)
	if r := h.login(devtenant.Alice.Email, devtenant.Alice.Password); r.status != 200 {
		t.Fatalf("after Retry-After: %d", r.status)
	}
}

// fixtureTenant answers the token endpoint with one of Auth0's refusals that
// the dev tenant does not produce (blocked users, MFA).
func fixtureTenant(t *testing.T, status int, body string, header map[string]string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/oauth/token"
}

func TestLoginTenantErrors(t *testing.T) {
	tenant := newTenant(t)
	cases := []struct {
		name       string
		status     int
		body       string
		header     map[string]string
		want       int
		code, desc string
		retryAfter string
	}{
		{"blocked", 401, `{"error":"unauthorized","error_description":"user is blocked"}`, nil, 403, "unauthorized", "user is blocked", ""},
		{"mfa", 403, `{"error":"mfa_required","error_description":"Multifactor authentication required","mfa_token":"Fe26.secret"}`, nil, 403, "mfa_required", "", ""},
		{"brute force", 429, `{"error":"too_many_attempts","error_description":"Your account has been blocked after multiple consecutive login attempts."}`, nil, 429, "too_many_attempts", "Your account has been blocked after multiple consecutive login attempts.", ""},
		// The tenant's block is answered in one fixed form, without its words
		// or date: the limiter answers an unknown user so, and anything more
		// would tell the two apart (issue 23, finding 8).
		{"brute force with a date", 429, `{"error":"too_many_attempts","error_description":"blocked"}`, map[string]string{"Retry-After": "120"}, 429, "too_many_attempts", "Your account has been blocked after multiple consecutive login attempts.", ""},
		{"tenant rate limit", 429, `{"error":"too_many_requests","error_description":"Too many requests."}`, map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "9999999999"}, 503, "temporarily_unavailable", "", "3600"},
		{"tenant 500", 500, `<html>oops</html>`, nil, 503, "temporarily_unavailable", "", "5"},
		{"bad secret", 401, `{"error":"invalid_client","error_description":"Client authentication failed."}`, nil, 502, "server_error", "", ""},
		{"grant off", 403, `{"error":"unauthorized_client","error_description":"Grant type 'password' not allowed for the client."}`, nil, 502, "server_error", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			url := fixtureTenant(t, c.status, c.body, c.header)
			h := newHarness(t, tenant, nil, func(cfg *login.Config) { cfg.TokenURL = url })
			r := h.login(devtenant.Alice.Email, devtenant.Alice.Password)
			var b errorBody
			_ = json.Unmarshal(r.body, &b)
			if r.status != c.want || b.Error != c.code || (c.desc != "" && b.Description != c.desc) || b.Description == "" {
				t.Errorf("%d %s, want %d %s %q", r.status, r.body, c.want, c.code, c.desc)
			}
			if got := r.header.Get("Retry-After"); got != c.retryAfter {
				t.Errorf("Retry-After %q, want %q", got, c.retryAfter)
			}
			if strings.Contains(h.recorded(), "Fe26.secret") {
				t.Error("the mfa_token was passed on")
			}
		})
	}
}

// TestLoginTenantUnreachable: a tenant that cannot be reached is a 503.
func TestLoginTenantUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/oauth/token"
	srv.Close()
	h := newHarness(t, nil, nil, func(cfg *login.Config) { cfg.TokenURL = url })
	r := h.login(devtenant.Alice.Email, devtenant.Alice.Password)
	if r.status != 503 || r.header.Get("Retry-After") == "" {
		t.Fatalf("%d %s", r.status, r.body)
	}
}

// TestForwardedForIsNotBelieved: by default a client cannot choose the IP
// the limit and Auth0's brute-force protection count by sending
// X-Forwarded-For.
func TestForwardedForIsNotBelieved(t *testing.T) {
	now := time.Now()
	h := newHarness(t, nil, nil, func(c *login.Config) {
		c.LoginsPerMinute = 2
		c.Now = func() time.Time { return now }
	})
	for i := range 3 {
		req, _ := http.NewRequest("POST", h.srv.URL+"/auth/login", strings.NewReader(`{"username":"alice@example.com","password":"x"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i))
		r := h.do(req)
		if want := map[bool]int{true: 401, false: 429}[i < 2]; r.status != want {
			t.Fatalf("attempt %d with a forged X-Forwarded-For: %d, want %d", i, r.status, want)
		}
	}
}
