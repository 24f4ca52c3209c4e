package tenant

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/internal/testutil"
)

// TestTenantLogsNoSecrets drives the grants that carry secrets (passwords,
// client secrets, refresh tokens, including a reused one) with the tenant's
// debug log on, and checks none of them is written there.
func TestTenantLogsNoSecrets(t *testing.T) {
	var logs testutil.SyncBuffer
	tenant := auth0test.NewTenant(t, func(c *devtenant.Config) {
		c.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	post := func(form url.Values) map[string]any {
		res, err := http.PostForm(tenant.URL+"oauth/token", form)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		_ = json.Unmarshal([]byte(readAll(t, res)), &body)
		return body
	}
	secrets := []string{devtenant.Alice.Password, devtenant.M2MClient.Secret, "a-wrong-password"}
	first := post(url.Values{"grant_type": {"password"}, "client_id": {devtenant.SPAClient.ID}, "audience": {devtenant.Audience},
		"username": {devtenant.Alice.Email}, "password": {devtenant.Alice.Password}, "scope": {"openid offline_access read:messages"}})
	rt, _ := first["refresh_token"].(string)
	if rt == "" {
		t.Fatalf("no refresh token: %v", first)
	}
	second := post(url.Values{"grant_type": {"refresh_token"}, "client_id": {devtenant.SPAClient.ID}, "refresh_token": {rt}})
	post(url.Values{"grant_type": {"refresh_token"}, "client_id": {devtenant.SPAClient.ID}, "refresh_token": {rt}}) // reuse: family revoked, logged
	post(url.Values{"grant_type": {"password"}, "client_id": {devtenant.SPAClient.ID}, "audience": {devtenant.Audience},
		"username": {devtenant.Alice.Email}, "password": {"a-wrong-password"}})
	m2m := post(url.Values{"grant_type": {"client_credentials"}, "client_id": {devtenant.M2MClient.ID},
		"client_secret": {devtenant.M2MClient.Secret}, "audience": {devtenant.Audience}})
	for _, body := range []map[string]any{first, second, m2m} {
		for _, k := range []string{"access_token", "refresh_token", "id_token"} {
			if s, _ := body[k].(string); s != "" {
				secrets = append(secrets, s)
			}
		}
	}
	out := logs.String()
	if !strings.Contains(out, "reuse detected") || !strings.Contains(out, "failed login") {
		t.Fatalf("the log should record the reuse and the failed login: %q", out)
	}
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("a secret (%d chars) appears in the tenant's log", len(s))
		}
	}
}
