package session_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/session"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/internal/testenv/pgtest"
	"github.com/auth0gin/auth0gin/internal/testenv/redistest"
)

// A login is one token verification, one store read (the user's epoch) and
// exactly one store write (the record): no set membership; and the
// limiter's one Incr (an IPv4 client).
func TestLoginIsOneStoreWrite(t *testing.T) {
	e := newEnv(t, newStore(t), auth0test.NewTenant(t), session.Config{})
	tok := e.tenant.Token(t)
	e.login(tok) // the first login also fetches the tenant's keys
	for range 3 {
		sets, reads, adds, writes := e.st.counts()
		incrs := e.st.incrs.Load()
		c := e.login(tok)
		s2, r2, a2, w2 := e.st.counts()
		if n := e.st.incrs.Load() - incrs; n != 1 {
			t.Fatalf("a login: %d Incr, want the limiter's 1", n)
		}
		if s2-sets != 1 || w2-writes != 1 || a2-adds != 0 || r2-reads != 1 {
			t.Fatalf("a login: %d Set, %d writes, %d AddMember, %d reads; want 1, 1, 0, 1", s2-sets, w2-writes, a2-adds, r2-reads)
		}
		if r := e.do("GET", "/api/private", cookieH(c)); r.code != 200 {
			t.Fatalf("the new session: %d %s", r.code, r.raw)
		}
	}
}

// A session's first request on another instance reads the record, its
// activity and its user's epoch, and writes nothing.
func TestColdRequestCost(t *testing.T) {
	st := newStore(t)
	tenant := auth0test.NewTenant(t)
	a := newEnv(t, st, tenant, session.Config{})
	b := newEnv(t, st, tenant, session.Config{})
	c := a.login(tenant.Token(t))
	_, reads, _, writes := b.st.counts()
	if r := b.do("GET", "/api/private", cookieH(c)); r.code != 200 {
		t.Fatalf("first request on B: %d %s", r.code, r.raw)
	}
	_, r2, _, w2 := b.st.counts()
	if r2-reads != 3 || w2-writes != 0 {
		t.Errorf("a first request: %d reads, %d writes; want 3, 0", r2-reads, w2-writes)
	}
}

// Log out everywhere on one instance: every session of the user is refused,
// from the local cache and from the store, OnLogout runs once, other users
// keep theirs, and a login after it works. It is one store write.
func TestLogoutEverywhereOneInstance(t *testing.T) {
	for _, ttl := range []time.Duration{10 * time.Minute, -1} { // with and without the local cache
		t.Run(map[bool]string{true: "cached", false: "uncached"}[ttl > 0], func(t *testing.T) {
			var out atomic.Int64
			var who atomic.Value
			e := newEnv(t, newStore(t), auth0test.NewTenant(t), session.Config{LocalCacheTTL: ttl,
				OnLogout: func(_ context.Context, u *auth0gin.Auth0User) { out.Add(1); who.Store(u.ID) }})
			a, b := e.login(e.tenant.Token(t)), e.login(e.tenant.Token(t))
			bob := e.login(e.tenant.Token(t, auth0test.User(devtenant.Bob.Email)))
			for _, c := range []*http.Cookie{a, b, bob} {
				if r := e.do("GET", "/api/private", cookieH(c)); r.code != 200 {
					t.Fatalf("before: %d", r.code)
				}
			}
			_, _, adds, writes := e.st.counts()
			if r := e.do("POST", "/auth/logout-everywhere", cookieH(a)); r.code != 204 {
				t.Fatalf("logout everywhere: %d %s", r.code, r.raw)
			}
			if _, _, a2, w2 := e.st.counts(); w2-writes != 1 || a2 != adds {
				t.Errorf("log out everywhere made %d writes, want 1", w2-writes)
			}
			if out.Load() != 1 || who.Load() != devtenant.Alice.ID {
				t.Errorf("OnLogout ran %d times, for %v", out.Load(), who.Load())
			}
			for _, c := range []*http.Cookie{a, b} {
				if r := e.do("GET", "/api/private", cookieH(c)); r.code != 401 || r.body["error"] != "invalid_token" {
					t.Errorf("alice's session after logout everywhere: %d %s", r.code, r.raw)
				}
			}
			if r := e.do("GET", "/api/private", cookieH(bob)); r.code != 200 {
				t.Errorf("bob's session: %d", r.code)
			}
			again := e.login(e.tenant.Token(t))
			e.clock.Advance(11 * time.Minute) // past the local cache: read from the store
			for _, c := range []*http.Cookie{again, bob} {
				if r := e.do("GET", "/api/private", cookieH(c)); r.code != 200 {
					t.Errorf("a session after the logout everywhere: %d %s", r.code, r.raw)
				}
			}
			if r := e.do("GET", "/api/private", cookieH(a)); r.code != 401 {
				t.Errorf("an ended session, from the store: %d", r.code)
			}
			// A second log out everywhere ends the session made between them.
			if r := e.do("POST", "/auth/logout-everywhere", cookieH(again)); r.code != 204 {
				t.Fatal(r.code)
			}
			if r := e.do("GET", "/api/private", cookieH(again)); r.code != 401 {
				t.Errorf("after the second logout everywhere: %d", r.code)
			}
		})
	}
}

