package devtenant_test

import (
	"net/url"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

// The default tenant has a confidential regular web client for backends'
// password login (#11.8).
func TestDefaultRegularWebClient(t *testing.T) {
	e := newEnv(t)
	login := func(secret string) response {
		return e.post(t, "oauth/token", url.Values{
			"grant_type": {devtenant.GrantPasswordRealm}, "realm": {devtenant.DefaultConnection},
			"client_id": {devtenant.DefaultRegularClientID}, "client_secret": {secret},
			"username": {devtenant.AliceEmail}, "password": {devtenant.AlicePassword},
			"audience": {devtenant.DefaultAudience}, "scope": {"openid profile email offline_access read:messages"},
		})
	}
	wantOAuthError(t, login(""), 401, "invalid_client", "")
	wantOAuthError(t, login("wrong"), 401, "invalid_client", "")
	r := login(devtenant.DefaultRegularClientSecret)
	wantStatus(t, r, 200)
	rt := r.str("refresh_token")
	if rt == "" {
		t.Fatalf("no refresh token: %s", r.body)
	}
	if _, c := claims(t, r.str("access_token")); c["azp"] != devtenant.DefaultRegularClientID || c["gty"] != "password" {
		t.Fatalf("claims %v", c)
	}
	refresh := func(tok, secret string) response {
		return e.post(t, "oauth/token", url.Values{"grant_type": {"refresh_token"}, "client_id": {devtenant.DefaultRegularClientID},
			"client_secret": {secret}, "refresh_token": {tok}})
	}
	wantOAuthError(t, refresh(rt, ""), 401, "invalid_client", "")
	r = refresh(rt, devtenant.DefaultRegularClientSecret)
	wantStatus(t, r, 200)
	// Rotation with reuse detection is on for it.
	wantOAuthError(t, refresh(rt, devtenant.DefaultRegularClientSecret), 403, "invalid_grant", "Unknown or invalid refresh token.")
	if st := e.RefreshTokenStatus(r.str("refresh_token")); st.RevokedBy != devtenant.RevokedByReuse {
		t.Fatalf("reuse not detected: %+v", st)
	}
	// Client credentials too.
	cc := e.post(t, "oauth/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {devtenant.DefaultRegularClientID},
		"client_secret": {devtenant.DefaultRegularClientSecret}, "audience": {devtenant.DefaultAudience}})
	wantStatus(t, cc, 200)
	// No browser flow for it.
	ac := e.get(t, "authorize?response_type=code&client_id="+devtenant.DefaultRegularClientID+"&redirect_uri=http://127.0.0.1:1/cb", "")
	if ac.status != 400 {
		t.Fatalf("authorize for the backend client: %d", ac.status)
	}
}

func TestClientAccessor(t *testing.T) {
	e := newEnv(t)
	c, ok := e.Client(devtenant.DefaultRegularClientID)
	if !ok || c.Secret != devtenant.DefaultRegularClientSecret || !c.TrustTokenEndpointIPHeader || c.Type != devtenant.ClientRegular {
		t.Fatalf("%+v %v", c, ok)
	}
	c.Grants[devtenant.DefaultAudience][0] = "changed"
	if again, _ := e.Client(devtenant.DefaultRegularClientID); again.Grants[devtenant.DefaultAudience][0] != devtenant.ScopeReadMessages {
		t.Fatal("Client returned shared state")
	}
	if _, ok := e.Client("nope"); ok {
		t.Fatal("unknown client found")
	}
}
