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
)

// run configures the app, serves it until ctx ends, then shuts down.
func run(ctx context.Context, log *slog.Logger) error {
	host := os.Getenv("HOST") // empty with a real tenant: all interfaces
	cfg := auth0gin.FromEnv() // reads .env too
	if cfg.Domain == "" {
		dev, err := startDevTenant(os.Getenv("DEVTENANT_ADDR"), log)
		if err != nil {
			return err
		}
		defer dev.Close()
		host = envOr("HOST", "127.0.0.1") // the dev tenant's users are public: stay on loopback
		cfg = auth0gin.FromEnv()          // now naming the dev tenant
	}
	cfg.Logger, cfg.Scopes = log, scopes
	stopTelemetry, err := startTelemetry(ctx, log) // /metrics on METRICS_ADDR; OTLP traces (metrics.go)
	if err != nil {
		return err
	}
	defer stopTelemetry()
	auth, err := auth0gin.New(cfg)
	if err != nil {
		return fmt.Errorf("configuring auth0gin: %w", err)
	}
	handler, closeApp, err := newApp(ctx, auth, log)
	if err != nil {
		return err
	}
	defer closeApp()

	addr := net.JoinHostPort(host, envOr("PORT", "6060"))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           handler,
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
