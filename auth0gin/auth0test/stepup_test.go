package auth0test_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/swaggo/swag"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/swagger"
)

const stepUpSpec = `{"swagger": "2.0", "info": {"title": "t"}, "basePath": "/api", "paths": {
	"/messages/{id}": {"delete": {"responses": {"204": {"description": "gone"}}}},
	"/audit": {"get": {"responses": {"200": {"description": "OK"}}}}
}}`

// CheckContract checks a step-up route like a scoped one: a token meeting
// the documented requirement passes, one failing each part is challenged.
func TestContractStepUp(t *testing.T) {
	gin.SetMode(gin.TestMode)
	tenant := auth0test.NewTenant(t)
	auth := auth0gin.MustNew(tenant.Config())
	r := gin.New()
	api := auth.Router(r.Group("/api"))
	api.DELETE("/messages/:id", auth.Require(auth0gin.Scopes("write:messages"), auth0gin.MaxAge(5*time.Minute), auth0gin.AuthContext("mfa")), ok)
	api.GET("/audit", auth.Require(auth0gin.MaxAge(time.Minute)), ok)
	r.GET("/docs/*any", swagger.Handler(auth, &swag.Spec{InfoInstanceName: t.Name(), SwaggerTemplate: stepUpSpec}))
	f := &failures{TB: t}
	auth0test.CheckContract(f, tenant, r, "/docs/doc.json")
	if len(f.msgs) > 0 {
		t.Errorf("the contract holds, but CheckContract reports:\n%s", strings.Join(f.msgs, "\n"))
	}

	// A route that checks less than it documents is reported: the docs
	// come from another Auth0 whose route asks for MFA; this one does not.
	docs := auth0gin.MustNew(tenant.Config())
	lax := gin.New()
	auth.Router(lax.Group("/api")).GET("/audit", auth.Require(auth0gin.MaxAge(time.Minute)), ok)
	docs.Router(gin.New().Group("/api")).GET("/audit", docs.Require(auth0gin.MaxAge(time.Minute), auth0gin.AuthContext("mfa")), ok)
	lax.GET("/docs/*any", swagger.Handler(docs, &swag.Spec{InfoInstanceName: t.Name() + "lax", SwaggerTemplate: stepUpSpec}))
	f = &failures{TB: t}
	auth0test.CheckContract(f, tenant, lax, "/docs/doc.json")
	if len(f.msgs) == 0 || !strings.Contains(strings.Join(f.msgs, "\n"), "whose login has another acr is answered 200") {
		t.Errorf("an unenforced AuthContext: %q", f.msgs)
	}
}

// Authenticated mints the login's claims the Config of Tenant reads.
func TestAuthenticatedOption(t *testing.T) {
	tenant := auth0test.NewTenant(t)
	auth := auth0gin.MustNew(tenant.Config())
	at := time.Now().Add(-time.Minute).Truncate(time.Second)
	u, err := auth.Verify(t.Context(), tenant.Token(t, auth0test.Authenticated(at, "urn:gold", "pwd", "mfa")))
	if err != nil || !u.AuthTime.Equal(at) || u.ACR != "urn:gold" || strings.Join(u.AMR, " ") != "pwd mfa" {
		t.Errorf("%+v %v", u, err)
	}
}
