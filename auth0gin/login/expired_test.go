package login_test

import (
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/login"
)

// TestRefreshExpiredToken: the point of the refresh endpoint is an access
// token that has expired; the guards refuse it, Refresh trades it.
func TestRefreshExpiredToken(t *testing.T) {
	tenant, clock := newClockedTenant(t)
	h := newHarness(t, tenant, nil)
	clock.shift.Store(int64(-23 * time.Hour)) // tokens minted now expired an hour ago
	a := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
	if r := h.bearer("/api/private", a.AccessToken); r.status != 401 {
		t.Fatalf("the expired token passed a guard: %d", r.status)
	}
	clock.shift.Store(0)
	b := h.refresh(a.AccessToken).answer(t)
	if r := h.bearer("/api/private", b.AccessToken); r.status != 200 {
		t.Fatalf("the refreshed token: %d %s", r.status, r.body)
	}
}

// TestRefreshLifetime: a row past the refresh token's absolute lifetime
// refreshes nothing, and rotation did not extend it.
func TestRefreshLifetime(t *testing.T) {
	now := time.Now()
	h := newHarness(t, nil, nil, func(c *login.Config) {
		c.RefreshLifetime = 48 * time.Hour
		c.Now = func() time.Time { return now }
	})
	a := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
	now = now.Add(47 * time.Hour)
	b := h.refresh(a.AccessToken).answer(t)
	now = now.Add(2 * time.Hour) // 49h after the login: the lifetime is over
	if r := h.refresh(b.AccessToken); r.status != 401 || r.errorCode(t) != "invalid_token" {
		t.Fatalf("past the lifetime: %d %s", r.status, r.body)
	}
}

// TestGraceWindow: within the grace window the old token gets the same
// answer without a tenant call; after it, the old token refreshes nothing.
func TestGraceWindow(t *testing.T) {
	now := time.Now()
	h := newHarness(t, nil, nil, func(c *login.Config) { c.Now = func() time.Time { return now } })
	a := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
	b := h.refresh(a.AccessToken).answer(t)
	if c := h.refresh(a.AccessToken).answer(t); c.AccessToken != b.AccessToken {
		t.Fatal("a refresh within the grace window got another token")
	}
	now = now.Add(30*time.Second + time.Second)
	if r := h.refresh(a.AccessToken); r.status != 401 {
		t.Fatalf("the old token after the grace window: %d %s", r.status, r.body)
	}
	if n := h.tenant.Stats().Grants["refresh_token"]; n != 1 {
		t.Fatalf("%d refresh grants", n)
	}
	h.refresh(b.AccessToken).answer(t)
}
