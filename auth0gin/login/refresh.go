package login

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/internal/replicas"
	"github.com/auth0gin/auth0gin/auth0gin/internal/verified"
	"github.com/auth0gin/auth0gin/auth0gin/store"
)

// Refresh is the handler of POST /auth/refresh (see Mount), called with
// `Authorization: Bearer <access token>`. The token may have expired (within
// Config.RefreshLifetime) but must be the tenant's, for our API, with a good
// signature. The answer is like Login's, with a new access token; the old
// one never refreshes again. Refreshes racing with one access token, in this
// process or in other instances sharing the store, make one call to the
// tenant and all get the same answer.
func (m *Manager) Refresh(c *gin.Context) {
	defer m.tel.answered(c, flowRefresh)
	noStore(c)
	tok, e := bearer(c.GetHeader("Authorization"))
	if e != nil {
		m.answerError(c, e)
		return
	}
	// Behind Mount's guard the token is verified already: one RSA
	// verification per refresh, not two. Mounted by hand without it, the
	// handler verifies.
	user, _ := verified.Get(c, tok, m.cfg.RefreshLifetime).(*auth0gin.Auth0User)
	if user == nil {
		var err error
		if user, err = m.auth.VerifyExpired(c.Request.Context(), tok, m.cfg.RefreshLifetime); err != nil {
			m.answerError(c, err)
			return
		}
	}
	ans, err := m.refreshVerified(c.Request.Context(), tok, user)
	if err != nil {
		m.answerError(c, err)
		return
	}
	c.JSON(http.StatusOK, ans)
}

// RefreshAccessToken is Refresh without HTTP: it returns a new access token
// for accessToken, whose refresh token the server holds. Errors are *Error
// values, or *auth0gin.AuthError when the token itself does not verify.
func (m *Manager) RefreshAccessToken(ctx context.Context, accessToken string) (Answer, error) {
	user, err := m.auth.VerifyExpired(ctx, accessToken, m.cfg.RefreshLifetime)
	if err != nil {
		return Answer{}, err
	}
	return m.refreshVerified(ctx, accessToken, user)
}

// refreshVerified is RefreshAccessToken once accessToken verified as user.
func (m *Manager) refreshVerified(ctx context.Context, accessToken string, user *auth0gin.Auth0User) (Answer, error) {
	h := tokenHash(accessToken)
	return m.once(ctx, h, func(ctx context.Context) (Answer, error) {
		ctx, cancel := context.WithTimeout(ctx, m.cfg.LockTimeout)
		defer cancel()
		return m.refreshShared(ctx, userGroup(user.ID), h)
	})
}

// refreshShared takes the store's lock on the access token's row, so that
// one instance refreshes it; the others wait for the answer it leaves in the
// row for GraceWindow.
func (m *Manager) refreshShared(ctx context.Context, g, h string) (Answer, error) {
	rowK, lockK := m.rowKey(g, h), m.lockKey(g, h)
	wait := 10 * time.Millisecond
	for first := true; ; first = false {
		// Should the lock be ours, the refresh gets the lock's whole time,
		// however long this caller waited for it: a tenant call cut short
		// after the tenant rotated the refresh token would leave a spent
		// token in the row, and its next use trips reuse detection. The
		// deadline is taken before the lock, so it ends first.
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), m.cfg.LockTimeout)
		nonce, until := newNonce(), m.cfg.Now().Add(m.cfg.LockTimeout)
		won, err := m.store.Add(ctx, lockK, []byte(nonce), until)
		if err != nil {
			cancel()
			m.ghosts.remember(h, nonce, until, m.cfg.Now())
			return Answer{}, m.storeDown(ctx, err)
		}
		if !won && first && m.ownsGhost(ctx, g, h) {
			// A lock set by an earlier call, which expires with that call's
			// time: no new budget here.
			cancel()
			return m.refreshLocked(ctx, g, h)
		}
		if won {
			defer cancel()
			return m.refreshLocked(lctx, g, h)
		}
		cancel()
		// Another instance holds the lock: its answer replaces the row.
		val, err := m.store.Get(ctx, rowK)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return Answer{}, noRefresh("No refresh token is held for this access token; log in again.", nil)
		case err != nil:
			return Answer{}, m.storeDown(ctx, err)
		}
		r, err := m.openRow(rowK, val)
		if err != nil {
			return Answer{}, noRefresh("The stored refresh token cannot be read; log in again.", err)
		}
		if r.Kind == kindGrace {
			return m.graceAnswer(ctx, g, r)
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return Answer{}, unavailable("a refresh of this token is still running; try again", 0, ctx.Err())
		}
		wait = min(2*wait, 200*time.Millisecond)
	}
}

