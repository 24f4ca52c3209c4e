package session

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/store"
)

// Ping is the keep-alive: a request with a live session cookie answers 204,
// and counts as activity like any other (moving the inactive deadline; the
// store is written at most once per TouchInterval). Without a cookie it is
// 401; from an untrusted origin, 403 csrf_rejected.
func (m *Manager) Ping(c *gin.Context) {
	values := m.cookies(c.Request, new([maxCookies + 1]string))
	if len(values) == 0 {
		m.fail(c, refused(errUnknownSession, "no session cookie"))
		return
	}
	if err := m.checkOrigin(c.Request); err != nil {
		m.fail(c, err)
		return
	}
	if _, err := m.session(c.Request.Context(), values); err != nil {
		m.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Status(http.StatusNoContent)
}

// Logout ends the request's session, if any, clears the cookie and answers
// 204. Mounted by Mount, it also ends what the Enders given to Mount hold
// for the request's bearer token.
func (m *Manager) Logout(c *gin.Context) { m.logout(c, nil) }

// An Ender is another login flow that POST /auth/logout also ends: given to
// Mount, its LogoutToken runs with the request's `Authorization: Bearer`
// access token, if there is one, after the cookie's session has ended.
// Package login's *Manager is one (its LogoutToken revokes the refresh token
// held for the access token), so one request ends everything the client
// holds:
//
//	sess.Mount(api, lg) // POST /auth/logout ends the cookie's session and lg's refresh token
//
// A token under the DPoP scheme is never passed to an Ender: the logout
// route checks no DPoP proof, and a bound token's string alone is not its
// credential (RFC 9449: a leaked one is useless without the key), so acting
// on it would let whoever saw the string end its holder's login; package
// login hands out Bearer tokens only, so it holds nothing for one anyway.
//
// LogoutToken returns nil when it holds nothing for the token. An
// *auth0gin.AuthError it returns is answered as it says; any other error
// is a 503 with Retry-After, and the cookie is kept for a retry.
type Ender interface {
	LogoutToken(ctx context.Context, accessToken string) error
}

func (m *Manager) logout(c *gin.Context, also []Ender) {
	defer m.tel.loggedOut(c)
	ctx := c.Request.Context()
	if values := m.cookies(c.Request, new([maxCookies + 1]string)); len(values) > 0 {
		// A cross-origin form must not log anybody out either.
		if err := m.checkOrigin(c.Request); err != nil {
			m.fail(c, err)
			return
		}
		for _, v := range values {
			if err := m.endValue(ctx, v); err != nil {
				m.fail(c, err)
				return
			}
		}
	}
	// Bearer only: a DPoP token's proof is not checked here (see Ender).
	if token, isDPoP, ok := bearerToken(c.Request); ok && !isDPoP {
		for _, e := range also {
			if err := e.LogoutToken(ctx, token); err != nil {
				var ae *auth0gin.AuthError
				if !errors.As(err, &ae) {
					ae = unavailable(err)
				}
				m.fail(c, ae)
				return
			}
		}
	}
	http.SetCookie(c.Writer, m.clearCookie(c.Request))
	c.Header("Cache-Control", "no-store")
	c.Status(http.StatusNoContent)
}

// endValue ends the session of a cookie value, if it names one.
func (m *Manager) endValue(ctx context.Context, value string) error {
	sid, ok := parseSecret(value)
	if !ok {
		return nil
	}
	rec, err := m.find(ctx, sid)
	if err != nil || rec == nil {
		return err
	}
	u, _ := rec.restore()
	return m.end(ctx, sid, rec.userID, u)
}

// find reads a session's record, whatever its lifetimes say; nil when the
// store holds none.
func (m *Manager) find(ctx context.Context, sid id) (*record, error) {
	b, err := m.st.Get(ctx, m.recordKey(sid))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, unavailable(err)
	}
	rec, err := decodeRecord(b)
	if err != nil {
		return nil, nil
	}
	return &rec, nil
}

// LogoutEverywhere is a handler for LogoutUser: mounted behind a guard, it
// ends every session of the request's user, calls OnLogout with that user,
// and clears this request's cookie (204).
//
//	r.POST("/auth/logout-everywhere", auth.RequireScopes(), sess.LogoutEverywhere)
func (m *Manager) LogoutEverywhere(c *gin.Context) {
	u, ok := auth0gin.UserFrom(c.Request.Context())
	if !ok {
		m.fail(c, refused(auth0gin.ErrMissingToken, "log in first"))
		return
	}
	if err := m.logoutUser(c.Request.Context(), u.UserBase, u.ID, u); err != nil {
		m.fail(c, err)
		return
	}
	http.SetCookie(c.Writer, m.clearCookie(c.Request))
	c.Header("Cache-Control", "no-store")
	c.Status(http.StatusNoContent)
}
