package devtenant_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

func TestDiscoveryAndJWKS(t *testing.T) {
	e := newEnv(t)
	d := e.get(t, ".well-known/openid-configuration", "")
	wantStatus(t, d, 200)
	if !strings.HasSuffix(d.str("issuer"), "/") || d.str("issuer") != e.Issuer() || e.Issuer() != e.url {
		t.Errorf("issuer %q, tenant %q, url %q", d.str("issuer"), e.Issuer(), e.url)
	}
	for k, v := range map[string]string{
		"authorization_endpoint": "authorize", "token_endpoint": "oauth/token",
		"device_authorization_endpoint": "oauth/device/code", "userinfo_endpoint": "userinfo",
		"jwks_uri": ".well-known/jwks.json", "revocation_endpoint": "oauth/revoke",
	} {
		if d.str(k) != e.url+v {
			t.Errorf("%s = %q", k, d.str(k))
		}
	}
	for k, want := range map[string]string{
		"code_challenge_methods_supported": "S256", "response_modes_supported": "query fragment form_post",
	} {
		var got []string
		for _, v := range d.json[k].([]any) {
			got = append(got, v.(string))
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%s = %v", k, got)
		}
	}
	j := e.get(t, ".well-known/jwks.json", "")
	wantStatus(t, j, 200)
	keys := j.json["keys"].([]any)
	if len(keys) != 2 {
		t.Fatalf("want current and next keys, got %d", len(keys))
	}
	cur, next, prev := e.Keys()
	if prev != "" || cur == next {
		t.Errorf("keys %q %q %q", cur, next, prev)
	}
	for _, k := range keys {
		m := k.(map[string]any)
		for _, f := range []string{"kty", "use", "n", "e", "kid", "x5t", "x5c", "alg"} {
			if m[f] == nil {
				t.Errorf("key lacks %s: %v", f, m)
			}
		}
		if m["kty"] != "RSA" || m["use"] != "sig" || m["alg"] != "RS256" {
			t.Errorf("key %v", m)
		}
	}
}

func TestPasswordGrant(t *testing.T) {
	e := newEnv(t)
	r := e.password(t, "Alice@Example.com", devtenant.Alice.Password, "openid profile email offline_access read:messages write:messages")
	wantStatus(t, r, 200)
	for _, k := range []string{"access_token", "refresh_token", "id_token", "scope", "expires_in", "token_type"} {
		if r.json[k] == nil {
			t.Errorf("response lacks %s: %s", k, r.body)
		}
	}
	if r.str("token_type") != "Bearer" || r.json["expires_in"].(float64) != 86400 {
		t.Errorf("response %s", r.body)
	}
	if err := e.verify(r.str("access_token")); err != nil {
		t.Fatal(err)
	}
	h, c := claims(t, r.str("access_token"))
	cur, _, _ := e.Keys()
	if h["alg"] != "RS256" || h["typ"] != "JWT" || h["kid"] != cur {
		t.Errorf("header %v", h)
	}
	aud := c["aud"].([]any)
	if len(aud) != 2 || aud[0] != devtenant.Audience || aud[1] != e.url+"userinfo" {
		t.Errorf("aud %v", c["aud"])
	}
	want := map[string]any{
		"iss": e.url, "sub": devtenant.Alice.ID, "azp": devtenant.SPAClient.ID, "gty": "password",
		"scope":              "openid profile email offline_access read:messages write:messages",
		devtenant.EmailClaim: devtenant.Alice.Email,
	}
	for k, v := range want {
		if c[k] != v {
			t.Errorf("%s = %v, want %v", k, c[k], v)
		}
	}
	if c["exp"].(float64)-c["iat"].(float64) != 86400 {
		t.Errorf("lifetime %v", c["exp"].(float64)-c["iat"].(float64))
	}
	if p := c["permissions"].([]any); len(p) != 2 {
		t.Errorf("permissions %v", p)
	}
	if roles := c[devtenant.RolesClaim].([]any); len(roles) != 1 || roles[0] != "admin" {
		t.Errorf("roles %v", roles)
	}
	_, idc := claims(t, r.str("id_token"))
	if idc["aud"] != devtenant.SPAClient.ID || idc["email"] != devtenant.Alice.Email || idc["sub"] != devtenant.Alice.ID {
		t.Errorf("id token %v", idc)
	}

	// Bob has no permissions: RBAC grants the intersection, which is empty.
	r = e.password(t, devtenant.Bob.Email, devtenant.Bob.Password, "read:messages")
	wantStatus(t, r, 200)
	_, c = claims(t, r.str("access_token"))
	if c["scope"] != nil || len(c["permissions"].([]any)) != 0 || r.json["refresh_token"] != nil {
		t.Errorf("bob: %v / %s", c, r.body)
	}
	// Without offline_access, no refresh token.
	r = e.password(t, devtenant.Alice.Email, devtenant.Alice.Password, "read:messages")
	if r.json["refresh_token"] != nil || r.json["id_token"] != nil || r.str("scope") != "read:messages" {
		t.Errorf("response %s", r.body)
	}
}

