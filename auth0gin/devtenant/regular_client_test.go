package devtenant_test

import (
	"net/url"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/internal/tenantprobe"
)

// The default tenant has a confidential regular web client for backends'
// password login (#11.8).
func TestDefaultRegularWebClient(t *testing.T) {
	e := newEnv(t)
	login := func(secret string) response {
		return e.post(t, "oauth/token", url.Values{
			"grant_type": {"http://auth0.com/oauth/grant-type/password-realm"}, "realm": {"Username-Password-Authentication"},
			"client_id": {devtenant.RegularClient.ID}, "client_secret": {secret},
			"username": {devtenant.Alice.Email}, "password": {devtenant.Alice.Password},
			"audience": {devtenant.Audience}, "scope": {"openid profile email offline_access read:messages"},
		})
	}
	wantOAuthError(t, login(""), 401, "invalid_client", "")
	wantOAuthError(t, login("wrong"), 401, "invalid_client", "")
	r := login(devtenant.RegularClient.Secret)
	wantStatus(t, r, 200)
	rt := r.str("refresh_token")
	if rt == "" {
		t.Fatalf("no refresh token: %s", r.body)
	}
	if _, c := claims(t, r.str("access_token")); c["azp"] != devtenant.RegularClient.ID || c["gty"] != "password" {
		t.Fatalf("claims %v", c)
	}
	refresh := func(tok, secret string) response {
		return e.post(t, "oauth/token", url.Values{"grant_type": {"refresh_token"}, "client_id": {devtenant.RegularClient.ID},
			"client_secret": {secret}, "refresh_token": {tok}})
	}
	wantOAuthError(t, refresh(rt, ""), 401, "invalid_client", "")
	r = refresh(rt, devtenant.RegularClient.Secret)
	wantStatus(t, r, 200)
	// Rotation with reuse detection is on for it.
	wantOAuthError(t, refresh(rt, devtenant.RegularClient.Secret), 403, "invalid_grant", "Unknown or invalid refresh token.")
	if st := tenantprobe.RefreshTokenStatus(e, r.str("refresh_token")); st.RevokedBy != tenantprobe.RevokedByReuse {
		t.Fatalf("reuse not detected: %+v", st)
	}
	// Client credentials too.
	cc := e.post(t, "oauth/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {devtenant.RegularClient.ID},
		"client_secret": {devtenant.RegularClient.Secret}, "audience": {devtenant.Audience}})
	wantStatus(t, cc, 200)
	// No browser flow for it.
	ac := e.get(t, "authorize?response_type=code&client_id="+devtenant.RegularClient.ID+"&redirect_uri=http://127.0.0.1:1/cb", "")
	if ac.status != 400 {
		t.Fatalf("authorize for the backend client: %d", ac.status)
	}
}

// Default hands out copies: changing one does not change the package's
// RegularClient or the next Default.
func TestDefaultIsACopy(t *testing.T) {
	cfg := devtenant.Default()
	var c devtenant.Client
	for _, x := range cfg.Clients {
		if x.ID == devtenant.RegularClient.ID {
			c = x
		}
	}
	if c.Secret != devtenant.RegularClient.Secret || !c.TrustTokenEndpointIPHeader || c.Type != "regular_web" {
		t.Fatalf("%+v", c)
	}
	c.Grants[devtenant.Audience][0] = "changed"
	cfg.Users[0].Permissions[devtenant.Audience][0] = "changed"
	if devtenant.RegularClient.Grants[devtenant.Audience][0] != "read:messages" || devtenant.Default().Clients[2].Grants[devtenant.Audience][0] != "read:messages" {
		t.Fatal("Default shares a client's grants")
	}
	if devtenant.Alice.Permissions[devtenant.Audience][0] != "read:messages" || devtenant.Default().Users[0].Permissions[devtenant.Audience][0] != "read:messages" {
		t.Fatal("Default shares a user's permissions")
	}
}
