package login_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/login"
)

// TestBruteForcePerUserIP: the dev tenant's brute-force protection, which
// honours auth0-forwarded-for from the trusted regular web client, blocks
// alice from the IP that failed 10 times (429 too_many_attempts, even with
// the right password) and not from another IP: the login sends the end
// user's IP, not the server's.
func TestBruteForcePerUserIP(t *testing.T) {
	h := newHarness(t, nil, nil, func(c *login.Config) {
		c.TrustedProxies = []string{"127.0.0.1", "::1"} // a proxy the test plays
	})
	from := func(ip, password string) reply {
		req, _ := http.NewRequest("POST", h.srv.URL+"/auth/login", strings.NewReader(`{"username":"alice@example.com","password":"`+password+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", ip)
		return h.do(req)
	}
	for i := range 10 {
		if r := from("198.51.100.7", "wrong"); r.status != 401 {
			t.Fatalf("failure %d: %d %s", i, r.status, r.body)
		}
	}
	r := from("198.51.100.7", devtenant.Alice.Password)
	var b errorBody
	_ = json.Unmarshal(r.body, &b)
	if r.status != 429 || b.Error != "too_many_attempts" || !strings.Contains(b.Description, "blocked") {
		t.Fatalf("the blocked user and IP: %d %s", r.status, r.body)
	}
	if r.header.Get("Retry-After") != "" {
		t.Errorf("Retry-After %q although the tenant did not say when", r.header.Get("Retry-After"))
	}
	if r := from("198.51.100.8", devtenant.Alice.Password); r.status != 200 {
		t.Fatalf("alice from another IP: %d %s", r.status, r.body)
	}
	if s := h.tenant.Stats(); s.BruteForceBlocks != 1 {
		t.Errorf("tenant counters: %+v", s)
	}
}

// TestBlockedAndMFAUsers: the dev tenant's own answers for a blocked user
// and an MFA-enrolled one.
func TestBlockedAndMFAUsers(t *testing.T) {
	tenant := auth0test.NewTenant(t, auth0test.WithUsers(
		devtenant.User{Email: "blocked@example.com", Password: "pw", Blocked: true},
		devtenant.User{Email: "mfa@example.com", Password: "pw", MFAEnrolled: true},
	))
	h := newHarness(t, tenant, nil)
	r := h.login("blocked@example.com", "pw")
	var b errorBody
	_ = json.Unmarshal(r.body, &b)
	if r.status != 403 || b.Error != "unauthorized" || b.Description != "user is blocked" {
		t.Errorf("blocked: %d %s", r.status, r.body)
	}
	r = h.login("mfa@example.com", "pw")
	if r.status != 403 || r.errorCode(t) != "mfa_required" || strings.Contains(string(r.body), "mfa_token") {
		t.Errorf("mfa: %d %s", r.status, r.body)
	}
	if r := h.login("blocked@example.com", "wrong"); r.status != 401 {
		t.Errorf("blocked user, wrong password: %d", r.status)
	}
}
