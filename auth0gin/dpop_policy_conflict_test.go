package auth0gin_test

import (
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// DPoP("required") with ExpiredWithin, which takes a Bearer token only,
// panics at registration: the route would accept a Bearer token while the
// API docs say it requires DPoP. So does ExpiredWithin under Config.DPoP
// "required" with no policy of its own; DPoP("off") beside it is fine.
func TestDPoPRequiredWithExpiredWithinPanics(t *testing.T) {
	e := newDPoPEnv(t, nil)
	if !panics(func() { e.a.Require(auth0gin.DPoP("required"), auth0gin.ExpiredWithin(time.Hour)) }) {
		t.Error(`DPoP("required") with ExpiredWithin did not panic`)
	}
	req := newDPoPEnv(t, func(c *auth0gin.Config) { c.DPoP = "required" })
	if !panics(func() { req.a.Require(auth0gin.ExpiredWithin(time.Hour)) }) {
		t.Error(`ExpiredWithin under Config.DPoP "required" did not panic`)
	}
	if panics(func() { req.a.Require(auth0gin.ExpiredWithin(time.Hour), auth0gin.DPoP("off")) }) {
		t.Error(`ExpiredWithin with DPoP("off") under Config.DPoP "required" panicked`)
	}
}

// On a Router, guards of one route that contradict each other panic at
// registration: DPoP required by one and off in another, or required by
// one beside another's ExpiredWithin.
func TestDPoPContradictoryGuardsOnOneRoutePanic(t *testing.T) {
	e := newDPoPEnv(t, nil)
	api := e.a.Router(gin.New())
	g := api.Group("/g")
	g.Use(e.a.Require(auth0gin.DPoP("required")))
	if !panics(func() { g.GET("/off", e.a.Require(auth0gin.DPoP("off")), userJSON) }) {
		t.Error(`a route under DPoP("required") and DPoP("off") did not panic`)
	}
	if !panics(func() { g.POST("/refresh", e.a.Require(auth0gin.ExpiredWithin(time.Hour)), userJSON) }) {
		t.Error(`a route under DPoP("required") and ExpiredWithin did not panic`)
	}
	if panics(func() { g.GET("/ok", e.a.Require(auth0gin.Scopes("read:messages")), userJSON) }) {
		t.Error("a route under DPoP(\"required\") with a scope guard panicked")
	}
}