func TestTokenEndpointErrors(t *testing.T) {
	e := newEnv(t)
	spa := devtenant.SPAClient.ID
	cases := []struct {
		name   string
		form   url.Values
		status int
		code   string
		desc   string
	}{
		{"wrong password", url.Values{"grant_type": {"password"}, "client_id": {spa}, "username": {devtenant.Alice.Email}, "password": {"nope"}},
			403, "invalid_grant", "Wrong email or password."},
		{"unknown user", url.Values{"grant_type": {"password"}, "client_id": {spa}, "username": {"zed@example.com"}, "password": {"x"}},
			403, "invalid_grant", "Wrong email or password."},
		{"missing username", url.Values{"grant_type": {"password"}, "client_id": {spa}, "password": {"x"}},
			400, "invalid_request", "Missing required parameter: username"},
		{"unknown audience", url.Values{"grant_type": {"password"}, "client_id": {spa}, "username": {devtenant.Alice.Email}, "password": {devtenant.Alice.Password}, "audience": {"https://nope.example"}},
			403, "access_denied", "Service not enabled within domain: https://nope.example"},
		{"unsupported grant", url.Values{"grant_type": {"magic"}, "client_id": {spa}},
			400, "unsupported_grant_type", "Unsupported grant type: magic"},
		{"missing grant type", url.Values{"client_id": {spa}},
			400, "invalid_request", "Missing required parameter: grant_type"},
		{"unknown client", url.Values{"grant_type": {"password"}, "client_id": {"nope"}, "username": {"a"}, "password": {"b"}},
			401, "invalid_client", ""},
		{"missing client", url.Values{"grant_type": {"password"}, "username": {"a"}, "password": {"b"}},
			400, "invalid_request", "Missing required parameter: client_id"},
		{"realm wrong connection", url.Values{"grant_type": {"http://auth0.com/oauth/grant-type/password-realm"}, "client_id": {spa}, "username": {devtenant.Alice.Email}, "password": {devtenant.Alice.Password}, "realm": {"other-db"}},
			403, "invalid_grant", "Wrong email or password."},
		{"realm missing", url.Values{"grant_type": {"http://auth0.com/oauth/grant-type/password-realm"}, "client_id": {spa}, "username": {devtenant.Alice.Email}, "password": {devtenant.Alice.Password}},
			400, "invalid_request", "Missing required parameter: realm"},
		{"grant not allowed", url.Values{"grant_type": {"client_credentials"}, "client_id": {spa}, "audience": {devtenant.Audience}},
			403, "unauthorized_client", "Grant type 'client_credentials' not allowed for the client."},
		{"bad refresh token", url.Values{"grant_type": {"refresh_token"}, "client_id": {spa}, "refresh_token": {"garbage"}},
			403, "invalid_grant", "Unknown or invalid refresh token."},
		{"bad code", url.Values{"grant_type": {"authorization_code"}, "client_id": {spa}, "code": {"garbage"}, "redirect_uri": {"http://127.0.0.1:1/docs/oauth2-redirect.html"}},
			403, "invalid_grant", "Invalid authorization code"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.post(t, "oauth/token", tc.form)
			wantOAuthError(t, r, tc.status, tc.code, tc.desc)
			if r.header.Get("X-RateLimit-Limit") == "" {
				t.Error("no X-RateLimit-Limit")
			}
		})
	}
	r := e.post(t, "oauth/token", url.Values{"grant_type": {"http://auth0.com/oauth/grant-type/password-realm"}, "client_id": {spa},
		"username": {devtenant.Alice.Email}, "password": {devtenant.Alice.Password}, "realm": {"Username-Password-Authentication"}, "audience": {devtenant.Audience}})
	wantStatus(t, r, 200)
}

