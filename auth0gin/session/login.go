package session

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/internal/replicas"
)

// sessionInfo is the body of a successful login (SessionInfo in the API
// docs): where the cookie applies and how long it lasts. It never holds the session secret (that travels only in the
// HttpOnly cookie) or the token.
type sessionInfo struct {
	// Name is the cookie's name.
	Name string `json:"name" example:"__Host-auth0gin_session"`
	// Path is the cookie's Path.
	Path string `json:"path" example:"/"`
	// Domain is the cookie's Domain; empty for a host-only cookie.
	Domain string `json:"domain" example:""`
	// Secure reports whether the cookie is sent over https only.
	Secure bool `json:"secure" example:"true"`
	// HTTPOnly is always true: scripts cannot read the cookie.
	HTTPOnly bool `json:"http_only" example:"true"`
	// ExpiresAt is the end of the session's maximum lifetime (RFC 3339).
	ExpiresAt time.Time `json:"expires_at" example:"2026-12-28T03:55:00Z"`
	// IdleTimeoutS is how many seconds without a request end the session.
	IdleTimeoutS int64 `json:"idle_timeout_s" example:"3600"`
}

// errLoginRefused: the OnLogin hook refused the login.
var errLoginRefused = errors.New("session: login refused")

// Login trades the request's `Authorization: Bearer <access token>` for a
// session: the token is verified with the core, OnLogin may refuse it, and
// the answer is 200 with Set-Cookie and a SessionInfo body. Each login gets a new
// secret; a session cookie the request already carried is ended. Logins are
// limited per client address (429 with Retry-After; see Config.LoginsPerMinute).
//
// A DPoP-bound access token (RFC 9449) is traded only as
// `Authorization: DPoP <token>` with a valid `DPoP` proof of this request,
// checked as the guards check one (auth0gin.Auth0.VerifyRequest: signature,
// method and URI, age, single use, token hash, the token's key); sent as
// Bearer it is refused. The session keeps nothing of the binding: its
// cookie is a bearer credential like any session cookie (HttpOnly,
// SameSite=Lax, CSRF-checked), and the requests it authenticates carry no
// proof. A route that must see a proof on every request requires
// auth0gin.DPoP("required"), which accepts no session cookie.
func (m *Manager) Login(c *gin.Context) {
	defer m.tel.login(c)
	if !m.allowLogin(c) {
		return
	}
	token, isDPoP, ok := bearerToken(c.Request)
	if !ok {
		m.fail(c, &auth0gin.AuthError{Status: http.StatusUnauthorized, Code: "invalid_token",
			Description: "login needs an Authorization: Bearer (or DPoP) access token", Err: auth0gin.ErrMissingToken})
		return
	}
	var u *auth0gin.Auth0User
	var err error
	if isDPoP || !m.opaque.handles(m.auth, token) {
		// A JWT, DPoP-bound or not: checked as the guards check it.
		u, err = m.auth.VerifyRequest(c.Request)
	} else {
		u, err = m.opaque.verify(c.Request.Context(), m.auth, token)
	}
	if err != nil {
		m.fail(c, err)
		return
	}
	info, err := m.start(c, u)
	if err != nil {
		m.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, info)
}

// StartSession makes a session for a user whose credential the caller has
// verified (another login flow: package login's password login sets
// login.Config.Sessions to the manager and calls it), after OnLogin accepts
// it, and sets the cookie on c's answer. A session cookie the request
// already carried is ended. Errors are *auth0gin.AuthError values: 403 when
// OnLogin refuses, 503 when the store is down.
func (m *Manager) StartSession(c *gin.Context, u *auth0gin.Auth0User) error {
	_, err := m.start(c, u)
	m.tel.started(c.Request.Context(), err)
	return err
}

