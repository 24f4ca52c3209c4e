package login_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/session"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/internal/testenv/pgtest"
	"github.com/auth0gin/auth0gin/internal/testenv/redistest"
)

// Finding 6 (issue 23): "log out everywhere" is one call that ends the
// user's sessions and every password-login refresh row of that user, on
// SQLite, Redis and PostgreSQL. After it no access token from /auth/login
// refreshes: a fresh one, an expired one, one already refreshed (its grace
// answer) or its successor; another user's still does.
func TestLogoutEverywhereEndsPasswordLogins(t *testing.T) {
	for name, open := range map[string]func(t *testing.T) store.Store{
		"sqlite":   func(t *testing.T) store.Store { return openSQLite(t, filepath.Join(t.TempDir(), "s.db")) },
		"redis":    func(t *testing.T) store.Store { return redistest.OpenPrefix(t, redistest.Prefix(t)) },
		"postgres": func(t *testing.T) store.Store { return pgtest.OpenSchema(t, pgtest.URL(), pgtest.Schema(t)) },
	} {
		t.Run(name, func(t *testing.T) {
			st := open(t)
			tenant, clock := newClockedTenant(t)
			h := newHarness(t, tenant, st)
			sess, err := session.New(context.Background(), h.auth, st, session.Config{KeyPrefix: "sess-test:"})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = sess.Close() })
			sess.Mount(h.auth.Router(gin.New()), h.m) // the composition: log out everywhere ends h.m's logins too

			fresh := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
			clock.shift.Store(int64(-23 * time.Hour)) // minted expired an hour ago
			expired := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
			clock.shift.Store(0)
			refreshed := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
			successor := h.refresh(refreshed.AccessToken).answer(t)
			bob := h.login(devtenant.Bob.Email, devtenant.Bob.Password).answer(t)

			base := h.auth.Config().Issuers[0]
			if err := sess.LogoutUser(context.Background(), base, devtenant.Alice.ID); err != nil {
				t.Fatal(err)
			}
			for what, tok := range map[string]string{
				"a fresh token": fresh.AccessToken, "an expired token": expired.AccessToken,
				"a refreshed token (grace answer)": refreshed.AccessToken, "its successor": successor.AccessToken,
			} {
				if r := h.refresh(tok); r.status != 401 {
					t.Errorf("%s of alice after log out everywhere: %d %s", what, r.status, r.body)
				}
			}
			if r := h.refresh(bob.AccessToken); r.status != 200 {
				t.Errorf("bob's token: %d %s", r.status, r.body)
			}
			// Without sessions, login's own LogoutUser is the one call.
			again := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
			if err := h.m.LogoutUser(context.Background(), base, devtenant.Alice.ID); err != nil {
				t.Fatal(err)
			}
			if r := h.refresh(again.AccessToken); r.status != 401 {
				t.Errorf("after login.Manager.LogoutUser: %d %s", r.status, r.body)
			}
		})
	}
}