// refreshLocked refreshes while holding the lock. On success it stores the
// refresh token under the new access token and overwrites the old row with
// the answer for GraceWindow, both in one SetMany: one Get and one SetMany,
// after the lock's Add.
// The lock is left to expire, so a late racer finds the answer, not a lock
// it could take. On failure the lock is released: an outage keeps the row
// for a retry; a refused refresh token deletes it.
func (m *Manager) refreshLocked(ctx context.Context, g, h string) (Answer, error) {
	rowK, lockK := m.rowKey(g, h), m.lockKey(g, h)
	release := func(keys ...string) {
		if err := m.store.Delete(context.WithoutCancel(ctx), append(keys, lockK)...); err != nil {
			m.cfg.Logger.Warn("login: releasing a refresh lock failed; it expires by itself", "err", err)
		}
	}
	val, err := m.store.Get(ctx, rowK)
	switch {
	case errors.Is(err, store.ErrNotFound):
		release()
		return Answer{}, noRefresh("No refresh token is held for this access token; log in again.", nil)
	case err != nil:
		release()
		return Answer{}, m.storeDown(ctx, err)
	}
	now := m.cfg.Now()
	r, err := m.openRow(rowK, val)
	switch {
	case errors.Is(err, errUnknownKeyID):
		m.cfg.Logger.Warn("login: a refresh token row was written with a key no longer configured; the user must log in again")
		release(rowK)
		return Answer{}, noRefresh("The stored refresh token cannot be read; log in again.", err)
	case err != nil:
		m.cfg.Logger.Warn("login: a refresh token row does not decrypt; deleting it", "err", err)
		release(rowK)
		return Answer{}, noRefresh("The stored refresh token cannot be read; log in again.", err)
	case r.Kind == kindGrace:
		// The lock expired while the answer was still remembered.
		return m.graceAnswer(ctx, g, r)
	case r.Expires <= now.Unix():
		release(rowK)
		return Answer{}, noRefresh("The refresh token has expired; log in again.", nil)
	}

	reply, err := m.refreshGrant(ctx, r.RefreshToken)
	if err != nil {
		var te *tenantError
		if !errors.As(err, &te) {
			te = &tenantError{cause: err}
		}
		e := refreshError(te)
		m.logTenant("login: the tenant refused a refresh", e, te)
		if errors.Is(e, errNoRefresh) {
			release(rowK)
		} else {
			release()
		}
		return Answer{}, e
	}
	if reply.AccessToken == "" {
		release()
		return Answer{}, unavailable("the login service answered without a token; try again later", 0, errors.New("no access_token"))
	}
	rt := reply.RefreshToken
	if rt == "" { // rotation off: the same refresh token serves on
		rt = r.RefreshToken
	}
	exp := time.Unix(r.Expires, 0)                    // absolute: rotation does not extend it
	newK := m.rowKey(g, tokenHash(reply.AccessToken)) // same subject, same group
	ans := Answer{AccessToken: reply.AccessToken, TokenType: "Bearer", ExpiresIn: reply.ExpiresIn}
	entries := []store.Entry{{Key: newK, Value: m.sealRow(newK, row{Kind: kindRefresh, RefreshToken: rt, Subject: r.Subject, Rows: r.Rows, Expires: r.Expires}), ExpiresAt: exp}}
	if newK != rowK {
		// The old row becomes the answer for GraceWindow in the same write
		// as the new row (one round trip, all or none): its token is spent,
		// and using it again would trip the tenant's reuse detection.
		until := now.Add(m.cfg.GraceWindow)
		grace := row{Kind: kindGrace, AccessToken: ans.AccessToken, TokenExpires: now.Unix() + ans.ExpiresIn, Until: until.Unix()}
		entries = append(entries, store.Entry{Key: rowK, Value: m.sealRow(rowK, grace), ExpiresAt: until})
	}
	if err := m.storeRefreshed(ctx, r.Rows, h, tokenHash(reply.AccessToken), exp, entries); err != nil {
		// The tenant has rotated the token and the new one cannot be kept
		// (the store is failing over, say). A store outage must not log
		// anyone out: the old row stays as it was, and the answer is 503.
		// The retry sends the old refresh token again, which the tenant
		// accepts within its refresh token reuse interval (Auth0's "Reuse
		// Interval"; see docs/password-login.md) and otherwise treats as
		// reuse, ending the family as revoking it here would have. The new
		// token, never handed out, lapses unused.
		m.cfg.Logger.Error("login: storing a refreshed token failed; the old row is kept for the retry", "err", err)
		release()
		return Answer{}, m.storeDown(ctx, err)
	}
	if err := replicas.Wait(ctx, m.store, newK, m.cfg.ReplicaWait); err != nil {
		// Written, not known to survive a failover. The rows and the lock
		// stay: a retry with the same token gets the grace answer (and
		// the new token, if the rows outlive what comes next).
		m.cfg.Logger.Warn("login: no replica confirmed a refresh's rows in time (ReplicaWait); answering 503", "err", err)
		return Answer{}, unavailable("the session store did not confirm the refresh; retry with the same token", 0, err)
	}
	if newK == rowK {
		// The tenant minted the very same access token again (same claims in
		// the same second, no jti): the row now holds the new refresh token,
		// and there is no old row to leave an answer in. Release the lock, so
		// that racing refreshes refresh in turn rather than wait for it.
		release()
	}
	return ans, nil
}

