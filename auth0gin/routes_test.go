package auth0gin_test

import (
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/internal/apidoc"
)

type teamClaims struct {
	Team string `json:"team"`
}

func TestRouterRecordsWhatEachRouteEnforces(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, ti.config())
	r := gin.New()
	api := a.Router(r)
	api.GET("/public", ok)
	api.GET("/private", a.RequireScopes(), ok)
	api.GET("/scoped/:id", a.RequireScopes("read:messages", "write:messages"), ok)
	api.POST("/any", a.Require(auth0gin.AnyScope("read:messages", "write:messages")), ok)
	api.GET("/guest", a.Require(auth0gin.Optional()), ok)
	api.GET("/claims", auth0gin.RequireClaims[teamClaims](a, auth0gin.Scopes("read:messages")), ok)
	admin := api.Group("/admin", a.Require(auth0gin.Roles("admin")))
	admin.DELETE("/users/*rest", a.RequireScopes("write:messages"), ok)
	v2 := api.Group("/v2")
	v2.GET("/open", ok)
	v2.Use(a.RequireScopes("read:messages"))
	v2.GET("/after-use", ok)
	r.GET("/plain", a.RequireScopes("read:messages"), ok) // straight on Gin: not recorded

	want := []auth0gin.Operation{
		{Guarded: true, Method: "GET", Path: "/private"},
		{Guarded: true, Method: "GET", Path: "/scoped/:id", Scopes: []string{"read:messages", "write:messages"}},
		{Guarded: true, Method: "POST", Path: "/any", AnyScopes: []string{"read:messages", "write:messages"}},
		{Guarded: true, Method: "GET", Path: "/guest", Optional: true},
		{Guarded: true, Method: "GET", Path: "/claims", Scopes: []string{"read:messages"}, Claims: true},
		{Guarded: true, Method: "DELETE", Path: "/admin/users/*rest", Scopes: []string{"write:messages"}, Roles: []string{"admin"}},
		{Guarded: true, Method: "GET", Path: "/v2/after-use", Scopes: []string{"read:messages"}},
	}
	got := a.Operations()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Operations:\n got %+v\nwant %+v", got, want)
	}
	if p := got[5].Path; p != "/admin/users/*rest" {
		t.Errorf("Path = %q", p)
	}

	// The routes are Gin's, unchanged: the guards still check.
	tok := ti.token(t, nil)
	for _, c := range []struct {
		method, path, token string
		want                int
	}{
		{"GET", "/public", "", 200},
		{"GET", "/private", "", 401},
		{"GET", "/private", tok, 200},
		{"GET", "/scoped/7", tok, 200},
		{"GET", "/guest", "", 200},
		{"GET", "/claims", tok, 200},
		{"DELETE", "/admin/users/a/b", tok, 200},
		{"DELETE", "/admin/users/a/b", ti.token(t, map[string]any{testRolesClaim: nil}), 403},
		{"GET", "/v2/open", "", 200},
		{"GET", "/v2/after-use", "", 401},
		{"GET", "/plain", "", 401},
	} {
		req := httptest.NewRequest(c.method, c.path, nil)
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		if w.Code != c.want {
			t.Errorf("%s %s: %d, want %d", c.method, c.path, w.Code, c.want)
		}
	}
}

func TestRouterSeesGuardsUsedBeforeIt(t *testing.T) {
	a := mustNew(t, newTestIssuer(t).config())
	r := gin.New()
	r.Use(gin.Recovery(), a.RequireScopes("read:messages")) // on the engine, before the Router
	v1 := r.Group("/v1", a.Require(auth0gin.Roles("admin")))
	a.Router(v1).GET("/x", ok)
	want := []auth0gin.Operation{{Guarded: true, Method: "GET", Path: "/v1/x", Scopes: []string{"read:messages"}, Roles: []string{"admin"}}}
	if got := a.Operations(); !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestRouterChaining(t *testing.T) {
	a := mustNew(t, newTestIssuer(t).config())
	api := a.Router(gin.New().Group("/api"))
	api.DELETE("/all", a.RequireScopes(), ok).GET("/chained", a.RequireScopes("read:messages"), ok)
	api.PUT("/two/", a.Require(auth0gin.Optional()), ok).PATCH("/two/", a.Require(auth0gin.Optional()), ok)
	var got []string
	for _, op := range a.Operations() {
		got = append(got, op.Method+" "+op.Path)
	}
	want := []string{
		"DELETE /api/all", "GET /api/chained", "PUT /api/two/", "PATCH /api/two/",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// A route a flow package documented records its Doc, guarded or not, and a
// documented route with no guard is public.
func TestRouterRecordsDocumentedRoutes(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, ti.config())
	r := gin.New()
	api := a.Router(r)
	open := &apidoc.Doc{Summary: "open"}
	closed := &apidoc.Doc{Summary: "closed"}
	api.POST("/auth/open", apidoc.Describe(open, ok))
	api.POST("/auth/closed", a.RequireScopes(), apidoc.Describe(closed, ok))
	got := a.Operations()
	want := []auth0gin.Operation{
		{Method: "POST", Path: "/auth/open", Doc: open},
		{Guarded: true, Method: "POST", Path: "/auth/closed", Doc: closed},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Operations:\n got %+v\nwant %+v", got, want)
	}
	// The described handler still runs.
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("POST", "/auth/open", nil))
	if w.Code != 200 {
		t.Fatalf("POST /auth/open = %d", w.Code)
	}
}
