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
//go:generate go tool swag init --quiet -g main.go -d . -o ../docs
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
// @securityDefinitions.oauth2.implicit	Auth0ImplicitBearer
// @authorizationUrl						https://YOUR_TENANT.auth0.com/authorize
// @scope.openid							OpenID Connect sign-in
// @scope.profile							Your name and picture
// @scope.email							Your email address
// @scope.read:messages					Read messages
// @description							Auth0 login, implicit flow: the access token comes back in the URL fragment.
//
// @securityDefinitions.oauth2.accessCode	Auth0PKCE
// @authorizationUrl						https://YOUR_TENANT.auth0.com/authorize
// @tokenUrl								https://YOUR_TENANT.auth0.com/oauth/token
// @scope.openid							OpenID Connect sign-in
// @scope.profile							Your name and picture
// @scope.email							Your email address
// @scope.read:messages					Read messages
// @description							Auth0 login, authorization code flow with PKCE (recommended). Leave client_secret empty.
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
