package main

import (
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
)

func TestAPIContract(t *testing.T) {
	gin.SetMode(gin.TestMode)
	tenant := auth0test.NewTenant(t)
	cfg := tenant.Config()
	cfg.Scopes = scopes
	auth0test.CheckContract(t, tenant, router(auth0gin.MustNew(cfg)), "/docs/doc.json")
}
