package login_test

import (
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/internal/tenantprobe"
)

// TestLogoutWithRefreshedToken: a tab still holding the access token another
// tab has just refreshed logs out. The logout must end the login, not only
// the old token's grace row: before the fix the refresh token stayed held
// under the new access token, which went on refreshing after the user had
// logged out.
func TestLogoutWithRefreshedToken(t *testing.T) {
	h := newHarness(t, nil, nil)
	a0 := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
	a1 := h.refresh(a0.AccessToken).answer(t)                               // tab 1 refreshes
	a2 := h.refresh(a1.AccessToken).answer(t)                               // and again
	if got := h.bearer("/auth/logout", a0.AccessToken); got.status != 204 { // tab 2, oldest token
		t.Fatalf("logout: %d %s", got.status, got.body)
	}
	if got := h.refresh(a2.AccessToken); got.status != 401 {
		t.Fatalf("the newest token refreshes after logout: %d %s", got.status, got.body)
	}
	if got := h.refresh(a1.AccessToken); got.status == 200 {
		t.Fatalf("a refreshed token still answers after logout: %s", got.body)
	}
	rts := h.tap.tokens()
	if s := tenantprobe.RefreshTokenStatus(h.tenant, rts[len(rts)-1]); !s.Revoked {
		t.Errorf("the held refresh token was not revoked at logout: %+v", s)
	}
}
