package login

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/store"
)

// Logout ends the password login of accessToken, expired or not: it revokes
// the refresh token at the tenant (with rotation, its whole family), deletes
// the row and forgets the token in the validated-token cache. An access
// token the server holds nothing for is not an error. The row is deleted even
// when the tenant cannot be reached (the refresh token, held nowhere else,
// is then useless); only a store outage fails, with a 503 *Error.
//
// An access token refreshed moments ago (another tab refreshed it) leads to
// its successor: the login ends there too, so that no refresh token stays
// held under the newer access token after the user logged out.
func (m *Manager) Logout(ctx context.Context, accessToken string) error {
	defer m.auth.Forget(ctx, accessToken)
	tok := accessToken
	for range maxLogoutHops {
		next, err := m.endRow(ctx, tok)
		if err != nil || next == "" {
			return err
		}
		tok = next
	}
	return nil
}

// maxLogoutHops bounds how many refreshes Logout follows from an old access
// token to the newest: each hop is a refresh within one GraceWindow.
const maxLogoutHops = 16

// endRow ends the row of one access token: it revokes the refresh token the
// row holds and deletes the row. For a row that remembers a refresh's answer
// it returns the access token that refresh gave, whose row holds the login now.
func (m *Manager) endRow(ctx context.Context, accessToken string) (next string, err error) {
	key := m.rowKey(tokenHash(accessToken))
	val, err := m.store.Get(ctx, key)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "", nil
	case err != nil:
		return "", m.storeDown(ctx, err)
	}
	if r, err := m.openRow(key, val); err == nil {
		switch r.Kind {
		case kindRefresh:
			if err := m.revoke(ctx, r.RefreshToken); err != nil {
				m.cfg.Logger.Warn("login: revoking a refresh token at logout failed; the row is deleted anyway", "err", err)
			}
		case kindGrace:
			next = r.AccessToken
		}
	}
	if err := m.store.Delete(ctx, key); err != nil {
		return "", m.storeDown(ctx, err)
	}
	return next, nil
}

// LogoutHandler is a handler for POST /auth/logout when password login is all
// an app has (with sessions, their logout handler calls Logout instead): it
// takes `Authorization: Bearer <access token>` and answers 204.
func (m *Manager) LogoutHandler(c *gin.Context) {
	tok, e := bearer(c.GetHeader("Authorization"))
	if e != nil {
		m.answerError(c, e)
		return
	}
	if err := m.Logout(c.Request.Context(), tok); err != nil {
		m.answerError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// EndRefresh ends the password login of the request's Bearer token, if it
// carries one: it is the hook a shared logout route runs, such as package
// session's
//
//	r.POST("/auth/logout", sess.LogoutHandler(lg.EndRefresh))
//
// A request without an Authorization header is not an error (a cookie-only
// logout). An outage is an *auth0gin.AuthError with status 503.
func (m *Manager) EndRefresh(c *gin.Context) error {
	h := c.GetHeader("Authorization")
	if h == "" {
		return nil
	}
	tok, e := bearer(h)
	if e != nil {
		return nil // not a Bearer credential: nothing of ours to end
	}
	if err := m.Logout(c.Request.Context(), tok); err != nil {
		var le *Error
		if errors.As(err, &le) && le.Status == http.StatusServiceUnavailable {
			return auth0gin.Unavailable(le.Description, le.RetryAfter, err)
		}
		return err
	}
	return nil
}
