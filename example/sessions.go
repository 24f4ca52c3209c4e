package main

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/gin-contrib/cors"
	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/session"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/postgres"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/redis"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/sqlite"
)

// sessions is the example's server-side sessions: an SPA trades its access
// token for a cookie at POST /auth/session, and every protected route then
// accepts the cookie as well as a token.
type sessions struct {
	auth    *auth0gin.Auth0
	mgr     *session.Manager
	enders  []session.Ender // what POST /auth/logout also ends
	st      store.Store
	origins []string // trusted SPA origins, for CORS and the CSRF check alike
}

// openSessions opens SESSION_STORE_URL (empty: SQLite in memory) and makes
// the session manager, attached to auth.
func openSessions(ctx context.Context, auth *auth0gin.Auth0, log *slog.Logger, enders ...session.Ender) (*sessions, error) {
	cfg := session.FromEnv() // the SESSION_* variables
	cfg.Logger = log
	st, err := store.Open(ctx, cfg.StoreURL)
	if err != nil {
		return nil, fmt.Errorf("opening SESSION_STORE_URL: %w", err)
	}
	mgr, err := session.New(ctx, auth, st, cfg)
	if err != nil {
		_ = st.Close()
		return nil, err
	}
	auth.Attach(mgr) // the guards accept the session cookie
	return &sessions{auth: auth, mgr: mgr, enders: enders, st: st, origins: cfg.TrustedOrigins}, nil
}

// endersOf is what POST /auth/logout ends besides the cookie's session: the
// refresh token held for the request's Bearer token, when password login is on.
func endersOf(lg *passwordLogin) []session.Ender {
	if lg == nil {
		return nil
	}
	return []session.Ender{lg.mgr}
}

// Close stops the manager and closes its store.
func (s *sessions) Close() {
	_ = s.mgr.Close()
	_ = s.st.Close()
}

// mount adds CORS for the trusted origins (credentials allowed, so never a
// wildcard) and the session routes. Call it before the other routes. A nil
// s mounts nothing (tests of other routes).
func (s *sessions) mount(r *gin.Engine) {
	if s == nil {
		return
	}
	// The example is reached directly, not through a proxy: the login limiter
	// counts the peer's address, not an X-Forwarded-For any client can write.
	_ = r.SetTrustedProxies(nil)
	if len(s.origins) > 0 {
		allow := cors.New(cors.Config{
			AllowOrigins:     s.origins,
			AllowMethods:     []string{"GET", "POST", "PUT", "PATCH", "DELETE"},
			AllowHeaders:     []string{"Authorization", "Content-Type"},
			AllowCredentials: true,
			MaxAge:           10 * time.Minute,
		})
		// gin-contrib/cors answers a bare 403 to every request from another
		// origin; run it for the trusted ones only, so that the rest reach the
		// session's CSRF check (403 csrf_rejected for an unsafe request with
		// the cookie) and are answered without CORS headers, which keeps
		// their answers from the other origin's scripts.
		r.Use(func(c *gin.Context) {
			if o := c.GetHeader("Origin"); o == "" || slices.Contains(s.origins, o) {
				allow(c)
			}
		})
	}
	// POST /auth/session, /auth/ping, /auth/logout, documented by the
	// library (the session's guard, its models and answers).
	s.mgr.Mount(s.auth.Router(r), s.enders...)
}
