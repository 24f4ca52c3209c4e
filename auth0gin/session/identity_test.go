package session_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/session"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/internal/testutil"
)

// newEnvTrusting is newEnv with an Auth0 that trusts tenant a and b.
func newEnvTrusting(t *testing.T, base store.Store, a, b *auth0test.Tenant, cfg session.Config) *env {
	t.Helper()
	e := &env{t: t, tenant: a, st: &faulty{Store: base}, clock: &clock{now: time.Now()}, logs: &testutil.SyncBuffer{}, seen: &seenLog{}}
	ac := a.Config(b)
	ac.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	e.auth = auth0gin.MustNew(ac)
	cfg.Now = e.clock.Now
	cfg.KeyPrefix = "test:" + strings.ReplaceAll(t.Name(), "/", "_") + ":"
	sess, err := session.New(context.Background(), e.auth, e.st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sess.Close() })
	e.auth.Attach(sess)
	e.sess = sess
	e.srv = httptest.NewServer(e.router())
	t.Cleanup(e.srv.Close)
	return e
}

// Finding 1 (issue 23): the session epoch is keyed by (UserBase, ID). With
// tenants A and B trusted, A's alice logging out everywhere ends her
// sessions only: B's user with the same sub keeps hers, on SQLite, Redis and
// PostgreSQL, from the local cache and from the store.
func TestLogoutEverywhereIsPerUserBase(t *testing.T) {
	for _, name := range []string{"sqlite", "redis", "postgres"} {
		t.Run(name, func(t *testing.T) {
			ta, tb := auth0test.NewTenant(t), auth0test.NewTenant(t)
			open := twoInstanceStores(t, name)
			for _, ttl := range []time.Duration{time.Hour, -1} {
				e := newEnvTrusting(t, open(), ta, tb, session.Config{LocalCacheTTL: ttl})
				fromA, fromB := e.login(ta.Token(t)), e.login(tb.Token(t))
				for _, c := range []*http.Cookie{fromA, fromB} {
					if r := e.do("GET", "/api/private", cookieH(c)); r.code != 200 {
						t.Fatalf("before: %d %s", r.code, r.raw)
					}
				}
				if r := e.do("POST", "/auth/logout-everywhere", cookieH(fromA)); r.code != 204 {
					t.Fatalf("logout everywhere: %d %s", r.code, r.raw)
				}
				if r := e.do("GET", "/api/private", cookieH(fromA)); r.code != 401 {
					t.Errorf("ttl %v: A's session after A's logout everywhere: %d", ttl, r.code)
				}
				if r := e.do("GET", "/api/private", cookieH(fromB)); r.code != 200 {
					t.Errorf("ttl %v: B's user, same sub, after A's user logged out everywhere: %d %s", ttl, r.code, r.raw)
				}
			}
		})
	}
}

// LogoutUser takes the identity: (UserBase, ID).
func TestLogoutUserTakesTheUserBase(t *testing.T) {
	ta, tb := auth0test.NewTenant(t), auth0test.NewTenant(t)
	e := newEnvTrusting(t, newStore(t), ta, tb, session.Config{LocalCacheTTL: -1})
	fromA, fromB := e.login(ta.Token(t)), e.login(tb.Token(t))
	if err := e.sess.LogoutUser(t.Context(), tb.URL, devtenant.Alice.ID); err != nil {
		t.Fatal(err)
	}
	if r := e.do("GET", "/api/private", cookieH(fromB)); r.code != 401 {
		t.Errorf("B's session after LogoutUser(B, alice): %d", r.code)
	}
	if r := e.do("GET", "/api/private", cookieH(fromA)); r.code != 200 {
		t.Errorf("A's session after LogoutUser(B, alice): %d", r.code)
	}
}

// An opaque token's user has the UserBase of the tenant whose /userinfo
// answered: LogoutUser(tenant, id) ends the opaque session too.
func TestOpaqueUserHasAUserBase(t *testing.T) {
	clk := newClocks()
	tenant := auth0test.NewTenant(t, auth0test.WithClock(clk.tenant.Now))
	e := newDevEnvOpaque(t, newStore(t), tenant, clk.Now, session.Config{LocalCacheTTL: -1}, &session.OpaqueConfig{CacheTTL: time.Minute})
	r := e.do("POST", "/auth/session", bearer(opaqueToken(t, tenant, devtenant.Alice.Email, devtenant.Alice.Password)))
	if r.code != 200 {
		t.Fatalf("login with an opaque token: %d %s", r.code, r.raw)
	}
	ck := (&http.Response{Header: r.h}).Cookies()[0]
	if err := e.sess.LogoutUser(t.Context(), tenant.URL, devtenant.Alice.ID); err != nil {
		t.Fatal(err)
	}
	if me := e.do("GET", "/api/private", cookieH(ck)); me.code != 401 {
		t.Errorf("the opaque session after LogoutUser(tenant, alice): %d %s", me.code, me.raw)
	}
}
