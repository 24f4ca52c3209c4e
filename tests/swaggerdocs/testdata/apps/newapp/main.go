// Command newapp is a Gin API written as a new auth0gin user writes one: swag
// annotations with no security lines, the routes registered through
// auth.Router, and Swagger UI from swagger.Handler.
package main

import (
	"log"
	"net/http"
	"os"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/swagger"
	"github.com/auth0gin/auth0gin/auth0gin/users"

	"example.com/apps/newapp/docs"
)

// @title		New app
// @version	1.0
// @BasePath	/
func main() {
	cfg := auth0gin.FromEnv()
	cfg.Scopes = scopes
	auth := auth0gin.MustNew(cfg)
	if err := router(auth).Run("127.0.0.1:" + os.Getenv("PORT")); err != nil {
		log.Fatal(err)
	}
}

var scopes = map[string]string{
	"read:messages":  "Read your messages",
	"write:messages": "Write messages",
}

func router(auth *auth0gin.Auth0) *gin.Engine {
	r := gin.Default()
	api := auth.Router(r)
	api.GET("/api/public", public)
	api.GET("/api/messages/:id", auth.RequireScopes("read:messages"), message)
	api.POST("/api/messages", auth.RequireScopes("write:messages"), post)
	api.GET("/me", auth.RequireScopes(), me)
	r.GET("/docs/*any", swagger.Handler(auth, docs.SwaggerInfo))
	return r
}

// public godoc
//
//	@Summary	Anyone may call it
//	@Success	200	{object}	map[string]string
//	@Router		/api/public [get]
func public(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"message": "hello"}) }

// message godoc
//
//	@Summary	One message
//	@Param		id	path		string	true	"Message id"	example(m-1)
//	@Success	200	{object}	map[string]string
//	@Router		/api/messages/{id} [get]
func message(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"id": c.Param("id"), "user": auth0gin.MustUser(c).ID})
}

// post godoc
//
//	@Summary	Post a message
//	@Success	201	{object}	map[string]string
//	@Router		/api/messages [post]
func post(c *gin.Context) { c.JSON(http.StatusCreated, gin.H{"user": auth0gin.MustUser(c).ID}) }

// me godoc
//
//	@Summary	The current user, as the library's user model
//	@Success	200	{object}	users.User
//	@Router		/me [get]
func me(c *gin.Context) {
	u := auth0gin.MustUser(c)
	c.JSON(http.StatusOK, users.User{Auth0ID: u.ID})
}