// start is StartSession, returning what Login's body says.
func (m *Manager) start(c *gin.Context, u *auth0gin.Auth0User) (sessionInfo, error) {
	ctx := c.Request.Context()
	if m.cfg.OnLogin != nil {
		if err := m.cfg.OnLogin(ctx, u); err != nil {
			var ae *auth0gin.AuthError
			if !errors.As(err, &ae) {
				m.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "session: OnLogin refused a login", slog.String("user", u.ID), slog.String("err", err.Error()))
				ae = &auth0gin.AuthError{Status: http.StatusForbidden, Code: "access_denied", Description: "login refused", Err: errors.Join(errLoginRefused, err)}
			}
			return sessionInfo{}, ae
		}
	}
	for _, old := range m.cookies(c.Request, new([maxCookies + 1]string)) {
		// Best effort: the new login replaces it either way.
		_ = m.endValue(ctx, old)
	}
	now := m.cfg.Now()
	value, sid, end, err := m.create(ctx, u, now)
	if err != nil {
		return sessionInfo{}, err
	}
	ck := m.newCookie(c.Request, value, now, end)
	http.SetCookie(c.Writer, ck)
	c.Header("Cache-Control", "no-store")
	m.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "session: login", slog.String("user", u.ID), slog.String("session", sid.String()[:12]))
	return sessionInfo{Name: ck.Name, Path: ck.Path, Domain: ck.Domain, Secure: ck.Secure, HTTPOnly: true,
		ExpiresAt: end.UTC().Truncate(time.Second), IdleTimeoutS: int64(m.cfg.IdleTimeout / time.Second)}, nil
}

// create stores a new session for u: one read (the user's epoch, see
// epoch.go) and one write (the record, carrying that epoch).
func (m *Manager) create(ctx context.Context, u *auth0gin.Auth0User, now time.Time) (string, id, time.Time, error) {
	end := now.Add(m.cfg.MaxLifetime)
	if m.cfg.CapAtTokenExpiry && u.ExpiresAt.Before(end) {
		end = u.ExpiresAt
	}
	snap, err := u.MarshalBinary()
	if err != nil {
		return "", id{}, end, err
	}
	var readAt time.Duration
	if m.cache != nil {
		// Before the epoch is read: a log-out-everywhere handled after this
		// keeps the new session out of the cache (see localCache.put).
		readAt = m.cache.since()
	}
	epoch, err := m.epoch(ctx, userOf(u))
	if err != nil {
		return "", id{}, end, err
	}
	value, sid := newSecret()
	rec := record{created: now, end: end, userID: userOf(u), epoch: epoch, user: snap}
	if err := m.st.Set(ctx, m.recordKey(sid), rec.encode(), end); err != nil {
		return "", sid, end, unavailable(err)
	}
	if err := replicas.Wait(ctx, m.st, m.recordKey(sid), m.cfg.ReplicaWait); err != nil {
		// Not known to survive a failover: no cookie for it. The record is
		// dropped (best effort: a lost one is never used, its secret unsent).
		m.cfg.Logger.Warn("session: no replica confirmed a new session in time (ReplicaWait); refusing the login", "err", err)
		_ = m.st.Delete(context.WithoutCancel(ctx), m.recordKey(sid))
		return "", sid, end, unavailable(err)
	}
	if m.cache != nil {
		e := &entry{user: u, userID: userOf(u), created: now, end: end, fetched: now}
		e.seen.Store(now.UnixNano())
		e.written.Store(now.UnixNano())
		m.cache.put(sid, copyEntryUser(e), readAt)
	}
	return value, sid, end, nil
}

// copyEntryUser keeps the handler's user out of the cache: the request that
// logged in may change its copy.
func copyEntryUser(e *entry) *entry {
	e.user = copyUser(e.user)
	return e
}

// bearerToken returns the token of an `Authorization: Bearer` or
// `Authorization: DPoP` header; isDPoP reports the latter.
func bearerToken(r *http.Request) (token string, isDPoP, ok bool) {
	v := r.Header.Values("Authorization")
	if len(v) != 1 {
		return "", false, false
	}
	scheme, token, _ := strings.Cut(v[0], " ")
	token = strings.TrimLeft(token, " ")
	isDPoP = strings.EqualFold(scheme, "DPoP")
	return token, isDPoP, (isDPoP || strings.EqualFold(scheme, "Bearer")) && token != ""
}
