package auth0gin_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
)

type orgClaims struct {
	OrgID   string   `json:"org_id"`
	OrgName string   `json:"org_name"`
	Roles   []string `json:"https://example.com/roles"`
}

func (o *orgClaims) Validate(context.Context) error {
	if o.OrgID == "" {
		return errors.New("an organization token is required")
	}
	return nil
}

func TestRequireClaims(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, ti.config())
	r := gin.New()
	r.GET("/org", auth0gin.RequireClaims[orgClaims](a, auth0gin.Scopes("read:messages")), func(c *gin.Context) {
		claims, err := auth0gin.ClaimsFrom[orgClaims](c)
		if err != nil {
			c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"error": err.Error()})
			return
		}
		c.JSON(200, gin.H{"org": claims.OrgID, "roles": claims.Roles})
	})
	got := call(t, r, "/org", bearerH(ti.token(t, map[string]any{"org_id": "org_123", "org_name": "acme"})))
	if got.code != 200 || got.body["org"] != "org_123" || got.body["roles"].([]any)[0] != "admin" {
		t.Errorf("%d %v", got.code, got.body)
	}
	if got := call(t, r, "/org", bearerH(ti.token(t, nil))); got.code != 401 || got.body["error"] != "invalid_token" {
		t.Errorf("no org_id: %d %v", got.code, got.body)
	}
	if got := call(t, r, "/org", bearerH(ti.token(t, map[string]any{"org_id": "o", "scope": "", "permissions": []string{}}))); got.code != 403 {
		t.Errorf("scope still required: %d", got.code)
	}
}

func TestClaimsFromPlainRoute(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, ti.config())
	u, err := a.Verify(t.Context(), ti.token(t, map[string]any{"org_id": "org_9"}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := auth0gin.WithUser(t.Context(), u)
	c, err := auth0gin.ClaimsFrom[orgClaims](ctx)
	if err != nil || c.OrgID != "org_9" {
		t.Errorf("%v %v", c, err)
	}
	if _, err := auth0gin.ClaimsFrom[orgClaims](t.Context()); !errors.Is(err, auth0gin.ErrNoUser) {
		t.Errorf("no user: %v", err)
	}
}
