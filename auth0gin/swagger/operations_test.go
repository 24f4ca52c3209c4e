package swagger_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/swaggo/swag"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/swagger"
)

// opsTemplate is what swag writes for annotations with no security lines,
// except /scoped/{id}, written the old way with a stale scope and its own 401.
const opsTemplate = `{
    "swagger": "2.0", "info": {"title": "{{.Title}}"}, "basePath": "/api",
    "securityDefinitions": {"Auth0PKCE": {"type": "oauth2", "flow": "accessCode",
        "authorizationUrl": "https://YOUR_TENANT/authorize", "tokenUrl": "https://YOUR_TENANT/oauth/token",
        "description": "hand-written"}},
    "paths": {
        "/public": {"get": {"responses": {"200": {"description": "OK"}}}},
        "/private": {"get": {"description": "Any token.", "responses": {"200": {"description": "OK"}}}},
        "/scoped/{id}": {"get": {
            "security": [{"Auth0PKCE": ["openid"]}],
            "responses": {"200": {"description": "OK"}, "401": {"description": "written by hand"}}}},
        "/any": {"post": {"responses": {"200": {"description": "OK"}}}},
        "/guest": {"get": {"responses": {"200": {"description": "OK"}}}},
        "/admin/{rest}": {"delete": {"responses": {"200": {"description": "OK"}}}}
    }
}`

type operation struct {
	Description string
	Security    []map[string][]string
	Responses   map[string]struct {
		Description string
		Schema      map[string]any
		Headers     map[string]struct{ Type, Description string }
	}
	Roles []string `json:"x-auth0-roles"`
}

func TestOperationsFromRoutes(t *testing.T) {
	gin.SetMode(gin.TestMode)
	auth := newAuth(t, "https://tenant.eu.auth0.com")
	auth = auth0gin.MustNew(func() auth0gin.Config { c := auth.Config(); c.RolesClaim = "https://example.com/roles"; return c }())
	r := gin.New()
	api := auth.Router(r.Group("/api"))
	h := func(c *gin.Context) {}
	api.GET("/public", h)
	api.GET("/private", auth.RequireScopes(), h)
	api.GET("/scoped/:id", auth.RequireScopes("read:messages"), h)
	api.POST("/any", auth.Require(auth0gin.AnyScope("read:messages", "openid")), h)
	api.GET("/guest", auth.Require(auth0gin.Optional()), h)
	api.Group("/admin", auth.Require(auth0gin.Roles("admin"))).DELETE("/*rest", h)
	api.GET("/hidden", auth.RequireScopes(), h) // not in the spec: left out
	spec := &swag.Spec{Title: "Ops", InfoInstanceName: t.Name(), SwaggerTemplate: opsTemplate}
	r.GET("/docs/*any", swagger.Handler(auth, spec))

	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/docs/doc.json", nil))
	var doc struct {
		Definitions map[string]secDef `json:"securityDefinitions"`
		Paths       map[string]map[string]operation
	}
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, w.Body)
	}

	authorize := "https://tenant.eu.auth0.com/authorize?audience=https%3A%2F%2Fapi.example%2F"
	if d := doc.Definitions["Auth0ImplicitBearer"]; d.Type != "oauth2" || d.Flow != "implicit" || d.AuthorizationURL != authorize || d.Scopes["read:messages"] != "Read messages" {
		t.Errorf("implicit scheme: %+v", d)
	}
	if d := doc.Definitions["Auth0PKCE"]; d.Flow != "accessCode" || d.AuthorizationURL != authorize || d.TokenURL != "https://tenant.eu.auth0.com/oauth/token" || d.Scopes["openid"] != "declared" {
		t.Errorf("PKCE scheme: %+v", d)
	}
	if !strings.Contains(w.Body.String(), `"hand-written"`) {
		t.Error("the spec's own Auth0PKCE definition was replaced")
	}

	both := func(scopes ...string) []map[string][]string {
		scopes = append([]string{}, scopes...) // [] in JSON, not null
		return []map[string][]string{{"Auth0ImplicitBearer": scopes}, {"Auth0PKCE": scopes}}
	}
	for _, c := range []struct {
		path, method string
		security     []map[string][]string
		forbidden    bool
	}{
		{"/public", "get", nil, false},
		{"/private", "get", both(), false},
		{"/scoped/{id}", "get", both("read:messages"), true}, // the code wins over the stale @Security
		{"/any", "post", []map[string][]string{
			{"Auth0ImplicitBearer": {"read:messages"}}, {"Auth0ImplicitBearer": {"openid"}},
			{"Auth0PKCE": {"read:messages"}}, {"Auth0PKCE": {"openid"}}}, true},
		{"/guest", "get", append(both(), map[string][]string{}), false},
		{"/admin/{rest}", "delete", both(), true},
	} {
		op := doc.Paths[c.path][c.method]
		if !reflect.DeepEqual(op.Security, c.security) {
			t.Errorf("%s %s security = %v, want %v", c.method, c.path, op.Security, c.security)
		}
		if c.security == nil {
			if len(op.Responses) != 1 {
				t.Errorf("%s %s: responses added to an open route: %v", c.method, c.path, op.Responses)
			}
			continue
		}
		codes := []string{"401"}
		if c.forbidden {
			codes = append(codes, "403")
		}
		for _, code := range codes {
			res, ok := op.Responses[code]
			if !ok || res.Headers["WWW-Authenticate"].Type != "string" {
				t.Errorf("%s %s: %s response %+v lacks its WWW-Authenticate header", c.method, c.path, code, res)
			}
		}
		if _, ok := op.Responses["403"]; ok != c.forbidden {
			t.Errorf("%s %s: 403 documented: %v", c.method, c.path, ok)
		}
	}
	if got := doc.Paths["/scoped/{id}"]["get"].Responses["401"].Description; got != "written by hand" {
		t.Errorf("the spec's own 401 description was replaced: %q", got)
	}
	if s := doc.Paths["/private"]["get"].Responses["401"].Schema; s["type"] != "object" {
		t.Errorf("401 schema = %v", s)
	}
	admin := doc.Paths["/admin/{rest}"]["delete"]
	if !reflect.DeepEqual(admin.Roles, []string{"admin"}) || !strings.Contains(admin.Description, "roles admin") {
		t.Errorf("roles not documented: %+v", admin)
	}
	if d := doc.Paths["/guest"]["get"].Description; !strings.Contains(d, "optional") {
		t.Errorf("guest description = %q", d)
	}
	if _, ok := doc.Paths["/hidden"]; ok {
		t.Error("a route missing from the spec was added to it")
	}
}