// ownsGhost reports whether the lock on h is one an earlier refresh here
// set without learning it had (its Add failed, yet the store applied it).
func (m *Manager) ownsGhost(ctx context.Context, g, h string) bool {
	nonce, ok := m.ghosts.take(h, m.cfg.Now())
	if !ok {
		return false
	}
	v, err := m.store.Get(ctx, m.lockKey(g, h))
	return err == nil && string(v) == nonce
}

// graceAnswer returns the answer a refresh left in the row, while it lasts
// and while the chain it leads to is alive: it follows the answers (one Get
// per refresh since) to the row that holds the refresh token now. A chain
// ended since (a logout with a newer token, a refresh the tenant refused for
// reuse or revocation, log out everywhere) has no such row any more, and
// then the old token gets nothing either.
func (m *Manager) graceAnswer(ctx context.Context, g string, r row) (Answer, error) {
	now := m.cfg.Now().Unix()
	if r.Until <= now {
		return Answer{}, noRefresh("This access token was already refreshed; use the new one or log in again.", nil)
	}
	if err := m.chainAlive(ctx, g, r.AccessToken); err != nil {
		return Answer{}, err
	}
	m.tel.graced(ctx)
	return Answer{AccessToken: r.AccessToken, TokenType: "Bearer", ExpiresIn: max(r.TokenExpires-now, 0)}, nil
}

// chainAlive returns nil when the row of accessToken, or of the token a
// refresh of it gave (and so on, at most maxLogoutHops refreshes on), still
// holds a refresh token; a *Error otherwise.
func (m *Manager) chainAlive(ctx context.Context, g, accessToken string) error {
	ended := noRefresh("This login has ended (logged out or revoked); log in again.", nil)
	for range maxLogoutHops {
		key := m.rowKey(g, tokenHash(accessToken))
		val, err := m.store.Get(ctx, key)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return ended
		case err != nil:
			return m.storeDown(ctx, err)
		}
		r, err := m.openRow(key, val)
		switch {
		case err != nil:
			return ended
		case r.Kind == kindRefresh:
			if r.Expires <= m.cfg.Now().Unix() {
				return ended
			}
			return nil
		}
		accessToken = r.AccessToken
	}
	return ended
}

// storeDown is the 503 for a store that failed (or the caller's deadline).
func (m *Manager) storeDown(ctx context.Context, err error) *Error {
	m.cfg.Logger.Warn("login: the store failed", "err", err)
	return unavailable("the session store is unavailable; try again later", 0, err)
}
