package auth0test_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

// TestPackageDocExample is the package documentation's example, kept honest.
func TestPackageDocExample(t *testing.T) {
	gin.SetMode(gin.TestMode)
	tenant := auth0test.NewTenant(t)
	auth := auth0gin.MustNew(tenant.Config())

	r := gin.New()
	r.GET("/api/messages", auth.RequireScopes("read:messages"), func(c *gin.Context) {
		user := auth0gin.MustUser(c)
		c.JSON(200, gin.H{"id": user.ID, "email": user.Email})
	})
	api := httptest.NewServer(r)
	defer api.Close()

	get := func(token string) int {
		req, _ := http.NewRequest("GET", api.URL+"/api/messages", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := get(tenant.Token(t)); got != 200 {
		t.Errorf("alice: %d", got)
	}
	if got := get(tenant.Token(t, auth0test.Scopes("write:messages"))); got != 403 {
		t.Errorf("without read:messages: %d", got)
	}
	if got := get(tenant.Token(t, auth0test.Expired())); got != 401 {
		t.Errorf("expired: %d", got)
	}
	if got := get(tenant.Token(t, auth0test.Audience(tenant.ManagementAudience()))); got != 401 {
		t.Errorf("wrong audience: %d", got)
	}
	if got := get(tenant.M2MToken(t, "read:messages")); got != 200 {
		t.Errorf("machine: %d", got)
	}
	if got := get(tenant.PasswordToken(t, devtenant.Bob.Email, devtenant.Bob.Password, "read:messages")); got != 403 {
		t.Errorf("bob has no permissions: %d", got)
	}
	old := tenant.Token(t)
	tenant.RotateKeys()
	if get(old) != 200 || get(tenant.Token(t)) != 200 {
		t.Error("key rotation broke tokens")
	}
}

func TestUserFromTokens(t *testing.T) {
	tenant := auth0test.NewTenant(t)
	auth, err := auth0gin.New(tenant.Config())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	u, err := auth.Verify(ctx, tenant.Token(t, auth0test.Claims(map[string]any{"https://example.com/team": "blue"})))
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != devtenant.Alice.ID || u.Email == nil || *u.Email != devtenant.Alice.Email || u.IsM2M() ||
		!u.HasPermission("write:messages") || !u.HasRole("admin") || u.ClientID != devtenant.SPAClient.ID {
		t.Errorf("alice: %+v", u)
	}
	var extra struct {
		Team string `json:"https://example.com/team"`
	}
	if err := u.Claims(&extra); err != nil || extra.Team != "blue" {
		t.Errorf("custom claim: %+v %v", extra, err)
	}

	u, err = auth.Verify(ctx, tenant.Token(t, auth0test.Subject("auth0|zed"), auth0test.Email("zed@example.com"), auth0test.Permissions("read:messages")))
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != "auth0|zed" || *u.Email != "zed@example.com" || len(u.Permissions) != 1 {
		t.Errorf("zed: %+v", u)
	}

	u, err = auth.Verify(ctx, tenant.M2MToken(t))
	if err != nil {
		t.Fatal(err)
	}
	if !u.IsM2M() || u.Email != nil || u.ID != devtenant.M2MClient.ID+"@clients" || !u.HasScope("read:messages") {
		t.Errorf("m2m: %+v", u)
	}

	if _, err := auth.Verify(ctx, tenant.Token(t, auth0test.Expired())); err == nil {
		t.Error("expired token verified")
	}
	var ae *auth0gin.AuthError
	if _, err := auth.Verify(ctx, tenant.Token(t, auth0test.Audience(tenant.ManagementAudience()))); !errors.As(err, &ae) {
		t.Errorf("wrong audience: %v", err)
	}
}

func TestOptions(t *testing.T) {
	tenant := auth0test.NewTenant(t, auth0test.WithUsers(devtenant.User{
		Email: "carol@example.com", Password: "carol-password",
		Permissions: map[string][]string{devtenant.Audience: {"read:messages"}},
	}))
	auth := auth0gin.MustNew(tenant.Config())
	u, err := auth.Verify(context.Background(), tenant.PasswordToken(t, "carol@example.com", "carol-password", "read:messages"))
	if err != nil {
		t.Fatal(err)
	}
	if *u.Email != "carol@example.com" || !u.HasScope("read:messages") || u.GrantType != "password" {
		t.Errorf("carol: %+v", u)
	}
	if got := tenant.Config(); got.Scopes["read:messages"] == "" || got.Audience[0] != devtenant.Audience {
		t.Errorf("config %+v", got)
	}
}
