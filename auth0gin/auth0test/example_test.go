package auth0test_test

import (
	"net/http"
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
