package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"os"

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
		if os.Getenv("AUTH0GIN_ENCRYPTION_KEYS") == "" {
			cfg.Keys = ephemeralKeys()
			log.Warn("example: no AUTH0GIN_ENCRYPTION_KEYS, so refresh tokens are encrypted with an ephemeral key and lost at restart (development only)")
		}
	} else if cfg.ClientID == "" {
		log.Info("example: password login is off (no AUTH0_LOGIN_CLIENT_ID)")
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
	return &passwordLogin{mgr: mgr, st: st, auth: auth}, nil
}

// ephemeralKeys is a key that lives only in memory, for the embedded dev
// tenant: refresh tokens it encrypts are lost with the process.
func ephemeralKeys() *login.Keyring {
	var raw [32]byte
	_, _ = rand.Read(raw[:])
	k, err := login.ParseKeys("ephemeral:" + base64.StdEncoding.EncodeToString(raw[:]))
	if err != nil {
		panic(err) // 32 bytes of base64 always parse
	}
	return k
}

// Close closes the store.
func (p *passwordLogin) Close() {
	if p != nil {
		_ = p.st.Close()
	}
}

// mount adds the password login routes to r and returns r: POST
// /auth/login and POST /auth/refresh (behind a guard that allows the expiry
// that is the point of a refresh), documented by the library.
func (p *passwordLogin) mount(r *gin.Engine) *gin.Engine {
	if p != nil {
		p.mgr.Mount(p.auth.Router(r))
	}
	return r
}
