package tenant

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/internal/tenantprobe"
)

// backendToken posts form to /oauth/token as the confidential regular web
// client, naming the end user's IP, and decodes the answer.
func backendToken(t *testing.T, tenant *auth0test.Tenant, userIP string, form url.Values) (int, map[string]any) {
	t.Helper()
	c := devtenant.RegularClient
	form.Set("client_id", c.ID)
	form.Set("client_secret", c.Secret)
	req, _ := http.NewRequest(http.MethodPost, tenant.URL+"oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("auth0-forwarded-for", userIP)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, jsonBody(t, res)
}

// The setup the password-login work builds on, black-box through auth0test:
// the regular web client logs users in for a backend, refreshes with
// rotation, and the tenant's counters show what happened; brute force
// counts per end-user IP.
func TestBackendPasswordLoginThroughAuth0test(t *testing.T) {
	tenant := auth0test.NewTenant(t)
	login := url.Values{"grant_type": {"http://auth0.com/oauth/grant-type/password-realm"}, "realm": {"Username-Password-Authentication"},
		"username": {devtenant.Alice.Email}, "password": {devtenant.Alice.Password},
		"audience": {devtenant.Audience}, "scope": {"openid profile email offline_access read:messages"}}
	status, body := backendToken(t, tenant, "198.51.100.1", login)
	if status != http.StatusOK || body["refresh_token"] == nil {
		t.Fatalf("login: %d %v", status, body)
	}
	checkUser(t, tenant, body["access_token"].(string))
	rt := body["refresh_token"].(string)

	status, body = backendToken(t, tenant, "198.51.100.1", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
	if status != http.StatusOK {
		t.Fatalf("refresh: %d %v", status, body)
	}
	if n := tenant.Stats().Grants["refresh_token"]; n != 1 {
		t.Fatalf("refresh grants %d", n)
	}
	// Reuse of the rotated token revokes the family, visibly.
	if status, _ := backendToken(t, tenant, "198.51.100.1", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}); status != http.StatusForbidden {
		t.Fatalf("reuse: %d", status)
	}
	if s := tenant.Stats(); s.RefreshReuseRevocations != 1 || tenantprobe.RefreshTokenStatus(tenant, body["refresh_token"].(string)).RevokedBy != tenantprobe.RevokedByReuse {
		t.Fatalf("stats %+v", s)
	}

	// Ten wrong passwords from one end user block that user and IP only.
	wrong := url.Values{}
	for k, v := range login {
		wrong[k] = v
	}
	wrong.Set("password", "wrong")
	for i := 0; i < 10; i++ {
		backendToken(t, tenant, "203.0.113.50", wrong)
	}
	if status, body := backendToken(t, tenant, "203.0.113.50", login); status != http.StatusTooManyRequests || body["error"] != "too_many_attempts" {
		t.Fatalf("blocked pair: %d %v", status, body)
	}
	if status, _ := backendToken(t, tenant, "198.51.100.1", login); status != http.StatusOK {
		t.Fatalf("another end user's IP: %d", status)
	}
}
