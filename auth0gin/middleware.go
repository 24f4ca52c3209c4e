package auth0gin

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin/internal/verified"
)

// Require returns Gin middleware that lets a request through only when its
// bearer token is valid and meets every requirement; it then attaches the
// *Auth0User for UserFrom / MustUser. Otherwise it answers 401 or 403 with an
// RFC 6750 challenge and a JSON body, and aborts the chain.
//
// What a guarded route answers depends on who asks, so the guard marks the
// answer Cache-Control: no-store before the handler runs; a handler that
// wants its answer cached sets its own Cache-Control, which replaces it.
func (a *Auth0) Require(reqs ...Requirement) gin.HandlerFunc {
	g := a.compile(reqs)
	return a.guardHandler(&g, nil)
}

// guardHandler is the handler of every Gin guard (Require, RequireClaims):
// a method value of guarded.serve, so Router recognises a guard by its code
// pointer. then, when set, runs after a user was admitted.
func (a *Auth0) guardHandler(g *guard, then func(*gin.Context, *Auth0User)) gin.HandlerFunc {
	return (&guarded{a: a, g: g, then: then}).serve
}

// guarded is one guard: its compiled requirements and what runs after them.
type guarded struct {
	a    *Auth0
	g    *guard
	then func(*gin.Context, *Auth0User)
}

func (gd *guarded) serve(c *gin.Context) {
	if c.Request == nil && probeGuard(c, gd.g) { // Router asking what this guard requires
		return
	}
	if u, ok := gd.a.admit(c, gd.g); ok && u != nil && gd.then != nil {
		gd.then(c, u)
	}
}

// admit authenticates the request against g and attaches the user; when that
// fails it writes the answer and aborts the chain. ok is false then.
func (a *Auth0) admit(c *gin.Context, g *guard) (u *Auth0User, ok bool) {
	var org string
	if g.orgParam != "" {
		org = c.Param(g.orgParam)
	}
	t := a.tel.begin(c.Request)
	u, err := a.authenticate(c.Request, g, org)
	a.tel.decided(c.Request, u, err, t)
	if err != nil {
		a.fail(c.Writer, c.Request, err)
		c.Abort()
		return nil, false
	}
	if u != nil {
		c.Request = requestWithUser(c.Request, u)
		if g.expiredFor > 0 {
			// Only here: the refresh handler behind this guard takes the
			// verified user instead of verifying the token a second time.
			if tok, err := bearer(c.Request.Header); err == nil {
				verified.Set(c, tok, g.expiredFor, u)
			}
		}
	}
	noStore(c.Writer.Header())
	a.dpopAnswered(c.Writer.Header(), c.Request)
	return u, true
}

// noStore marks a guarded answer uncacheable unless something before the
// handler already chose: what a guarded route answers depends on who asks,
// and a request that carries a session cookie has no Authorization header to
// keep shared caches (RFC 9111 §3.5) and the browser's from storing it. The
// handler may still set its own Cache-Control, which replaces this one.
func noStore(h http.Header) {
	if _, set := h["Cache-Control"]; !set {
		h["Cache-Control"] = noStoreValue
	}
}

// noStoreValue is the one value every guarded answer shares, which saves an
// allocation per request. Its capacity is its length, so Header.Add appends
// to a copy; Header.Set and Del replace it. Only writing an element in place
// (h["Cache-Control"][0] = ...) would change it for every answer, and
// nothing in this module does.
var noStoreValue = []string{"no-store"}[:1:1]

// RequireScopes requires a valid token holding every one of the scopes (in
// `scope` or `permissions`, per Config.ScopeSource). With no scopes, any valid
// token will do. It panics at registration for a scope that Config.Scopes does
// not declare, when Config.Scopes is set.
func (a *Auth0) RequireScopes(scopes ...string) gin.HandlerFunc {
	return a.Require(Scopes(scopes...))
}

// Middleware is Require for plain net/http: it wraps a handler, and the user
// is read with UserFrom(r.Context()).
func (a *Auth0) Middleware(reqs ...Requirement) func(http.Handler) http.Handler {
	g := a.compile(reqs)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var org string
			if g.orgParam != "" {
				org = r.PathValue(g.orgParam)
			}
			t := a.tel.begin(r)
			u, err := a.authenticate(r, &g, org)
			a.tel.decided(r, u, err, t)
			if err != nil {
				a.fail(w, r, err)
				return
			}
			if u != nil {
				r = requestWithUser(r, u)
			}
			noStore(w.Header())
			a.dpopAnswered(w.Header(), r)
			next.ServeHTTP(w, r)
		})
	}
}

// fail writes the 401/403 answer: the WWW-Authenticate challenge and a JSON
// body that mirrors it (RFC 6750 §3).
func (a *Auth0) fail(w http.ResponseWriter, r *http.Request, err *AuthError) {
	if a.cfg.Logger.Enabled(r.Context(), slog.LevelDebug) {
		// The reason only: never the token, which would let a log reader replay it.
		a.cfg.Logger.LogAttrs(r.Context(), slog.LevelDebug, "auth0gin: request refused",
			slog.Int("status", err.Status), slog.String("reason", err.Error()), slog.String("path", r.URL.Path))
	}
	err.WriteResponse(w, a.cfg.Realm)
}

// WriteResponse answers e on w as the guards do: Retry-After on a 503 or 429
// (whole seconds, at least 1), an RFC 6750 challenge with realm on a 401 or
// 403, and the JSON ErrorBody, never cached. Packages that refuse
// requests beside the guards (sessions, the current user) answer with it, so
// every refusal has one shape.
func (e *AuthError) WriteResponse(w http.ResponseWriter, realm string) {
	h := w.Header()
	switch e.Status {
	case http.StatusServiceUnavailable, http.StatusTooManyRequests:
		h.Set("Retry-After", strconv.FormatInt(retryAfterSeconds(e.RetryAfter), 10))
	case http.StatusUnauthorized, http.StatusForbidden:
		e.setChallenges(h, realm)
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(e.Status)
	_ = json.NewEncoder(w).Encode(e.body())
}
