package login_test

import (
	"net/http"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/internal/testenv/pgtest"
	"github.com/auth0gin/auth0gin/internal/testenv/redistest"
)

// chainStores opens a store of the test's own on each backend the rows live
// in: a SQLite file, the shared Redis (own prefix), the shared PostgreSQL
// (own schema).
var chainStores = map[string]func(t *testing.T) store.Store{
	"SQLite":     func(t *testing.T) store.Store { return openSQLite(t, filepath.Join(t.TempDir(), "chain.db")) },
	"Redis":      func(t *testing.T) store.Store { return redistest.OpenPrefix(t, redistest.Prefix(t)) },
	"PostgreSQL": func(t *testing.T) store.Store { return pgtest.OpenSchema(t, pgtest.URL(), pgtest.Schema(t)) },
}

// TestLogoutEndsGraceAnswers (finding 5): log in (g0), refresh g0 (g1), log
// out with g1, refresh g1 (401). Refreshing g0 then answered 200 with g1
// from the grace row for the rest of the grace window: the previous token
// fetched the newest one after logout. Ending a chain ends its grace
// answers.
func TestLogoutEndsGraceAnswers(t *testing.T) {
	for name, open := range chainStores {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, nil, open(t))
			g0 := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
			g1 := h.refresh(g0.AccessToken).answer(t)
			if r := h.bearer("/auth/logout", g1.AccessToken); r.status != 204 {
				t.Fatalf("logout with g1: %d %s", r.status, r.body)
			}
			want401(t, h.refresh(g1.AccessToken), "refresh of g1 after logout")
			want401(t, h.refresh(g0.AccessToken), "refresh of g0 after logout with g1")
		})
	}
}

// TestLogoutEndsGraceAnswersDeep: the chain g0 → g1 → g2, logged out with
// the newest token: neither older token answers any more.
func TestLogoutEndsGraceAnswersDeep(t *testing.T) {
	h := newHarness(t, nil, nil)
	g0 := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
	g1 := h.refresh(g0.AccessToken).answer(t)
	g2 := h.refresh(g1.AccessToken).answer(t)
	// Before the logout, g0 still gets the answer its refresh gave (a racing
	// tab): the grace answer itself is kept.
	if r := h.refresh(g0.AccessToken).answer(t); r.AccessToken != g1.AccessToken {
		t.Fatal("the grace answer of g0 is not g1")
	}
	if r := h.bearer("/auth/logout", g2.AccessToken); r.status != 204 {
		t.Fatalf("logout with g2: %d %s", r.status, r.body)
	}
	for i, g := range []string{g2.AccessToken, g1.AccessToken, g0.AccessToken} {
		if r := h.refresh(g); r.status != 401 {
			t.Errorf("refresh of g%d after logout with g2: %d %s", 2-i, r.status, r.body)
		}
	}
}

// TestReuseEndsGraceAnswers: the tenant revokes the family (reuse
// detection: the spent refresh token of g0 is presented again); the next
// refresh of g1 is refused and ends the chain, and g0's grace answer with
// it, on every backend.
func TestReuseEndsGraceAnswers(t *testing.T) {
	for name, open := range chainStores {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, nil, open(t))
			g0 := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
			g1 := h.refresh(g0.AccessToken).answer(t)
			form := url.Values{"grant_type": {"refresh_token"}, "client_id": {regularClientID},
				"client_secret": {regularClientSecret}, "refresh_token": {h.tap.tokens()[0]}}
			res, err := http.PostForm(h.tenant.URL+"oauth/token", form)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode == 200 {
				t.Fatal("the tenant accepted a spent refresh token")
			}
			want401(t, h.refresh(g1.AccessToken), "refresh of g1 after reuse")
			want401(t, h.refresh(g0.AccessToken), "refresh of g0 after the chain was revoked")
		})
	}
}

// want401 fails t unless r is the 401 of a chain that ended: invalid_token
// in the body and in the WWW-Authenticate challenge alike.
func want401(t *testing.T, r reply, what string) {
	t.Helper()
	if r.status != 401 {
		t.Fatalf("%s: %d %s", what, r.status, r.body)
	}
	if code := r.errorCode(t); code != "invalid_token" || !contains(r.header.Get("WWW-Authenticate"), `error="invalid_token"`) {
		t.Errorf("%s: body %s, WWW-Authenticate %q: want invalid_token in both", what, r.body, r.header.Get("WWW-Authenticate"))
	}
}
