package auth0gin_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
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
	if _, err := auth0gin.ClaimsFrom[orgClaims](t.Context()); !errors.Is(err, auth0gin.ErrMissingToken) {
		t.Errorf("no user: %v", err)
	}
}

// planClaims refuses tokens through Validate in the ways the cases below need.
type planClaims struct {
	Plan string `json:"https://example.com/plan"`
}

func (p *planClaims) Validate(context.Context) error {
	switch p.Plan {
	case "", "pro":
		return nil
	case "free":
		return &auth0gin.ClaimsError{Description: "this route needs the pro plan"}
	case "wrapped":
		return fmt.Errorf("plan check: %w", &auth0gin.ClaimsError{Description: "this route needs the pro plan"})
	case "private":
		return errors.New("plan lookup failed: db password=hunter2")
	case "quoted":
		return &auth0gin.ClaimsError{Description: "bad \"plan\"\r\nX-Injected: 1 \\"}
	case "long":
		return &auth0gin.ClaimsError{Description: "x" + strings.Repeat("é", 300)} // cut inside an é
	case "blank":
		return &auth0gin.ClaimsError{Description: " \t"}
	}
	return nil
}

// A Validate error that opts in through ClaimsError shows its description;
// any other keeps the generic one, so a private detail never reaches callers.
func TestClaimsErrorDescription(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, ti.config())
	r := gin.New()
	r.GET("/pro", auth0gin.RequireClaims[planClaims](a), func(c *gin.Context) { c.JSON(200, gin.H{}) })
	plan := func(p string) http.Header {
		return bearerH(ti.token(t, map[string]any{"https://example.com/plan": p}))
	}
	for p, want := range map[string]string{
		"free":    "this route needs the pro plan",
		"wrapped": "this route needs the pro plan",
		"private": "invalid claims",
		"quoted":  "bad planX-Injected: 1",
		"long":    "x" + strings.Repeat("é", 99),
		"blank":   "invalid claims",
	} {
		got := call(t, r, "/pro", plan(p))
		if got.code != http.StatusUnauthorized || got.body["error"] != "invalid_token" || got.body["error_description"] != want {
			t.Errorf("%s: %d %v, want 401 invalid_token %q", p, got.code, got.body, want)
		}
		if wantChallenge := `error_description="` + want + `"`; !strings.Contains(got.challenge, wantChallenge) {
			t.Errorf("%s: challenge %q lacks %q", p, got.challenge, wantChallenge)
		}
		if strings.Contains(fmt.Sprint(got.body)+got.challenge, "hunter2") {
			t.Errorf("%s: a private Validate error reached the caller", p)
		}
	}
	if got := call(t, r, "/pro", plan("pro")); got.code != http.StatusOK {
		t.Errorf("pro: %d", got.code)
	}
}

func TestCustomClaimsMatchCaseSensitively(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, ti.config())
	u, err := a.Verify(t.Context(), ti.token(t, map[string]any{"ORG_ID": "evil"}))
	if err != nil {
		t.Fatal(err)
	}
	var c orgClaims
	if err := u.Claims(&c); err != nil || c.OrgID != "" {
		t.Errorf("ORG_ID filled org_id: %q %v", c.OrgID, err)
	}
}