func TestClientCredentials(t *testing.T) {
	e := newEnv(t, func(c *devtenant.Config) {
		c.APIs = append(c.APIs, devtenant.API{Identifier: "https://other.example", Scopes: []devtenant.Scope{{Name: "x"}}})
	})
	form := func(kv ...string) url.Values {
		v := url.Values{"grant_type": {"client_credentials"}, "client_id": {devtenant.M2MClient.ID},
			"client_secret": {devtenant.M2MClient.Secret}, "audience": {devtenant.Audience}}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	r := e.post(t, "oauth/token", form())
	wantStatus(t, r, 200)
	if len(r.json) != 3 || r.str("token_type") != "Bearer" || r.json["expires_in"].(float64) != 86400 {
		t.Errorf("client credentials answer only access_token, token_type, expires_in: %s", r.body)
	}
	_, c := claims(t, r.str("access_token"))
	if c["sub"] != devtenant.M2MClient.ID+"@clients" || c["gty"] != "client-credentials" || c["scope"] != "read:messages" ||
		c["aud"] != devtenant.Audience || c["azp"] != devtenant.M2MClient.ID || c[devtenant.EmailClaim] != nil {
		t.Errorf("claims %v", c)
	}

	wantOAuthError(t, e.post(t, "oauth/token", form("client_secret", "wrong")), 401, "invalid_client", "")
	wantOAuthError(t, e.post(t, "oauth/token", form("audience", "https://nope.example")), 403, "access_denied", "Service not enabled within domain: https://nope.example")
	wantOAuthError(t, e.post(t, "oauth/token", form("audience", "")), 403, "access_denied", "No audience parameter was provided, and no default audience has been configured")
	wantOAuthError(t, e.post(t, "oauth/token", form("scope", "read:messages write:messages")), 403, "access_denied", "Client has not been granted scopes: write:messages")
	r = e.post(t, "oauth/token", form("audience", "https://other.example"))
	wantOAuthError(t, r, 403, "access_denied", "")
	if !strings.HasPrefix(r.str("error_description"), `Client is not authorized to access "https://other.example".`) {
		t.Errorf("description %q", r.str("error_description"))
	}

	// HTTP Basic and a JSON body work too.
	body := `{"grant_type":"client_credentials","audience":"` + devtenant.Audience + `"}`
	req, _ := http.NewRequest("POST", e.url+"oauth/token", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(devtenant.M2MClient.ID, devtenant.M2MClient.Secret)
	wantStatus(t, do(t, nil, req), 200)
}

func TestNoAudienceGivesOpaqueToken(t *testing.T) {
	e := newEnv(t)
	r := e.post(t, "oauth/token", url.Values{"grant_type": {"password"}, "client_id": {devtenant.SPAClient.ID},
		"username": {devtenant.Alice.Email}, "password": {devtenant.Alice.Password}, "scope": {"openid email"}})
	wantStatus(t, r, 200)
	tok := r.str("access_token")
	if strings.Count(tok, ".") == 2 {
		t.Fatalf("want an opaque token, got a JWT")
	}
	u := e.get(t, "userinfo", tok)
	wantStatus(t, u, 200)
	if u.str("sub") != devtenant.Alice.ID || u.str("email") != devtenant.Alice.Email || u.json["email_verified"] != true || u.str(devtenant.EmailClaim) != devtenant.Alice.Email {
		t.Errorf("userinfo %s", u.body)
	}
	if u.json["name"] != nil {
		t.Errorf("no profile scope, yet name: %s", u.body)
	}
	if u.header.Get("X-RateLimit-Remaining") == "" {
		t.Error("no rate-limit headers")
	}
	// An API token without openid has no userinfo audience.
	api := e.password(t, devtenant.Alice.Email, devtenant.Alice.Password, "read:messages")
	r = e.get(t, "userinfo", api.str("access_token"))
	wantStatus(t, r, 401)
	if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer ") {
		t.Errorf("challenge %q", r.header.Get("WWW-Authenticate"))
	}
	wantStatus(t, e.get(t, "userinfo", ""), 401)
	wantStatus(t, e.get(t, "userinfo", "garbage"), 401)
	// With openid + profile, /userinfo takes the JWT.
	full := e.password(t, devtenant.Alice.Email, devtenant.Alice.Password, "openid profile")
	u = e.get(t, "userinfo", full.str("access_token"))
	wantStatus(t, u, 200)
	if u.str("name") != "Alice Example" || u.json["email"] != nil {
		t.Errorf("userinfo %s", u.body)
	}
}

func TestRFC9068Dialect(t *testing.T) {
	e := newEnv(t, func(c *devtenant.Config) { c.Dialect = "rfc9068" })
	r := e.password(t, devtenant.Alice.Email, devtenant.Alice.Password, "read:messages")
	wantStatus(t, r, 200)
	h, c := claims(t, r.str("access_token"))
	if h["typ"] != "at+jwt" || c["client_id"] != devtenant.SPAClient.ID || c["jti"] == nil || c["azp"] != nil {
		t.Errorf("header %v claims %v", h, c)
	}
}

func TestIssueToken(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tok, err := e.IssueToken(ctx, devtenant.TokenRequest{User: devtenant.Alice.Email, Scopes: []string{"read:messages"},
		Claims: map[string]any{"https://example.com/team": "blue", "gty": "evil", "https://auth0.com/x": 1, "permissions": "evil"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.verify(tok); err != nil {
		t.Fatal(err)
	}
	_, c := claims(t, tok)
	if c["sub"] != devtenant.Alice.ID || c["scope"] != "read:messages" || c["https://example.com/team"] != "blue" ||
		c["gty"] != nil || c["https://auth0.com/x"] != nil || len(c["permissions"].([]any)) != 2 {
		t.Errorf("claims %v", c)
	}
	// An expired token, signed with the next key, for a stranger with given permissions.
	_, next, _ := e.Keys()
	tok, err = e.IssueToken(ctx, devtenant.TokenRequest{Subject: "auth0|stranger", Email: "s@example.com", Permissions: []string{"write:messages"},
		ExpiresAt: e.clock.Now().Add(-time.Minute), KeyID: next})
	if err != nil {
		t.Fatal(err)
	}
	h, c := claims(t, tok)
	if h["kid"] != next || c["sub"] != "auth0|stranger" || c["scope"] != "write:messages" || c[devtenant.EmailClaim] != "s@example.com" ||
		c["exp"].(float64) >= float64(e.clock.Now().Unix()) {
		t.Errorf("header %v claims %v", h, c)
	}
	tok, err = e.IssueToken(ctx, devtenant.TokenRequest{ClientCredentials: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, c = claims(t, tok); c["sub"] != devtenant.M2MClient.ID+"@clients" || c["gty"] != "client-credentials" || c["scope"] != "read:messages" {
		t.Errorf("m2m claims %v", c)
	}
	for _, bad := range []devtenant.TokenRequest{
		{User: devtenant.Alice.Email, Audience: "https://nope.example"},
		{User: "nobody@example.com"},
		{},
		{User: devtenant.Alice.Email, KeyID: "nope"},
		{ClientCredentials: true, Scopes: []string{"write:messages"}},
	} {
		if _, err := e.IssueToken(ctx, bad); err == nil {
			t.Errorf("IssueToken(%+v) succeeded", bad)
		}
	}
}
