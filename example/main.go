// Command example is a Gin API protected by auth0gin, with Swagger UI that
// logs in through Auth0.
//
// With AUTH0_DOMAIN set it trusts that tenant (see .env.example). Without it,
// it starts the embedded dev tenant (package auth0gin/devtenant) on loopback
// and configures itself against it, so it runs offline with no account:
//
//	go run ./example
//	open http://127.0.0.1:6060/
//
// With AUTH0_ENV set (AUTH0_ENV=int go run ./example), it reads .env.int and
// then .env: one file per tenant, dev / int / prod (see .env.example).
//
//go:generate go tool swag init --quiet -g main.go -d .,../auth0gin --exclude ../auth0gin/devtenant,../auth0gin/auth0test,../auth0gin/swagger -o ../docs
package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

// @title						auth0gin example API
// @version					1.0
// @description				A Gin API protected by auth0gin. Press Authorize and log in through Auth0 (or the embedded dev tenant: alice@example.com / alice-password) with either flow, then try the private routes.
// @BasePath					/
//
// No security annotations: the Auth0 login (implicit, and code + PKCE) and
// each route's scopes are written into the served spec from the code, by
// auth.Router and swagger.Handler (see router in server.go).
func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl-C kills at once instead of waiting for the graceful shutdown
	}()
	if err := run(ctx, log); err != nil {
		log.Error("example: stopped", "err", err)
		stop()
		os.Exit(1)
	}
}
