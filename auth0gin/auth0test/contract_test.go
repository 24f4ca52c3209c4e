package auth0test_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/swaggo/swag"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/swagger"
)

// failures is a testing.TB that keeps what Errorf reports instead of failing.
type failures struct {
	testing.TB
	msgs []string
}

func (f *failures) Helper() {}

func (f *failures) Errorf(format string, args ...any) {
	f.msgs = append(f.msgs, fmt.Sprintf(format, args...))
}

func ok(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"ok": true}) }

// undocumented is swag's output for annotations with no security lines.
const undocumented = `{"swagger": "2.0", "info": {"title": "t"}, "basePath": "/api", "paths": {
	"/public": {"get": {"responses": {"200": {"description": "OK"}}}},
	"/me": {"get": {"responses": {"200": {"description": "OK"}}}},
	"/messages/{id}": {"get": {"parameters": [{"in": "path", "name": "id", "type": "string", "example": "m-7"}], "responses": {"200": {"description": "OK"}}}},
	"/messages": {"post": {"responses": {"200": {"description": "OK"}}}},
	"/admin": {"delete": {"responses": {"200": {"description": "OK"}}}},
	"/feed": {"get": {"responses": {"200": {"description": "OK"}}}},
	"/maybe": {"get": {"responses": {"200": {"description": "OK"}}}}
}}`

func TestContractHoldsForDocumentedRoutes(t *testing.T) {
	gin.SetMode(gin.TestMode)
	tenant := auth0test.NewTenant(t)
	auth := auth0gin.MustNew(tenant.Config())
	r := gin.New()
	api := auth.Router(r.Group("/api"))
	api.GET("/public", ok)
	api.GET("/me", auth.RequireScopes(), ok)
	var gotID string
	api.GET("/messages/:id", auth.RequireScopes("read:messages"), func(c *gin.Context) { gotID = c.Param("id"); ok(c) })
	api.POST("/messages", auth.RequireScopes("read:messages", "write:messages"), ok)
	api.DELETE("/admin", auth.Require(auth0gin.Roles("admin")), ok)
	api.GET("/feed", auth.Require(auth0gin.Optional()), auth.Require(auth0gin.AnyScope("read:messages", "write:messages")), ok)
	api.GET("/maybe", auth.Require(auth0gin.Optional(), auth0gin.Scopes("read:messages")), ok) // guests, or read:messages
	r.GET("/docs/*any", swagger.Handler(auth, &swag.Spec{InfoInstanceName: t.Name(), SwaggerTemplate: undocumented}))

	f := &failures{TB: t}
	auth0test.CheckContract(f, tenant, r, "/docs/doc.json")
	if len(f.msgs) > 0 {
		t.Errorf("the contract of an app documented by its routes fails:\n%s", strings.Join(f.msgs, "\n"))
	}
	if gotID != "m-7" {
		t.Errorf("the path parameter was %q, not the spec's example", gotID)
	}
}

// handWritten is a spec written the old way, with @Security lines that drifted.
const handWritten = `{"swagger": "2.0", "info": {"title": "t"}, "paths": {
	"/public": {"get": {"responses": {"200": {"description": "OK"}}}},
	"/open-doc": {"get": {"responses": {"200": {"description": "OK"}}}},
	"/stale": {"get": {"security": [{"Auth0PKCE": ["write:messages"]}], "responses": {"200": {"description": "OK"}}}},
	"/short": {"get": {"security": [{"Auth0PKCE": ["read:messages"]}], "responses": {"200": {"description": "OK"}}}},
	"/gone": {"get": {"security": [{"Auth0PKCE": []}], "responses": {"200": {"description": "OK"}}}},
	"/guest": {"get": {"security": [{"Auth0PKCE": []}, {}], "responses": {"200": {"description": "OK"}}}},
	"/ok": {"get": {"security": [{"Auth0PKCE": ["read:messages"]}], "responses": {"200": {"description": "OK"}}}}
}}`

func TestContractNamesEachDisagreement(t *testing.T) {
	gin.SetMode(gin.TestMode)
	tenant := auth0test.NewTenant(t)
	auth := auth0gin.MustNew(tenant.Config())
	r := gin.New()
	r.GET("/public", ok)
	r.GET("/undocumented", auth.RequireScopes(), ok)                           // protected, not in the docs
	r.GET("/open-doc", auth.RequireScopes(), ok)                               // documented as open
	r.GET("/stale", auth.RequireScopes("read:messages"), ok)                   // docs name write:messages, route checks read:messages
	r.GET("/short", auth.RequireScopes("read:messages", "write:messages"), ok) // enforces a scope the docs omit
	r.GET("/gone", ok)                                                         // documented protected, open
	r.GET("/guest", auth.RequireScopes(), ok)                                  // documented optional, required
	r.GET("/ok", auth.RequireScopes("read:messages"), ok)

	f := &failures{TB: t}
	auth0test.CheckContract(f, tenant, r, handWritten)
	want := map[string]string{
		"GET /undocumented": "not in the docs",
		"GET /open-doc":     "documented as open",
		"GET /stale":        `enforces the scopes ["read:messages"], which the docs do not name`,
		"GET /short":        `enforces the scopes ["write:messages"], which the docs do not name`,
		"GET /gone":         "documented as protected, but answers 200",
		"GET /guest":        "documented as optional",
	}
	for route, reason := range want {
		if !hasFailure(f.msgs, "auth0test: "+route+": ", reason) {
			t.Errorf("no failure %q for %s in:\n%s", reason, route, strings.Join(f.msgs, "\n"))
		}
	}
	if !hasFailure(f.msgs, "auth0test: GET /stale: ", `the documented scope "write:messages" is not enforced: a token without it is answered 200`) {
		t.Errorf("the stale scope is not named:\n%s", strings.Join(f.msgs, "\n"))
	}
	for _, m := range f.msgs {
		if strings.Contains(m, "/public") || strings.Contains(m, "GET /ok:") {
			t.Errorf("a route that keeps its contract was reported: %s", m)
		}
	}
}

// hasFailure reports whether one of msgs starts with prefix and contains s.
func hasFailure(msgs []string, prefix, s string) bool {
	for _, m := range msgs {
		if strings.HasPrefix(m, prefix) && strings.Contains(m, s) {
			return true
		}
	}
	return false
}

func TestContractRolesAreChecked(t *testing.T) {
	gin.SetMode(gin.TestMode)
	tenant := auth0test.NewTenant(t)
	auth := auth0gin.MustNew(tenant.Config())
	r := gin.New()
	r.GET("/admin", auth.RequireScopes(), ok) // docs claim a role the route does not check
	spec := `{"swagger": "2.0", "paths": {"/admin": {"get": {"security": [{"Auth0PKCE": []}], "x-auth0-roles": ["admin"],
		"responses": {"200": {"description": "OK"}}}}}}`
	f := &failures{TB: t}
	auth0test.CheckContract(f, tenant, r, spec)
	if len(f.msgs) != 1 || !strings.Contains(f.msgs[0], `GET /admin: the documented roles ["admin"] are not enforced`) {
		t.Errorf("got %q", f.msgs)
	}
}
