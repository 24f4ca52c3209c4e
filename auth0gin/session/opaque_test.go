package session_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/session"
)

// tenantPost posts a form to the tenant and decodes its JSON answer.
func tenantPost(t *testing.T, tenant *auth0test.Tenant, path string, form url.Values) map[string]any {
	t.Helper()
	res, err := http.PostForm(tenant.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil || res.StatusCode != 200 {
		t.Fatalf("%s: %d %v (%v)", path, res.StatusCode, body, err)
	}
	return body
}

// opaqueToken logs a user in with no audience: the tenant answers an opaque
// access token, which only its /userinfo accepts.
func opaqueToken(t *testing.T, tenant *auth0test.Tenant, email, password string) string {
	t.Helper()
	tok := tenantPost(t, tenant, "oauth/token", url.Values{"grant_type": {"password"}, "client_id": {devtenant.SPAClient.ID},
		"username": {email}, "password": {password}, "scope": {"openid email"}})["access_token"].(string)
	if strings.Count(tok, ".") == 2 {
		t.Fatalf("the tenant issued a JWT, not an opaque token")
	}
	return tok
}

func bearer(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }

func TestOpaqueTokensOffByDefault(t *testing.T) {
	tenant := auth0test.NewTenant(t)
	e := newEnv(t, newStore(t), tenant, session.Config{})
	r := e.do("POST", "/auth/session", bearer(opaqueToken(t, tenant, devtenant.Alice.Email, devtenant.Alice.Password)))
	if r.code != 401 || r.h.Get("Set-Cookie") != "" {
		t.Fatalf("opaque token with the feature off: %d %s", r.code, r.raw)
	}
}

func TestOpaqueTokens(t *testing.T) {
	clk := newClocks()
	tenant := auth0test.NewTenant(t, auth0test.WithClock(clk.tenant.Now))
	e := newDevEnvOpaque(t, newStore(t), tenant, clk.Now, session.Config{}, &session.OpaqueConfig{CacheTTL: time.Minute})
	tok := opaqueToken(t, tenant, devtenant.Alice.Email, devtenant.Alice.Password)

	r := e.do("POST", "/auth/session", bearer(tok))
	if r.code != 200 {
		t.Fatalf("login with an opaque token: %d %s", r.code, r.raw)
	}
	ck := (&http.Response{Header: r.h}).Cookies()[0]
	if me := e.do("GET", "/api/private", cookieH(ck)); me.code != 200 || me.body["id"] != devtenant.Alice.ID || me.body["email"] != devtenant.Alice.Email {
		t.Fatalf("the opaque session: %d %s", me.code, me.raw)
	}
	// No permissions: /userinfo does not say what the token grants.
	if me := e.do("GET", "/api/scoped", cookieH(ck)); me.code != 403 {
		t.Errorf("the opaque session on a scoped route: %d %s", me.code, me.raw)
	}
	// A JWT still goes to the core, as before.
	if r := e.do("POST", "/auth/session", bearer(tenant.Token(t))); r.code != 200 {
		t.Errorf("JWT login: %d %s", r.code, r.raw)
	}

	// Answers are cached by token hash: a second login within CacheTTL does not ask again.
	calls := e.tap.userinfoCalls()
	if r := e.do("POST", "/auth/session", bearer(tok)); r.code != 200 || e.tap.userinfoCalls() != calls {
		t.Errorf("second login: %d, /userinfo calls %d → %d", r.code, calls, e.tap.userinfoCalls())
	}

	// Concurrent first logins with one token make one call.
	other := opaqueToken(t, tenant, devtenant.Alice.Email, devtenant.Alice.Password)
	calls = e.tap.userinfoCalls()
	var wg sync.WaitGroup
	codes := make([]int, 16)
	for i := range codes {
		wg.Go(func() {
			req, _ := http.NewRequest("POST", e.srv.URL+"/auth/session", nil)
			req.Header.Set("Authorization", "Bearer "+other)
			if res, err := http.DefaultClient.Do(req); err == nil {
				codes[i] = res.StatusCode
				res.Body.Close()
			}
		})
	}
	wg.Wait()
	for i, c := range codes {
		if c != 200 {
			t.Errorf("concurrent login #%d: %d", i, c)
		}
	}
	if n := e.tap.userinfoCalls() - calls; n != 1 {
		t.Errorf("16 concurrent logins with one token made %d /userinfo calls", n)
	}

	// Refused tokens are 401, never 500: garbage, never issued, expired,
	// and a token whose user was deleted at the tenant.
	bobTok := opaqueToken(t, tenant, devtenant.Bob.Email, devtenant.Bob.Password)
	mgmt := tenantPost(t, tenant, "oauth/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {devtenant.M2MClient.ID},
		"client_secret": {devtenant.M2MClient.Secret}, "audience": {tenant.ManagementAudience()}})["access_token"].(string)
	req, _ := http.NewRequest("DELETE", tenant.URL+"api/v2/users/"+url.PathEscape(devtenant.Bob.ID), nil)
	req.Header.Set("Authorization", "Bearer "+mgmt)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 204 {
		t.Fatalf("deleting bob: %v %v", res, err)
	}
	for name, tok := range map[string]string{
		"garbage":      "garbage",
		"unknown":      strings.Repeat("x", 43),
		"huge":         strings.Repeat("x", 20000),
		"user deleted": bobTok,
	} {
		if r := e.do("POST", "/auth/session", bearer(tok)); r.code != 401 || r.h.Get("Set-Cookie") != "" {
			t.Errorf("%s: %d %s", name, r.code, r.raw)
		}
	}
	clk.Advance(2 * time.Minute)
	clk.tenant.Advance(25 * time.Hour)
	if r := e.do("POST", "/auth/session", bearer(tok)); r.code != 401 {
		t.Errorf("expired opaque token after the cache: %d %s", r.code, r.raw)
	}

	// /userinfo's 429 is a 429 with Retry-After for that token alone, and
	// it is not asked about again until then (TestOpaqueRateLimitIsPerToken
	// has the rest).
	clk.Advance(2 * time.Minute)
	tenant.FailNext(1)
	fresh := strings.Repeat("y", 43)
	r = e.do("POST", "/auth/session", bearer(fresh))
	if r.code != 429 || r.h.Get("Retry-After") == "" {
		t.Fatalf("/userinfo rate limited: %d %v %s", r.code, r.h, r.raw)
	}
	calls = e.tap.userinfoCalls()
	if r := e.do("POST", "/auth/session", bearer(fresh)); r.code != 429 || e.tap.userinfoCalls() != calls {
		t.Errorf("during the rate limit: %d, /userinfo calls %d → %d", r.code, calls, e.tap.userinfoCalls())
	}
	if r := e.do("POST", "/auth/session", bearer(fresh+"z")); r.code != 401 || e.tap.userinfoCalls() != calls+1 {
		t.Errorf("another token during the rate limit: %d, /userinfo calls %d → %d", r.code, calls, e.tap.userinfoCalls())
	}
	clk.Advance(2 * time.Minute)
	if r := e.do("POST", "/auth/session", bearer(fresh)); r.code != 401 {
		t.Errorf("after the rate limit: %d %s", r.code, r.raw)
	}
	if logs := e.logs.String(); strings.Contains(logs, tok) || strings.Contains(logs, bobTok) || strings.Contains(logs, ck.Value) {
		t.Error("a log line holds a token or a session secret")
	}
}
