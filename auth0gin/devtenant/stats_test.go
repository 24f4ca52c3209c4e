package devtenant_test

import (
	"net/url"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/internal/tenantprobe"
)

// A test reads through the Go API how many grants of each type the tenant
// answered and whether reuse detection revoked a family (#11.7).
func TestStatsCountGrantsAndReuse(t *testing.T) {
	e := newEnv(t)
	if n := e.Stats().Grants["refresh_token"]; n != 0 {
		t.Fatalf("fresh tenant counted %d refreshes", n)
	}
	rt1 := e.password(t, devtenant.Alice.Email, devtenant.Alice.Password, offlineScopes).str("refresh_token")
	wantOAuthError(t, e.password(t, devtenant.Alice.Email, "wrong", ""), 403, "invalid_grant", "")
	if st := tenantprobe.RefreshTokenStatus(e, rt1); !st.Known || !st.Current || st.Revoked {
		t.Fatalf("fresh token status %+v", st)
	}
	r := e.refresh(t, rt1, "")
	wantStatus(t, r, 200)
	rt2 := r.str("refresh_token")
	if got := e.Stats().Grants["refresh_token"]; got != 1 {
		t.Fatalf("refresh grants %d, want 1", got)
	}
	if st := tenantprobe.RefreshTokenStatus(e, rt1); !st.Known || st.Current || st.Revoked {
		t.Fatalf("rotated token status %+v", st)
	}
	if s := e.Stats(); s.Grants["password"] != 1 || s.GrantErrors["password"] != 1 || s.RefreshReuseRevocations != 0 {
		t.Fatalf("stats %+v", s)
	}

	// Reuse of rt1 revokes the family: visible per token and as a count.
	wantOAuthError(t, e.refresh(t, rt1, ""), 403, "invalid_grant", "")
	if st := tenantprobe.RefreshTokenStatus(e, rt2); !st.Revoked || st.RevokedBy != tenantprobe.RevokedByReuse || st.Current {
		t.Fatalf("after reuse %+v", st)
	}
	s := e.Stats()
	if s.RefreshReuseRevocations != 1 || s.Grants["refresh_token"] != 1 || s.GrantErrors["refresh_token"] != 1 {
		t.Fatalf("stats after reuse %+v", s)
	}
	// A second failed use of the dead family is not another revocation.
	wantOAuthError(t, e.refresh(t, rt2, ""), 403, "invalid_grant", "")
	if e.Stats().RefreshReuseRevocations != 1 {
		t.Fatal("a dead family was counted twice")
	}

	// A logout through /oauth/revoke counts separately.
	rt3 := e.password(t, devtenant.Alice.Email, devtenant.Alice.Password, offlineScopes).str("refresh_token")
	wantStatus(t, e.post(t, "oauth/revoke", url.Values{"client_id": {devtenant.SPAClient.ID}, "token": {rt3}}), 200)
	if st := tenantprobe.RefreshTokenStatus(e, rt3); st.RevokedBy != tenantprobe.RevokedByRevocation {
		t.Fatalf("revoked status %+v", st)
	}
	if s := e.Stats(); s.RefreshRevocations != 1 || s.RefreshReuseRevocations != 1 {
		t.Fatalf("stats after revoke %+v", s)
	}
	if st := tenantprobe.RefreshTokenStatus(e, "never-issued"); st.Known {
		t.Fatal("unknown token reported known")
	}
	// The snapshot is a copy.
	s.Grants["x"] = 99
	if e.Stats().Grants["x"] != 0 {
		t.Fatal("Stats returned the live map")
	}
}
