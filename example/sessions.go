package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-contrib/cors"
	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/session"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/postgres" // the example keeps every backend
	_ "github.com/auth0gin/auth0gin/auth0gin/store/redis"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/sqlite"
)

// sessions is the example's server-side sessions: an SPA trades its access
// token for a cookie at POST /auth/session, and every protected route then
// accepts the cookie as well as a token.
type sessions struct {
	auth    *auth0gin.Auth0
	mgr     *session.Manager
	end     gin.HandlerFunc // POST /auth/logout
	st      store.Store
	origins []string // trusted SPA origins, for CORS and the CSRF check alike
}

// openSessions opens SESSION_STORE_URL (empty: SQLite in memory) and makes
// the session manager, attached to auth.
func openSessions(ctx context.Context, auth *auth0gin.Auth0, log *slog.Logger, enders ...session.Ender) (*sessions, error) {
	st, err := store.Open(ctx, os.Getenv("SESSION_STORE_URL"))
	if err != nil {
		return nil, fmt.Errorf("opening SESSION_STORE_URL: %w", err)
	}
	cfg := session.Config{
		PublicOrigin:   os.Getenv("SESSION_PUBLIC_ORIGIN"),
		TrustedOrigins: splitOrigins(os.Getenv("SESSION_TRUSTED_ORIGINS")),
		KeyPrefix:      os.Getenv("SESSION_KEY_PREFIX"),
		OpaqueTokens:   opaqueTokens(auth), // SESSION_OPAQUE_TOKENS=true
		Logger:         log,
	}
	if err := sessionDurations(&cfg); err != nil {
		_ = st.Close()
		return nil, err
	}
	mgr, err := session.New(ctx, auth, st, cfg)
	if err != nil {
		_ = st.Close()
		return nil, err
	}
	end := mgr.LogoutHandler(enders...)
	return &sessions{auth: auth, mgr: mgr, end: end, st: st, origins: cfg.TrustedOrigins}, nil
}

// endersOf is what POST /auth/logout ends besides the cookie's session: the
// refresh token held for the request's Bearer token, when password login is on.
func endersOf(lg *passwordLogin) []session.Ender {
	if lg == nil {
		return nil
	}
	return []session.Ender{lg.mgr.EndRefresh}
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
	// The guard checks the token (and writes the route's security into the API
	// docs); the handler then turns the same token into a session.
	// With opaque tokens accepted, Login checks the token itself: the guard
	// knows JWTs only and would refuse an opaque one.
	if opaqueTokensOn() {
		r.POST("/auth/session", s.login)
	} else {
		s.auth.Router(r).POST("/auth/session", s.auth.RequireScopes(), s.login)
	}
	r.POST("/auth/ping", s.ping)
	r.POST("/auth/logout", s.logout)
}

// login godoc
//
//	@Summary		Trade an access token for a session cookie
//	@Description	Verifies the Bearer token and answers Set-Cookie with an HttpOnly session cookie (never the secret in the body). Every protected route then accepts the cookie instead of the token. Limited per client IP (429 with Retry-After).
//	@Tags			session
//	@Produce		json
//	@Success		200	{object}	session.Info
//	@Header			200	{string}	Set-Cookie	"auth0gin_session=…; Path=/; HttpOnly; SameSite=Lax[; Secure]"
//	@Failure		401	{object}	TokenError	"Missing or invalid token"
//	@Failure		429	{object}	RequestError	"Too many logins from this address"
//	@Failure		503	{object}	UnavailableError	"Session store unavailable; retry after Retry-After"
//	@Router			/auth/session [post]
func (s *sessions) login(c *gin.Context) { s.mgr.Login(c) }

// ping godoc
//
//	@Summary		Keep the session alive
//	@Description	With the session cookie: 204, and the inactive deadline moves on. A cross-origin browser request from an untrusted origin is 403 csrf_rejected.
//	@Tags			session
//	@Success		204
//	@Failure		401	{object}	TokenError	"No, unknown or expired session cookie"
//	@Failure		403	{object}	RequestError	"csrf_rejected"
//	@Failure		503	{object}	UnavailableError	"Session store unavailable; retry after Retry-After"
//	@Router			/auth/ping [post]
func (s *sessions) ping(c *gin.Context) { s.mgr.Ping(c) }

// logout godoc
//
//	@Summary		End the session
//	@Description	Ends the cookie's session on every instance and clears the cookie, and, with a Bearer token from POST /auth/login (expired or not), revokes the refresh token held for it: 204, also when there was nothing to end.
//	@Tags			session
//	@Success		204
//	@Failure		403	{object}	RequestError	"csrf_rejected"
//	@Failure		503	{object}	UnavailableError	"Session store unavailable; retry after Retry-After"
//	@Router			/auth/logout [post]
func (s *sessions) logout(c *gin.Context) { s.end(c) }

// sessionDurations reads the optional SESSION_* numbers and durations.
func sessionDurations(cfg *session.Config) error {
	for name, d := range map[string]*time.Duration{
		"SESSION_IDLE_TIMEOUT":    &cfg.IdleTimeout,
		"SESSION_MAX_LIFETIME":    &cfg.MaxLifetime,
		"SESSION_LOCAL_CACHE_TTL": &cfg.LocalCacheTTL,
	} {
		if v := os.Getenv(name); v != "" {
			var err error
			if *d, err = time.ParseDuration(v); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
	}
	if v := os.Getenv("SESSION_LOGINS_PER_MINUTE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("SESSION_LOGINS_PER_MINUTE: %w", err)
		}
		cfg.LoginsPerMinute = n
	}
	return nil
}

// splitOrigins reads a comma-separated list of origins.
func splitOrigins(s string) []string {
	var out []string
	for _, o := range strings.Split(s, ",") {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, strings.TrimSuffix(o, "/"))
		}
	}
	return out
}
