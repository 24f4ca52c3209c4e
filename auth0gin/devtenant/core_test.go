package devtenant_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

// coreFor is the auth0gin core configured to trust e, as an app would be.
func coreFor(t *testing.T, e *env) *auth0gin.Auth0 {
	t.Helper()
	auth, err := auth0gin.New(auth0gin.Config{
		Domain:     e.srv.URL,
		Audience:   []string{devtenant.Audience},
		ClientID:   devtenant.SPAClient.ID,
		EmailClaim: devtenant.EmailClaim,
		RolesClaim: devtenant.RolesClaim,
	})
	if err != nil {
		t.Fatal(err)
	}
	return auth
}

// TestCoreValidatesTenantTokens proves tokens from the real endpoints pass the
// core's validation and map onto Auth0User as Auth0's would.
func TestCoreValidatesTenantTokens(t *testing.T) {
	e := newEnv(t)
	auth := coreFor(t, e)
	ctx := context.Background()

	pw := e.password(t, devtenant.Alice.Email, devtenant.Alice.Password, "openid read:messages")
	wantStatus(t, pw, 200)
	u, err := auth.Verify(ctx, pw.str("access_token"))
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != devtenant.Alice.ID || u.Email == nil || *u.Email != devtenant.Alice.Email || u.IsM2M() || u.GrantType != "password" ||
		!u.HasScope("read:messages") || !u.HasPermission("write:messages") || !u.HasRole("admin") || u.ClientID != devtenant.SPAClient.ID {
		t.Errorf("password grant user %+v", u)
	}

	u, err = auth.Verify(ctx, e.m2m(t, devtenant.Audience))
	if err != nil {
		t.Fatal(err)
	}
	if !u.IsM2M() || u.Email != nil || u.ID != devtenant.M2MClient.ID+"@clients" || !u.HasScope("read:messages") || u.GrantType != "client-credentials" {
		t.Errorf("client credentials user %+v", u)
	}

	// RFC 9068 tokens validate too, and name the client in client_id.
	e9068 := newEnv(t, func(c *devtenant.Config) { c.Dialect = "rfc9068" })
	r := e9068.post(t, "oauth/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {devtenant.M2MClient.ID},
		"client_secret": {devtenant.M2MClient.Secret}, "audience": {devtenant.Audience}})
	u, err = coreFor(t, e9068).Verify(ctx, r.str("access_token"))
	if err != nil {
		t.Fatal(err)
	}
	if u.ClientID != devtenant.M2MClient.ID || !u.IsM2M() {
		t.Errorf("RFC 9068 user %+v", u)
	}

	// The Management API's tokens are not for the app.
	if _, err := auth.Verify(ctx, e.m2m(t, e.ManagementAudience())); err == nil {
		t.Error("a Management API token passed the app's audience check")
	}
}