// twoInstanceStores returns what opens one more instance's connection to
// one test-owned store of the named kind (SQLite's is shared in process).
func twoInstanceStores(t *testing.T, kind string) func() store.Store {
	switch kind {
	case "redis":
		prefix := redistest.Prefix(t)
		return func() store.Store { return redistest.OpenPrefix(t, prefix) }
	case "postgres":
		schema := pgtest.Schema(t)
		return func() store.Store { return pgtest.OpenSchema(t, pgtest.URL(), schema) }
	}
	st := newStore(t)
	return func() store.Store { return st }
}

// Two instances on one store (SQLite in one process, Redis, PostgreSQL):
// log out everywhere on B ends the user's sessions that A holds in its local
// cache within 100 ms, made on either instance; other users keep theirs.
func TestLogoutEverywhereTwoInstances(t *testing.T) {
	for _, name := range []string{"sqlite", "redis", "postgres"} {
		t.Run(name, func(t *testing.T) {
			open := twoInstanceStores(t, name)
			tenant := auth0test.NewTenant(t)
			cfg := session.Config{LocalCacheTTL: time.Hour}
			a := newEnv(t, open(), tenant, cfg)
			b := newEnv(t, open(), tenant, cfg)
			onA, onB := a.login(tenant.Token(t)), b.login(tenant.Token(t))
			bob := a.login(tenant.Token(t, auth0test.User(devtenant.Bob.Email)))
			for _, e := range []*env{a, b} { // warm both local caches
				for _, c := range []*http.Cookie{onA, onB, bob} {
					if r := e.do("GET", "/api/private", cookieH(c)); r.code != 200 {
						t.Fatalf("before: %d %s", r.code, r.raw)
					}
				}
			}
			if r := b.do("POST", "/auth/logout-everywhere", cookieH(onB)); r.code != 204 {
				t.Fatalf("logout everywhere on B: %d %s", r.code, r.raw)
			}
			for _, c := range []*http.Cookie{onA, onB} {
				if r := b.do("GET", "/api/private", cookieH(c)); r.code != 401 {
					t.Errorf("B answers %d for an ended session", r.code)
				}
				refusedWithin100ms(t, a, c, "instance A, after the logout everywhere on B")
			}
			for _, e := range []*env{a, b} {
				if r := e.do("GET", "/api/private", cookieH(bob)); r.code != 200 {
					t.Errorf("bob's session: %d", r.code)
				}
			}
			after := a.login(tenant.Token(t))
			for _, e := range []*env{a, b} {
				if r := e.do("GET", "/api/private", cookieH(after)); r.code != 200 {
					t.Errorf("a login after the logout everywhere: %d %s", r.code, r.raw)
				}
			}
		})
	}
}

// refusedWithin100ms waits for e to refuse c (401), as a logout published
// by another instance reaches it; it fails t after 100 ms.
func refusedWithin100ms(t *testing.T, e *env, c *http.Cookie, what string) {
	t.Helper()
	deadline := time.Now().Add(100 * time.Millisecond)
	for {
		r := e.do("GET", "/api/private", cookieH(c))
		if r.code == 401 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still %d after 100 ms", what, r.code)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A login that read the user's epoch before a log out everywhere, and wrote
// its record after, leaves no live session: not in the instance's local
// cache (the logout's drop is remembered), not in the store (the record
// carries the old epoch), whichever instance logs out.
func TestLoginRacingLogoutEverywhere(t *testing.T) {
	for _, where := range []string{"same instance", "other instance"} {
		t.Run(strings.ReplaceAll(where, " ", "_"), func(t *testing.T) {
			base := newStore(t)
			tenant := auth0test.NewTenant(t)
			cfg := session.Config{LocalCacheTTL: time.Hour}
			slow := &stalling{Store: base, key: "user-epoch:", read: make(chan struct{}), release: make(chan struct{})}
			a := newEnv(t, slow, tenant, cfg)
			b := newEnv(t, base, tenant, cfg)
			logoutOn := a
			if where == "other instance" {
				logoutOn = b
			}
			tok := tenant.Token(t)
			a.login(tok) // warm: keys fetched, the token verified

			slow.armed.Store(true)
			done := make(chan *resp)
			go func() {
				done <- a.do("POST", "/auth/session", map[string]string{"Authorization": "Bearer " + tok})
			}()
			<-slow.read // A's login has read the epoch, not yet written its record
			if r := logoutOn.do("POST", "/auth/logout-everywhere", map[string]string{"Authorization": "Bearer " + tok}); r.code != 204 {
				t.Fatalf("logout everywhere: %d %s", r.code, r.raw)
			}
			close(slow.release)
			r := <-done
			if r.code != 200 {
				t.Fatalf("the racing login: %d %s", r.code, r.raw)
			}
			var c *http.Cookie
			for _, ck := range (&http.Response{Header: r.h}).Cookies() {
				if ck.Name == "auth0gin_session" {
					c = ck
				}
			}
			if c == nil {
				t.Fatal("no cookie")
			}
			if r := b.do("GET", "/api/private", cookieH(c)); r.code != 401 {
				t.Errorf("B (from the store) answers %d for a session from before the logout everywhere", r.code)
			}
			refusedWithin100ms(t, a, c, "A, a session from before the logout everywhere")
			if c := a.login(tok); a.do("GET", "/api/private", cookieH(c)).code != 200 {
				t.Error("a login after the logout everywhere is refused")
			}
		})
	}
}