func TestOperationsOpenAPI3(t *testing.T) {
	gin.SetMode(gin.TestMode)
	auth := newAuth(t, "https://tenant.eu.auth0.com")
	r := gin.New()
	auth.Router(r).GET("/v1/items/:id", auth.RequireScopes("read:messages"), func(*gin.Context) {})
	spec := &swag.Spec{InfoInstanceName: t.Name(), SwaggerTemplate: `{"openapi": "3.0.3", "info": {"title": "x"},
		"servers": [{"url": "https://api.example/v1"}],
		"paths": {"/items/{id}": {"get": {"responses": {"200": {"description": "OK"}}}}}}`}
	r.GET("/docs/*any", swagger.Handler(auth, spec))
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/docs/doc.json", nil))
	var doc struct {
		Components struct {
			SecuritySchemes map[string]struct {
				Flows map[string]secDef
			}
		}
		Paths map[string]map[string]struct {
			Security  []map[string][]string
			Responses map[string]struct {
				Headers map[string]struct{ Schema map[string]string }
				Content map[string]any
			}
		}
	}
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if f := doc.Components.SecuritySchemes["Auth0PKCE"].Flows["authorizationCode"]; f.TokenURL != "https://tenant.eu.auth0.com/oauth/token" || f.Scopes["read:messages"] == "" {
		t.Errorf("PKCE flow: %+v", f)
	}
	if f := doc.Components.SecuritySchemes["Auth0ImplicitBearer"].Flows["implicit"]; !strings.HasPrefix(f.AuthorizationURL, "https://tenant.eu.auth0.com/authorize?") {
		t.Errorf("implicit flow: %+v", f)
	}
	op := doc.Paths["/items/{id}"]["get"]
	if len(op.Security) != 2 || op.Security[1]["Auth0PKCE"][0] != "read:messages" {
		t.Errorf("security = %v", op.Security)
	}
	if res := op.Responses["403"]; res.Headers["WWW-Authenticate"].Schema["type"] != "string" || res.Content["application/json"] == nil {
		t.Errorf("403 = %+v", res)
	}
}
