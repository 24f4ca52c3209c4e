package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/contrib/instrumentation/github.com/gin-gonic/gin/otelgin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/login"
	"github.com/auth0gin/auth0gin/auth0gin/session"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/postgres" // each backend the URLs may name
	_ "github.com/auth0gin/auth0gin/auth0gin/store/redis"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/sqlite"
	"github.com/auth0gin/auth0gin/auth0gin/swagger"
	"github.com/auth0gin/auth0gin/auth0gin/users"
	"github.com/auth0gin/auth0gin/docs"
)

// scopes are the scopes the API declares; they feed Swagger UI's checkboxes,
// and RequireScopes refuses any other at start-up.
var scopes = map[string]string{
	"openid":         "OpenID Connect sign-in",
	"profile":        "Your name and picture",
	"email":          "Your email address",
	"read:messages":  "Read messages",
	"write:messages": "Delete messages (after a recent multi-factor login)",
}

// deviceScopes are what a CLI's device login asks for unless
// AUTH0_DEVICE_SCOPES says otherwise: enough for /api/private-scoped.
const deviceScopes = "openid profile email read:messages"

// newApp wires the example: every flow reads its own variables (see
// .env.example), and what each route requires is declared where it is
// registered, which also writes it into the API docs. The returned function
// closes what the app opened.
func newApp(ctx context.Context, auth *auth0gin.Auth0, log *slog.Logger) (_ *gin.Engine, _ func(), err error) {
	var closers []func() error
	closeAll := func() {
		for _, c := range closers {
			_ = c()
		}
	}
	defer func() {
		if err != nil {
			closeAll()
		}
	}()

	scfg := session.FromEnv() // SESSION_*: the store, origins, lifetimes, opaque tokens
	scfg.Logger = log
	if len(scfg.Device.Scopes) == 0 {
		scfg.Device.Scopes = strings.Fields(deviceScopes)
	}
	st, err := store.Open(ctx, scfg.StoreURL) // empty: SQLite in memory
	if err != nil {
		return nil, nil, fmt.Errorf("opening SESSION_STORE_URL: %w", err)
	}
	closers = append(closers, st.Close)
	sess, err := session.New(ctx, auth, st, scfg)
	if err != nil {
		return nil, nil, err
	}
	closers = append([]func() error{sess.Close}, closers...)
	auth.Attach(sess) // the guards accept the session cookie as they accept a token

	lcfg := login.FromEnv() // AUTH0_LOGIN_*, AUTH0GIN_ENCRYPTION_KEYS
	lcfg.Sessions, lcfg.Logger = sess, log
	var lg *login.Manager
	if lcfg.ClientID != "" {
		if lg, err = login.New(auth, st, lcfg); err != nil {
			return nil, nil, fmt.Errorf("configuring password login: %w", err)
		}
	} else {
		log.Info("example: password login is off (no AUTH0_LOGIN_CLIENT_ID)")
	}
	dev, err := sess.Device(session.DeviceConfig{}) // scfg.Device: AUTH0_DEVICE_CLIENT_ID (else AUTH0_CLIENT_ID), AUTH0_DEVICE_SCOPES
	if err != nil {
		log.Warn("example: device login is off", "err", err)
	}
	ucfg := users.FromEnv() // DATABASE_URL, and the Management API when AUTH0_M2M_CLIENT_ID is set
	ucfg.Logger = log
	me, err := users.New(ctx, auth, ucfg)
	if err != nil {
		return nil, nil, fmt.Errorf("opening the users' database: %w", err)
	}
	closers = append([]func() error{me.Close}, closers...)
	gql, err := graphqlSchema()
	if err != nil {
		return nil, nil, err
	}

	if os.Getenv(gin.EnvGinMode) == "" {
		gin.SetMode(gin.ReleaseMode)
	}
	r := gin.New()
	// Reached directly, not through a proxy: Gin believes no X-Forwarded-*
	// header a client can write. (The login limiters never use Gin's list:
	// they count the peer unless AUTH0GIN_TRUSTED_PROXIES names it.)
	_ = r.SetTrustedProxies(nil)
	r.Use(gin.Recovery(), otelgin.Middleware("auth0gin-example"), accessLog(log), sess.CORS())
	api := auth.Router(r) // what a route requires is written into its API docs
	if lg != nil {
		sess.Mount(api, lg) // POST /auth/session, /auth/ping, /auth/logout (also revokes lg's refresh token)
		lg.Mount(api)       // POST /auth/login, /auth/refresh
	} else {
		sess.Mount(api)
	}
	if dev != nil {
		dev.Mount(api) // POST /auth/device, /auth/device/poll
	}
	r.GET("/", func(c *gin.Context) { c.Redirect(http.StatusFound, "/docs/index.html") })
	api.GET("/api/public", public)
	// The routes that answer the caller's data are never cached (noStore).
	api.GET("/api/private", noStore, auth.RequireScopes(), private)
	api.GET("/api/private-scoped", noStore, auth.RequireScopes("read:messages"), scoped)
	api.GET("/api/me", noStore, auth.RequireScopes(), me.Require(), currentUser)
	// Step-up (RFC 9470): deleting needs a multi-factor login of the last 5
	// minutes; an older or weaker one is answered 401 with the challenge
	// that says what to ask the next login for (docs/step-up.md).
	api.DELETE("/api/messages/:id", noStore, auth.Require(auth0gin.Scopes("write:messages"),
		auth0gin.MaxAge(5*time.Minute), auth0gin.AuthContext("mfa")), deleteMessage)
	// Auth0 Organizations: a token issued for the organization in the path.
	api.GET("/api/orgs/:org/messages", noStore, auth.Require(auth0gin.Organization(":org")), orgMessages)
	// DPoP (RFC 9449): only a token bound to the caller's key, with a fresh
	// proof of that key on each request (docs/dpop.md; try it with cmd/dpop).
	api.GET("/api/private-bound", noStore, auth.Require(auth0gin.DPoP("required")), privateBound)
	api.POST("/graphql", noStore, auth.RequireScopes(), me.Require(), graphqlHandler(gql))
	for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		r.Handle(m, "/graphql", graphqlHandler(gql)) // 405 as a GraphQL error, not Gin's 404 page
	}
	r.GET("/docs/*any", swagger.Handler(auth, docs.SwaggerInfo))
	return r, closeAll, nil
}

// noStore marks an answer that carries the caller's data as not to be
// stored by any cache (RFC 9111 §5.2.2.5): not a shared one, which keeps a
// response to a request without an Authorization header (a session
// cookie's), nor the browser's, which would show it after logout.
func noStore(c *gin.Context) { c.Header("Cache-Control", "no-store") }
