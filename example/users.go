package main

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	_ "github.com/auth0gin/auth0gin/auth0gin/store/sqlite" // the "sqlite" database/sql driver, for DATABASE_URL
	"github.com/auth0gin/auth0gin/auth0gin/users"
)

// Me is the body of GET /api/me: the caller's row in the app's database.
type Me struct {
	// The app's row id.
	ID string `json:"id" example:"1"`
	// The Auth0 user id the row is linked to.
	Auth0ID string `json:"auth0_id" example:"auth0|alice"`
	// The user's email.
	Email string `json:"email" example:"alice@example.com"`
	// The user's name.
	Name string `json:"name" example:"Alice Example"`
	// When the row was created (RFC 3339).
	CreatedAt string `json:"created_at" example:"2026-01-02T15:04:05Z"`
} //	@name	Me

// MachineMe is the body of GET /api/me for a machine-to-machine token.
type MachineMe struct {
	// Always true: the caller is a machine, with no row.
	Machine bool `json:"machine" example:"true"`
	// The machine's client id.
	ClientID string `json:"client_id" example:"auth0gin-m2m"`
} //	@name	MachineMe

func meOf(u users.User) Me {
	return Me{
		ID: strconv.FormatInt(u.ID, 10), Auth0ID: u.Auth0ID, Email: u.Email, Name: u.Name,
		CreatedAt: u.CreatedAt.UTC().Format(time.RFC3339),
	}
}

// currentUser godoc
//
//	@Summary		The caller's row in the app's database
//	@Description	The first call creates the row (from the token's claims, or the profile Auth0 holds); later calls return the same row. A machine-to-machine token gets {"machine": true, "client_id": ...} and no row. A session cookie works too.
//	@Tags			users
//	@Produce		json
//	@Success		200	{object}	Me
//	@Header			200	{string}	Cache-Control	"no-store"
//	@Failure		401	{object}	TokenError
//	@Failure		503	{object}	UnavailableError
//	@Router			/api/me [get]
func currentUser(c *gin.Context) {
	if m, ok := users.MachineFrom(c); ok {
		c.JSON(http.StatusOK, MachineMe{Machine: true, ClientID: m.ClientID})
		return
	}
	u, _ := users.From[users.User](c)
	c.JSON(http.StatusOK, meOf(u))
}

// GraphQLErrors is the body of a GraphQL request refused before its query
// runs (400, 405, 413): GraphQL's own error shape.
type GraphQLErrors struct {
	// One error, saying what was wrong with the request.
	Errors []GraphQLError `json:"errors"`
} //	@name	GraphQLErrors

// GraphQLError is one error of a GraphQL answer.
type GraphQLError struct {
	// What went wrong.
	Message string `json:"message" example:"the request has no query"`
} //	@name	GraphQLError

// graphqlHandler serves the GraphQL schema (see schemaSDL).
//
//	@Summary		GraphQL: the caller's row, and messages with read:messages
//	@Description	POST {"query": "{ me { id email } }"}. The route needs a valid token (or session cookie); the messages field also needs read:messages.
//	@Tags			users
//	@Accept			json
//	@Produce		json
//	@Param			request	body		object	true	"A GraphQL request: query, variables, operationName"
//	@Success		200		{object}	object	"{data, errors}: the query's own errors come with a 200"
//	@Header			200		{string}	Cache-Control	"no-store"
//	@Failure		400		{object}	GraphQLErrors	"The body is not a JSON object of query, operationName and variables, or has no query"
//	@Failure		401		{object}	TokenError		"Missing or invalid token"
//	@Failure		413		{object}	GraphQLErrors	"The body is over 64 KiB"
//	@Router			/graphql [post]
func graphqlHandler(schema http.Handler) gin.HandlerFunc { return gin.WrapH(schema) }
