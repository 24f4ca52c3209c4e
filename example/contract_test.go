package main

import (
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

// TestAPIContract checks that every route does what the served API docs say:
// the lock and scopes Swagger UI shows are the ones the route enforces, and
// so are the step-up and the organization. The tenant knows no
// organization: CheckContract's tokens are for a user of its own, whom the
// tenant would refuse to issue a token of org_acme (the path's example),
// since only Alice is a member (TestOrgMessages covers the real members).
func TestAPIContract(t *testing.T) {
	tenant, h := appWith(t, nil, func(c *devtenant.Config) { c.Organizations = nil })
	auth0test.CheckContract(t, tenant, h.(*gin.Engine), "/docs/doc.json")
}
