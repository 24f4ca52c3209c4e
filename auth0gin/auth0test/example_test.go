package auth0test_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/swaggo/swag"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/swagger"
)

// docs stands for the docs.SwaggerInfo `swag init` generates.
var docs = &swag.Spec{InfoInstanceName: "contract-example", SwaggerTemplate: `{"swagger": "2.0", "paths": {
	"/api/messages": {"get": {"responses": {"200": {"description": "OK"}}}}}}`}

// router is the app's own router, as main builds it.
func router(auth *auth0gin.Auth0) *gin.Engine {
	r := gin.New()
	api := auth.Router(r)
	api.GET("/api/messages", auth.RequireScopes("read:messages"), func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"user": auth0gin.MustUser(c).ID})
	})
	r.GET("/docs/*any", swagger.Handler(auth, docs))
	return r
}

// The contract test of an app: every route does what its docs say, checked
// with the spec as Swagger UI gets it.
func ExampleCheckContract() {
	TestAPIContract := func(t *testing.T) {
		tenant := auth0test.NewTenant(t)
		auth := auth0gin.MustNew(tenant.Config())
		auth0test.CheckContract(t, tenant, router(auth), "/docs/doc.json")
	}
	_ = TestAPIContract // in your _test.go file: func TestAPIContract(t *testing.T) { ... }
}

func TestExampleCheckContract(t *testing.T) {
	gin.SetMode(gin.TestMode)
	tenant := auth0test.NewTenant(t)
	auth := auth0gin.MustNew(tenant.Config())
	auth0test.CheckContract(t, tenant, router(auth), "/docs/doc.json")
}

// A test of a route that requires DPoP (RFC 9449): a token bound to the
// test's key, and a fresh proof of that key for each request, whose htu is
// the request's URL.
func ExampleBound() {
	TestPrivateBound := func(t *testing.T) {
		tenant := auth0test.NewTenant(t)
		auth := auth0gin.MustNew(tenant.Config())
		r := gin.New()
		r.GET("/api/private-bound", auth.Require(auth0gin.DPoP("required")), func(c *gin.Context) {
			c.JSON(http.StatusOK, gin.H{"user": auth0gin.MustUser(c).ID})
		})

		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		token := tenant.Token(t, auth0test.Bound(key))
		req := httptest.NewRequest("GET", "http://example.com/api/private-bound", nil)
		req.Header.Set("Authorization", "DPoP "+token)
		req.Header.Set("DPoP", auth0test.Proof(t, key, "GET", req.URL.String(), token))
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			t.Errorf("%d %s", w.Code, w.Header().Get("WWW-Authenticate"))
		}
	}
	_ = TestPrivateBound // in your _test.go file: func TestPrivateBound(t *testing.T) { ... }
}
