package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/management"
	"github.com/auth0gin/auth0gin/auth0gin/users"
	"github.com/auth0gin/auth0gin/auth0gin/users/dburl"
	"github.com/auth0gin/auth0gin/auth0gin/users/sqlstore"
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

// mountUsers opens the app's database (DATABASE_URL; empty: SQLite in
// memory) and adds the routes that need the caller's row: GET /api/me and
// POST /graphql. The returned function closes the database.
func mountUsers(ctx context.Context, r *gin.Engine, auth *auth0gin.Auth0, log *slog.Logger) (func() error, error) {
	st, err := dburl.Open(ctx, os.Getenv("DATABASE_URL"), sqlstore.Options{})
	if err != nil {
		return nil, fmt.Errorf("opening DATABASE_URL: %w", err)
	}
	src, err := profileSource(auth, log)
	if err != nil {
		st.Close()
		return nil, err
	}
	res, err := users.New(users.Config[users.User]{Store: st, Profiles: src, Logger: log})
	if err != nil {
		st.Close()
		return nil, err
	}
	schema, err := graphqlSchema()
	if err != nil {
		st.Close()
		return nil, err
	}
	api := auth.Router(r) // documents what each route requires
	api.GET("/api/me", auth.RequireScopes(), res.Require(), me)
	api.POST("/graphql", auth.RequireScopes(), res.Require(), graphqlHandler(schema))
	return st.Close, nil
}

// profileSource is where new users' profiles come from: the Management API
// when a machine client is configured (AUTH0_M2M_CLIENT_ID and _SECRET, or
// the embedded dev tenant's), else /userinfo with the caller's token.
func profileSource(auth *auth0gin.Auth0, log *slog.Logger) (users.ProfileSource, error) {
	cfg := auth.Config()
	mc := management.FromEnv()
	if mc.Domain == "" {
		mc.Domain = cfg.Domain
	}
	if mc.ClientID == "" && cfg.ClientID == devtenant.DefaultSPAClientID && loopback(cfg.Domain) {
		// The embedded dev tenant's machine client is a public fixture.
		mc.ClientID, mc.ClientSecret = devtenant.DefaultM2MClientID, devtenant.DefaultM2MClientSecret
	}
	if mc.ClientID == "" {
		log.Info("example: no AUTH0_M2M_CLIENT_ID, so new users' profiles come from /userinfo")
		return users.UserinfoSource{URL: strings.TrimSuffix(auth.Config().Issuers[0], "/") + "/userinfo"}, nil
	}
	mc.Logger = log
	client, err := management.New(mc)
	if err != nil {
		return nil, fmt.Errorf("configuring the Management API client: %w", err)
	}
	return users.ManagementSource{Client: client}, nil
}

func loopback(domain string) bool {
	u, err := url.Parse(domain)
	if err != nil {
		return false
	}
	ip := net.ParseIP(u.Hostname())
	return u.Hostname() == "localhost" || (ip != nil && ip.IsLoopback())
}

// me godoc
//
//	@Summary		The caller's row in the app's database
//	@Description	The first call creates the row (from the token's claims, or the profile Auth0 holds); later calls return the same row. A machine-to-machine token gets {"machine": true, "client_id": ...} and no row. A session cookie works too.
//	@Tags			users
//	@Produce		json
//	@Success		200	{object}	Me
//	@Failure		401	{object}	TokenError
//	@Failure		503	{object}	UnavailableError
//	@Router			/api/me [get]
func me(c *gin.Context) {
	if m, ok := users.MachineFrom(c); ok {
		c.JSON(http.StatusOK, MachineMe{Machine: true, ClientID: m.ClientID})
		return
	}
	u, _ := users.From[users.User](c)
	c.JSON(http.StatusOK, meOf(u))
}

// graphqlHandler serves the GraphQL schema (see schemaSDL).
//
//	@Summary		GraphQL: the caller's row, and messages with read:messages
//	@Description	POST {"query": "{ me { id email } }"}. The route needs a valid token (or session cookie); the messages field also needs read:messages.
//	@Tags			users
//	@Accept			json
//	@Produce		json
//	@Param			request	body		object	true	"A GraphQL request: query, variables, operationName"
//	@Success		200		{object}	object
//	@Router			/graphql [post]
func graphqlHandler(schema http.Handler) gin.HandlerFunc { return gin.WrapH(schema) }
