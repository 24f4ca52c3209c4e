package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/login"
	"github.com/auth0gin/auth0gin/auth0gin/store"
)

// passwordLogin is the example's password login: POST /auth/login and
// POST /auth/refresh, with refresh tokens held encrypted in
// SESSION_STORE_URL's store. It is off (nil) with a real tenant and no
// AUTH0_LOGIN_CLIENT_ID.
type passwordLogin struct {
	mgr  *login.Manager
	st   store.Store
	auth *auth0gin.Auth0
	// refresh is how long after its exp an access token may still refresh:
	// the refresh token's lifetime.
	refresh time.Duration
}

// openLogin configures password login from the environment. With the
// embedded dev tenant it uses the tenant's regular web client and, when
// AUTH0GIN_ENCRYPTION_KEYS is unset, an ephemeral key (with a warning);
// with a real tenant a missing key refuses to start.
func openLogin(ctx context.Context, auth *auth0gin.Auth0, log *slog.Logger) (*passwordLogin, error) {
	cfg := login.FromEnv()
	cfg.Logger = log
	if os.Getenv("AUTH0_DOMAIN") == "" { // the embedded dev tenant
		cfg.ClientID, cfg.ClientSecret = devtenant.RegularClient.ID, devtenant.RegularClient.Secret
		if os.Getenv(login.EnvEncryptionKeys) == "" {
			cfg.Keys = login.NewEphemeralKeyring()
			log.Warn("example: no " + login.EnvEncryptionKeys + ", so refresh tokens are encrypted with an ephemeral key and lost at restart (development only)")
		}
	} else if cfg.ClientID == "" {
		log.Info("example: password login is off (no " + login.EnvClientID + ")")
		return nil, nil
	}
	st, err := store.Open(ctx, os.Getenv("SESSION_STORE_URL"))
	if err != nil {
		return nil, fmt.Errorf("opening SESSION_STORE_URL for password login: %w", err)
	}
	mgr, err := login.New(auth, st, cfg)
	if err != nil {
		_ = st.Close()
		return nil, fmt.Errorf("configuring password login: %w", err)
	}
	lifetime := cfg.RefreshLifetime
	if lifetime == 0 {
		lifetime = login.DefaultRefreshLifetime
	}
	return &passwordLogin{mgr: mgr, st: st, auth: auth, refresh: lifetime}, nil
}

// Close closes the store.
func (p *passwordLogin) Close() {
	if p != nil {
		_ = p.st.Close()
	}
}

// mount adds the password login routes to r and returns r.
func (p *passwordLogin) mount(r *gin.Engine) *gin.Engine {
	if p != nil {
		api := p.auth.Router(r) // the refresh route's security is written into the API docs
		api.POST("/auth/login", p.login)
		// The guard checks the token, allowing the expiry that is the point of a
		// refresh; the handler then looks up the refresh token held for it.
		api.POST("/auth/refresh", p.auth.Require(auth0gin.ExpiredWithin(p.refresh)), p.refreshToken)
	}
	return r
}

// login godoc
//
//	@Summary		Log in with a password
//	@Description	Logs the user in at Auth0 (password-realm grant, the end user's IP in auth0-forwarded-for) and answers the access token. The refresh token stays on the server, encrypted; it never appears in an answer. Limited per client IP (429 with Retry-After). With the embedded dev tenant: alice@example.com / alice-password.
//	@Tags			login
//	@Accept			json,x-www-form-urlencoded
//	@Produce		json
//	@Param			credentials	body		LoginCredentials	true	"username and password (JSON or form)"
//	@Success		200			{object}	LoginAnswer
//	@Failure		400			{object}	LoginError	"Malformed body"
//	@Failure		401			{object}	LoginError	"invalid_grant: Wrong email or password."
//	@Failure		403			{object}	LoginError	"Blocked user, or mfa_required"
//	@Failure		429			{object}	LoginError	"Too many attempts (Retry-After when known)"
//	@Failure		503			{object}	LoginError	"Auth0 or the store unavailable; retry after Retry-After"
//	@Router			/auth/login [post]
func (p *passwordLogin) login(c *gin.Context) { p.mgr.Login(c) }

// refreshToken godoc
//
//	@Summary		Trade an access token, expired or not, for a new one
//	@Description	Send the access token from /auth/login or an earlier refresh as Bearer; it may have expired (within the refresh token's lifetime) but must be signed by the tenant for this API. The server refreshes with the refresh token it holds and answers a new access token; the old one never refreshes again. Concurrent refreshes with one token all get the same new token. POST /auth/logout with the Bearer token revokes the refresh token.
//	@Tags			login
//	@Produce		json
//	@Success		200	{object}	LoginAnswer
//	@Failure		401	{object}	LoginError	"Invalid token, or no refresh token held for it: log in again"
//	@Failure		503	{object}	LoginError	"Auth0 or the store unavailable; the refresh token is kept, retry after Retry-After"
//	@Router			/auth/refresh [post]
func (p *passwordLogin) refreshToken(c *gin.Context) { p.mgr.Refresh(c) }
