package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/swagger"
	"github.com/auth0gin/auth0gin/docs"
)

// scopes are the scopes the API declares; they feed Swagger UI's checkboxes,
// and RequireScopes refuses any other at start-up.
var scopes = map[string]string{
	"openid":        "OpenID Connect sign-in",
	"profile":       "Your name and picture",
	"email":         "Your email address",
	"read:messages": "Read messages",
}

// run configures the app, serves it until ctx ends, then shuts down.
func run(ctx context.Context, log *slog.Logger) error {
	cfg := auth0gin.FromEnv()
	cfg.Logger = log
	cfg.Scopes = scopes
	host := os.Getenv("HOST") // empty with a real tenant: all interfaces
	if cfg.Domain == "" {
		dev, err := startDevTenant(os.Getenv("DEVTENANT_ADDR"), &cfg, log)
		if err != nil {
			return err
		}
		defer dev.Close()
		host = envOr("HOST", "127.0.0.1") // the dev tenant's users are public: stay on loopback
	}
	auth, err := auth0gin.New(cfg)
	if err != nil {
		return fmt.Errorf("configuring auth0gin: %w", err)
	}
	lg, err := openLogin(ctx, auth, log)
	if err != nil {
		return err
	}
	defer lg.Close()
	sess, err := openSessions(ctx, auth, log, endersOf(lg)...) // POST /auth/logout also ends lg's refresh token
	if err != nil {
		return err
	}
	defer sess.Close()

	addr := net.JoinHostPort(host, envOr("PORT", "6060"))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", addr, err)
	}
	handler := router(auth, log, sess)
	closeUsers, err := mountUsers(ctx, handler, auth, log) // GET /api/me, POST /graphql
	if err != nil {
		return err
	}
	defer closeUsers()
	srv := &http.Server{
		Handler:           lg.mount(handler),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	port := ln.Addr().(*net.TCPAddr).Port
	log.Info("example: listening", "addr", ln.Addr().String(),
		"docs", fmt.Sprintf("http://127.0.0.1:%d/docs/index.html", port), "tenant", auth.Config().Domain)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serving: %w", err)
	case <-ctx.Done():
	}
	log.Info("example: shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving: %w", err)
	}
	return nil
}

// router wires the routes: what each one needs is declared where it is registered.
func router(auth *auth0gin.Auth0, log *slog.Logger, sess *sessions) *gin.Engine {
	if os.Getenv(gin.EnvGinMode) == "" {
		gin.SetMode(gin.ReleaseMode)
	}
	r := gin.New()
	r.Use(gin.Recovery(), accessLog(log))
	sess.mount(r)
	r.GET("/", func(c *gin.Context) { c.Redirect(http.StatusFound, "/docs/index.html") })
	api := auth.Router(r) // what a route requires is written into its API docs
	api.GET("/api/public", public)
	api.GET("/api/private", auth.RequireScopes(), private)
	api.GET("/api/private-scoped", auth.RequireScopes("read:messages"), scoped)
	r.GET("/docs/*any", swagger.Handler(auth, docs.SwaggerInfo))
	return r
}

// accessLog logs each request without its query string: the OAuth2 redirect
// carries the authorization code there, and codes do not belong in logs.
func accessLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		log.LogAttrs(c.Request.Context(), slog.LevelInfo, "request",
			slog.String("method", c.Request.Method), slog.String("path", c.Request.URL.Path),
			slog.Int("status", c.Writer.Status()), slog.Duration("took", time.Since(start)))
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
