package devtenant_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

func (e *env) refresh(t *testing.T, rt, scope string) response {
	t.Helper()
	v := url.Values{"grant_type": {"refresh_token"}, "client_id": {devtenant.SPAClient.ID}, "refresh_token": {rt}}
	if scope != "" {
		v.Set("scope", scope)
	}
	return e.post(t, "oauth/token", v)
}

const offlineScopes = "openid offline_access read:messages write:messages"

func TestRefreshRotationAndReuseDetection(t *testing.T) {
	e := newEnv(t)
	login := e.password(t, devtenant.Alice.Email, devtenant.Alice.Password, offlineScopes)
	rt1 := login.str("refresh_token")

	r := e.refresh(t, rt1, "")
	wantStatus(t, r, 200)
	rt2 := r.str("refresh_token")
	if rt2 == "" || rt2 == rt1 || r.str("id_token") == "" || r.str("scope") != offlineScopes {
		t.Fatalf("rotation: %s", r.body)
	}
	// A narrower scope is allowed and rotates too; a wider one is not.
	r = e.refresh(t, rt2, "read:messages")
	wantStatus(t, r, 200)
	if _, c := claims(t, r.str("access_token")); c["scope"] != "read:messages" {
		t.Errorf("narrowed scope %v", c["scope"])
	}
	rt3 := r.str("refresh_token")
	wantOAuthError(t, e.refresh(t, rt3, "read:messages delete:everything"), 403, "invalid_scope", "")

	// Reusing rt1 (rotated away) revokes the family: rt3 dies too.
	wantOAuthError(t, e.refresh(t, rt1, ""), 403, "invalid_grant", "Unknown or invalid refresh token.")
	wantOAuthError(t, e.refresh(t, rt3, ""), 403, "invalid_grant", "Unknown or invalid refresh token.")

	// Another login is another family, unaffected.
	other := e.password(t, devtenant.Alice.Email, devtenant.Alice.Password, offlineScopes)
	wantStatus(t, e.refresh(t, other.str("refresh_token"), ""), 200)

	// A refresh token belongs to its client.
	r = e.post(t, "oauth/token", url.Values{"grant_type": {"refresh_token"}, "client_id": {devtenant.M2MClient.ID},
		"client_secret": {devtenant.M2MClient.Secret}, "refresh_token": {rt3}})
	if r.status < 400 || r.status >= 500 {
		t.Errorf("cross-client refresh: %d %s", r.status, r.body)
	}
}

func TestRefreshAbsoluteLifetime(t *testing.T) {
	e := newEnv(t)
	rt := e.password(t, devtenant.Alice.Email, devtenant.Alice.Password, offlineScopes).str("refresh_token")
	e.clock.Advance(29 * 24 * time.Hour)
	r := e.refresh(t, rt, "")
	wantStatus(t, r, 200)
	e.clock.Advance(2 * 24 * time.Hour) // 31 days after login: rotation did not extend it
	wantOAuthError(t, e.refresh(t, r.str("refresh_token"), ""), 403, "invalid_grant", "Unknown or invalid refresh token.")
}

func TestRefreshReuseLeeway(t *testing.T) {
	e := newEnv(t, func(c *devtenant.Config) { c.RefreshReuseLeeway = 30 * time.Second })
	rt1 := e.password(t, devtenant.Alice.Email, devtenant.Alice.Password, offlineScopes).str("refresh_token")
	r := e.refresh(t, rt1, "")
	wantStatus(t, r, 200)
	rt2 := r.str("refresh_token")
	// Within the leeway the previous token works again (a retried request)...
	e.clock.Advance(10 * time.Second)
	r = e.refresh(t, rt1, "")
	wantStatus(t, r, 200)
	rt2b := r.str("refresh_token")
	// ...and both results stay valid.
	r = e.refresh(t, rt2, "")
	wantStatus(t, r, 200)
	rt3 := r.str("refresh_token")
	// Now rt2 is the previous token and rt1 is older: reusing rt1 revokes everything.
	e.clock.Advance(time.Minute)
	wantOAuthError(t, e.refresh(t, rt1, ""), 403, "invalid_grant", "Unknown or invalid refresh token.")
	wantOAuthError(t, e.refresh(t, rt3, ""), 403, "invalid_grant", "Unknown or invalid refresh token.")
	wantOAuthError(t, e.refresh(t, rt2b, ""), 403, "invalid_grant", "Unknown or invalid refresh token.")
}

func TestRefreshNeedsOfflineAccessAPI(t *testing.T) {
	e := newEnv(t, func(c *devtenant.Config) { c.APIs[0].AllowOfflineAccess = false })
	r := e.password(t, devtenant.Alice.Email, devtenant.Alice.Password, offlineScopes)
	wantStatus(t, r, 200)
	if r.json["refresh_token"] != nil {
		t.Errorf("refresh token though the API does not allow offline access: %s", r.body)
	}
}

func TestRevoke(t *testing.T) {
	e := newEnv(t)
	rt1 := e.password(t, devtenant.Alice.Email, devtenant.Alice.Password, offlineScopes).str("refresh_token")
	r := e.refresh(t, rt1, "")
	rt2 := r.str("refresh_token")
	r = e.post(t, "oauth/revoke", url.Values{"client_id": {devtenant.SPAClient.ID}, "token": {rt2}})
	wantStatus(t, r, 200)
	if len(r.body) != 0 {
		t.Errorf("revoke body %q", r.body)
	}
	wantOAuthError(t, e.refresh(t, rt2, ""), 403, "invalid_grant", "Unknown or invalid refresh token.")
	// Unknown tokens are fine (RFC 7009); a missing token or client is not.
	wantStatus(t, e.post(t, "oauth/revoke", url.Values{"client_id": {devtenant.SPAClient.ID}, "token": {"unknown"}}), 200)
	wantOAuthError(t, e.post(t, "oauth/revoke", url.Values{"client_id": {devtenant.SPAClient.ID}}), 400, "invalid_request", "")
	wantOAuthError(t, e.post(t, "oauth/revoke", url.Values{"client_id": {"nope"}, "token": {"x"}}), 401, "invalid_client", "")
	wantOAuthError(t, e.post(t, "oauth/revoke", url.Values{"client_id": {devtenant.M2MClient.ID}, "token": {"x"}}), 401, "invalid_client", "")
}
