package login

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/store"
)

// Every row of a user's login is listed in a store set of that user, so that
// "log out everywhere" can end every refresh token the user has here, though
// rows are found by access token: the set is named after the user's identity
// (UserBase, ID), and its members are the rows' token hashes, each kept until
// its row's end. A row is listed before it is written: a listed hash whose row
// is gone costs LogoutUser one read, while a row that is not listed would
// outlive a log-out-everywhere.

// userRows is the name of the set listing the rows of the user (userBase, id).
// The identity is hashed: an id comes from a token and may hold any character.
// It lies in the group of the user's rows (userGroup of id, the subject).
func (m *Manager) userRows(userBase, id string) string {
	h := sha256.Sum256([]byte(strconv.Itoa(len(userBase)) + ":" + userBase + id))
	return m.cfg.KeyPrefix + "{u:" + userGroup(id) + "}:rows:" + hex.EncodeToString(h[:])
}

// userRowsOf is userRows of u.
func (m *Manager) userRowsOf(u *auth0gin.Auth0User) string { return m.userRows(u.UserBase, u.ID) }

// listRow adds the row of hash to the user's set until exp. An empty set
// (a row written before rows were listed) lists nothing.
func (m *Manager) listRow(ctx context.Context, set, hash string, exp time.Time) error {
	if set == "" {
		return nil
	}
	return m.store.AddMember(ctx, set, hash, exp)
}

// storeRefreshed writes a refresh's rows (entries: the new row, and the old
// one turned into a grace answer when the access token changed), listing the
// new row in the user's set first; the old row's listing then ends with its
// grace window.
func (m *Manager) storeRefreshed(ctx context.Context, set, oldHash, newHash string, exp time.Time, entries []store.Entry) error {
	if err := m.listRow(ctx, set, newHash, exp); err != nil {
		return err
	}
	if err := m.store.SetMany(ctx, entries...); err != nil {
		return err
	}
	if oldHash != newHash {
		if err := m.listRow(ctx, set, oldHash, m.cfg.Now().Add(m.cfg.GraceWindow)); err != nil {
			m.cfg.Logger.Warn("login: shortening a refreshed row's listing failed; it ends with the refresh token", "err", err)
		}
	}
	return nil
}

// LogoutUser ends every password login of the user (userBase, id), an
// Auth0User's UserBase and ID: each refresh token this Manager holds for
// the user, on any instance, is revoked at the tenant (with rotation, its
// whole family) and its row deleted, with the grace answers of recent
// refreshes; the user's tokens are forgotten in the validated-token cache.
// No access token from /auth/login, even an expired one, refreshes again.
// Access tokens already issued stay valid until they expire, as with
// LogoutToken.
//
// It makes "log out everywhere" one call: given to the session Manager's
// Mount (sess.Mount(api, lg)), it runs within session.Manager.LogoutUser and
// LogoutEverywhere. Without sessions, call it yourself. Only a store outage
// fails, with a 503 *Error; a tenant that cannot be reached is logged and
// the rows are deleted anyway (the refresh tokens, held nowhere else, are
// then useless).
func (m *Manager) LogoutUser(ctx context.Context, userBase, id string) error {
	defer m.auth.ForgetUser(ctx, userBase, id)
	set, g := m.userRows(userBase, id), userGroup(id)
	hashes, err := m.store.Members(ctx, set)
	if err != nil {
		return m.storeDown(ctx, err)
	}
	for _, h := range hashes {
		if err := m.endListedRow(ctx, m.rowKey(g, h)); err != nil {
			return err
		}
		if err := m.store.RemoveMember(ctx, set, h); err != nil {
			return m.storeDown(ctx, err)
		}
	}
	return nil
}

// endListedRow revokes the refresh token the row under key holds, if any,
// and deletes the row (a refresh row or a grace answer alike).
func (m *Manager) endListedRow(ctx context.Context, key string) error {
	val, err := m.store.Get(ctx, key)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil
	case err != nil:
		return m.storeDown(ctx, err)
	}
	if r, err := m.openRow(key, val); err == nil && r.Kind == kindRefresh {
		if err := m.revoke(ctx, r.RefreshToken); err != nil {
			m.cfg.Logger.Warn("login: revoking a refresh token at log out everywhere failed; the row is deleted anyway", "err", err)
		}
	}
	if err := m.store.Delete(ctx, key); err != nil {
		return m.storeDown(ctx, err)
	}
	return nil
}
