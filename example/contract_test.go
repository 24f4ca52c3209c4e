package main

import (
	"log/slog"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
)

// TestAPIContract checks that every route does what the served API docs say:
// the lock and scopes Swagger UI shows are the ones the route enforces.
func TestAPIContract(t *testing.T) {
	tenant := auth0test.NewTenant(t)
	cfg := tenant.Config()
	cfg.Scopes = scopes
	auth, err := auth0gin.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	auth0test.CheckContract(t, tenant, router(auth, slog.New(slog.DiscardHandler)), "/docs/doc.json")
}
