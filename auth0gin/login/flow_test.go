package login_test

import (
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/internal/tenantprobe"
)

// TestFlow: login → refresh → refresh → logout against the dev tenant, with
// rotation and reuse detection on; then the last access token refreshes no
// more, and nothing the app showed holds a refresh token.
func TestFlow(t *testing.T) {
	h := newHarness(t, nil, nil)
	a0 := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
	if got := h.bearer("/api/private", a0.AccessToken); got.status != 200 || string(got.body) != devtenant.Alice.ID {
		t.Fatalf("the login's token does not work: %d %s", got.status, got.body)
	}
	a1 := h.refresh(a0.AccessToken).answer(t)
	a2 := h.refresh(a1.AccessToken).answer(t)
	if a0.AccessToken == a1.AccessToken || a1.AccessToken == a2.AccessToken {
		t.Fatal("a refresh returned the same access token")
	}
	if got := h.bearer("/api/private", a2.AccessToken); got.status != 200 {
		t.Fatalf("the refreshed token does not work: %d", got.status)
	}
	if got := h.bearer("/auth/logout", a2.AccessToken); got.status != 204 {
		t.Fatalf("logout: %d %s", got.status, got.body)
	}
	if got := h.refresh(a2.AccessToken); got.status != 401 || got.errorCode(t) != "invalid_token" {
		t.Fatalf("refresh after logout: %d %s", got.status, got.body)
	}
	if got := h.refresh(a0.AccessToken); got.status != 200 && got.status != 401 {
		t.Fatalf("refresh of the first token: %d", got.status)
	}
	rts := h.tap.tokens()
	if len(rts) != 3 {
		t.Fatalf("the tenant issued %d refresh tokens, want 3 (login + 2 rotations)", len(rts))
	}
	st := h.tenant.Stats()
	if st.RefreshRevocations != 1 || st.RefreshReuseRevocations != 0 || st.Grants["refresh_token"] != 2 {
		t.Errorf("tenant counters after logout: %+v", st)
	}
	if s := tenantprobe.RefreshTokenStatus(h.tenant, rts[2]); !s.Revoked || s.RevokedBy != tenantprobe.RevokedByRevocation {
		t.Errorf("the last refresh token after logout: %+v", s)
	}
	noLeak(t, "responses and logs", h.recorded(), rts)
	if strings.Contains(h.recorded(), regularClientSecret) {
		t.Error("the client secret appears in responses or logs")
	}
}
