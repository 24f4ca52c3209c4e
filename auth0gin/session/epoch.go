package session

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/store"
)

// "Log out everywhere" works by epochs, so that a login costs one store
// write: each user has an epoch key, written only by LogoutUser, holding a
// random value. A login reads it and stores it in the session's record; a
// record read from the store whose epoch is not the user's current one was
// made before a log-out-everywhere, and is refused. Random values, not
// times, so that no two instances' clocks ever need to agree.
//
// The key expires epochMargin after MaxLifetime: by then every session that
// predates it has ended, so its absence refuses nothing that should be; and
// a record carrying an epoch that has since expired is one made after that
// log-out-everywhere, so it is accepted (see stale).

// epochMargin covers clock differences between the instance that writes an
// epoch and those that made the sessions it ends.
const epochMargin = time.Hour

// userKey is how sessions name a user: (UserBase, ID), never the ID alone,
// for two tenants may issue one `sub` to two people (issue 23). The user
// base goes first, length-prefixed, so the key splits back unambiguously
// and holds no byte a store's text (PostgreSQL NOTIFY) refuses.
func userKey(userBase, id string) string {
	return strconv.Itoa(len(userBase)) + ":" + userBase + id
}

// userBaseOf is the Auth0User.UserBase of tokens of the trusted issuer iss
// under c (for users the core does not verify: opaque tokens).
func userBaseOf(c auth0gin.Config, iss string) string {
	for _, g := range c.SharedUserBases {
		if slices.Contains(g, iss) {
			return g[0]
		}
	}
	return iss
}

// userOf is the userKey of u.
func userOf(u *auth0gin.Auth0User) string { return userKey(u.UserBase, u.ID) }

// splitUserKey gives back what userKey joined.
func splitUserKey(k string) (userBase, id string) {
	n, rest, _ := strings.Cut(k, ":")
	l, err := strconv.Atoi(n)
	if err != nil || l < 0 || l > len(rest) {
		return "", k
	}
	return rest[:l], rest[l:]
}

// epochKey is the store key of a user's epoch (userKey). It is hashed: the
// user id comes from a token and may be long or hold any character.
func (m *Manager) epochKey(userID string) string {
	h := sha256.Sum256([]byte(userID))
	return m.cfg.KeyPrefix + "user-epoch:" + base64.RawURLEncoding.EncodeToString(h[:])
}

// epoch reads a user's current epoch: empty when the user never logged out
// everywhere (or did so longer than MaxLifetime ago).
func (m *Manager) epoch(ctx context.Context, userID string) (string, error) {
	b, err := m.st.Get(ctx, m.epochKey(userID))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "", nil
	case err != nil:
		return "", unavailable(err)
	}
	return string(b), nil
}

// stale reports whether a record made in epoch was ended by a
// log-out-everywhere whose epoch is current.
func stale(recordEpoch, current string) bool {
	return current != "" && recordEpoch != current
}

// newEpoch returns a fresh random epoch value.
func newEpoch() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// LogoutUser ends every session of a user, on every instance ("log out
// everywhere"), and forgets the user's tokens in the validated-token cache.
// The user is (userBase, id): an Auth0User's UserBase and ID (the same id
// from another tenant is someone else, and keeps their sessions). It is one
// store write (a new epoch for the user) and one message that drops the
// user's sessions from every instance's local cache; the records
// themselves are refused, and deleted, when next read.
//
// Every Ender given to Mount that has a method
// LogoutUser(ctx, userBase, id string) error ends what it holds for the user
// too, in the same call: with sess.Mount(api, lg), every password-login
// refresh token of the user (package login) is revoked and deleted, so that
// no access token from /auth/login, even an expired one, refreshes again.
// An error of one of them is returned after the sessions are ended.
//
// It knows no user beyond the identity, so it does not call OnLogout
// (LogoutEverywhere does, with the request's user).
func (m *Manager) LogoutUser(ctx context.Context, userBase, id string) error {
	return m.logoutUser(ctx, userBase, id, nil)
}

// userEnder is an Ender that also ends all it holds for a user (package
// login's Manager).
type userEnder interface {
	LogoutUser(ctx context.Context, userBase, id string) error
}

func (m *Manager) logoutUser(ctx context.Context, userBase, id string, u *auth0gin.Auth0User) error {
	now := m.cfg.Now()
	key := userKey(userBase, id)
	if err := m.st.Set(ctx, m.epochKey(key), []byte(newEpoch()), now.Add(m.cfg.MaxLifetime+epochMargin)); err != nil {
		return unavailable(err)
	}
	m.forgetUser(ctx, key)
	m.tel.everywhereDone(ctx, nil)
	var errs []error
	for _, e := range m.also {
		if ue, ok := e.(userEnder); ok {
			errs = append(errs, ue.LogoutUser(ctx, userBase, id))
		}
	}
	if m.cfg.OnLogout != nil && u != nil {
		m.cfg.OnLogout(ctx, u)
	}
	return errors.Join(errs...)
}

// forgetUser drops a user's sessions here and tells the other instances to
// do the same.
func (m *Manager) forgetUser(ctx context.Context, userID string) {
	msg := userMessage + userID
	m.invalidated(msg)
	if err := m.st.Publish(ctx, m.channel(), msg); err != nil {
		// Best effort: the other instances' entries expire within LocalCacheTTL.
		m.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "session: publishing a log-out-everywhere", slog.String("err", err.Error()))
	}
}

// userMessage starts an invalidation message that ends all of a user's
// sessions: "* <user>" (a session's is "<id> <user>").
const userMessage = "* "
