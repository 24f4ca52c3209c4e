package login

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin/store"
)

// LogoutToken ends the password login of accessToken, expired or not: it revokes
// the refresh token at the tenant (with rotation, its whole family), deletes
// the row and forgets the token in the validated-token cache. An access
// token the server holds nothing for is not an error. The row is deleted even
// when the tenant cannot be reached (the refresh token, held nowhere else,
// is then useless); only a store outage fails, with a 503 *Error.
//
// An access token refreshed moments ago (another tab refreshed it) leads to
// its successor: the login ends there too, so that no refresh token stays
// held under the newer access token after the user logged out.
//
// It makes the Manager a session.Ender: given to the session Manager's
// Mount, it runs on POST /auth/logout with the request's bearer token.
func (m *Manager) LogoutToken(ctx context.Context, accessToken string) error {
	defer m.auth.Forget(ctx, accessToken)
	tok, g := accessToken, userGroup(subjectOf(accessToken))
	for range maxLogoutHops {
		next, err := m.endRow(ctx, g, tok)
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
func (m *Manager) endRow(ctx context.Context, g, accessToken string) (next string, err error) {
	key := m.rowKey(g, tokenHash(accessToken))
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

// Logout is the handler of POST /auth/logout for an app whose only login is
// this package's (with sessions, the session Manager's Mount serves that
// route and calls LogoutToken): it takes `Authorization: Bearer <access
// token>`, expired or not, ends its login (LogoutToken) and answers 204.
//
//	api.POST("/auth/logout", lg.Logout)
func (m *Manager) Logout(c *gin.Context) {
	noStore(c)
	tok, e := bearer(c.GetHeader("Authorization"))
	if e != nil {
		m.answerError(c, e)
		return
	}
	if err := m.LogoutToken(c.Request.Context(), tok); err != nil {
		m.answerError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
