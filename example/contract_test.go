package main

import (
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
)

// TestAPIContract checks that every route does what the served API docs say:
// the lock and scopes Swagger UI shows are the ones the route enforces, and
// so are the step-up and the organization (on the dev tenant as it is, with
// its organizations: CheckContract mints for a subject of its own, which
// the tenant takes as given).
func TestAPIContract(t *testing.T) {
	tenant, h := app(t)
	auth0test.CheckContract(t, tenant, h.(*gin.Engine), "/docs/doc.json")
}
