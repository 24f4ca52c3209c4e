// Command handwritten is an app documented the old way, by hand-written
// security annotations, that drifted from its code: /api/stale's annotation
// names write:messages while the route checks read:messages, and
// /api/forgotten is protected but has no annotations at all.
package main

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/swagger"

	"example.com/apps/handwritten/docs"
)

// @title		Hand-written app
// @version	1.0
// @BasePath	/
//
// @securityDefinitions.oauth2.accessCode	Auth0PKCE
// @authorizationUrl						https://YOUR_TENANT.auth0.com/authorize
// @tokenUrl								https://YOUR_TENANT.auth0.com/oauth/token
// @scope.read:messages					Read messages
// @scope.write:messages					Write messages
func main() {
	_ = router(auth0gin.MustNew(auth0gin.FromEnv())).Run()
}

func router(auth *auth0gin.Auth0) *gin.Engine {
	r := gin.Default()
	r.GET("/api/public", public)
	r.GET("/api/ok", auth.RequireScopes("read:messages"), ok)
	r.GET("/api/stale", auth.RequireScopes("read:messages"), stale)
	r.GET("/api/forgotten", auth.RequireScopes(), forgotten)
	r.GET("/docs/*any", swagger.Handler(auth, docs.SwaggerInfo))
	return r
}

// public godoc
//
//	@Success	200	{object}	map[string]string
//	@Router		/api/public [get]
func public(c *gin.Context) { c.JSON(http.StatusOK, gin.H{}) }

// ok godoc
//
//	@Security	Auth0PKCE[read:messages]
//	@Success	200	{object}	map[string]string
//	@Router		/api/ok [get]
func ok(c *gin.Context) { c.JSON(http.StatusOK, gin.H{}) }

// stale godoc
//
//	@Security	Auth0PKCE[write:messages]
//	@Success	200	{object}	map[string]string
//	@Router		/api/stale [get]
func stale(c *gin.Context) { c.JSON(http.StatusOK, gin.H{}) }

func forgotten(c *gin.Context) { c.JSON(http.StatusOK, gin.H{}) }
