package login_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/login"
	"github.com/auth0gin/auth0gin/internal/tenantprobe"
)

// TestUnverifiableTokenRevoked: when the tenant's access token does not
// verify here (the API's audience or the domain misconfigured), the login
// fails with 502, and the refresh token that came with it is revoked rather
// than left alive at the tenant, held by nobody.
func TestUnverifiableTokenRevoked(t *testing.T) {
	tenant := newTenant(t)
	cfg := tenant.Config()
	api := cfg.Audience[0]
	cfg.Audience = []string{"https://another.api.example/"}
	auth := auth0gin.MustNew(cfg)
	keys, _ := login.ParseKeys(keyA)
	tr := &tap{base: http.DefaultTransport}
	m := mustNew(auth, newMemStore(), login.Config{
		ClientID: regularClientID, ClientSecret: regularClientSecret, Keys: keys, Audience: api,
		HTTPClient: &http.Client{Transport: tr}, LoginsPerMinute: -1,
	})
	_, _, err := m.PasswordLogin(context.Background(), devtenant.Alice.Email, devtenant.Alice.Password, "192.0.2.1")
	var le *login.Error
	if !errors.As(err, &le) || le.Status != http.StatusBadGateway || le.Code != "server_error" {
		t.Fatalf("login with an unverifiable token: %v", err)
	}
	rts := tr.tokens()
	if len(rts) != 1 {
		t.Fatalf("the tenant issued %d refresh tokens", len(rts))
	}
	if s := tenantprobe.RefreshTokenStatus(tenant, rts[0]); !s.Revoked {
		t.Errorf("the refresh token of a refused login is alive at the tenant: %+v", s)
	}
}
