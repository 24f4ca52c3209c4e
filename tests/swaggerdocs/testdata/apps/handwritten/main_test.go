package main

import (
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"

	"example.com/apps/handwritten/docs"
)

// TestAPIContract fails: the docs and the routes disagree.
func TestAPIContract(t *testing.T) {
	gin.SetMode(gin.TestMode)
	tenant := auth0test.NewTenant(t)
	auth0test.CheckContract(t, tenant, router(auth0gin.MustNew(tenant.Config())), docs.SwaggerInfo.ReadDoc())
}
