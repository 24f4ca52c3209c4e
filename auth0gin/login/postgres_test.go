package login_test

import (
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/internal/testenv/pgtest"
)

// TestRaceTwoInstancesPostgres: two instances on one PostgreSQL schema, 10
// concurrent refreshes of one access token at each: one refresh grant, 20
// identical answers, no reuse detection.
func TestRaceTwoInstancesPostgres(t *testing.T) {
	schema := pgtest.Schema(t)
	a := newHarness(t, nil, pgtest.OpenSchema(t, pgtest.URL(), schema))
	b := newHarness(t, a.tenant, pgtest.OpenSchema(t, pgtest.URL(), schema))
	raceRefreshes(t, []*harness{a, b}, 10)
}

// TestPostgresDown: the connection to PostgreSQL cut (a proxy of the test's
// own): 503 with Retry-After; restored, the same token refreshes.
func TestPostgresDown(t *testing.T) {
	proxy, dsn := pgtest.Proxy(t)
	h := newHarness(t, nil, pgtest.OpenSchema(t, dsn, pgtest.Schema(t)))
	a := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
	proxy.Cut()
	if r := h.refresh(a.AccessToken); r.status != 503 || r.header.Get("Retry-After") == "" {
		t.Fatalf("refresh with PostgreSQL cut off: %d %s", r.status, r.body)
	}
	proxy.Restore()
	h.refresh(a.AccessToken).answer(t)
	if s := h.tenant.Stats(); s.RefreshReuseRevocations != 0 || s.Grants["refresh_token"] != 1 {
		t.Errorf("tenant counters: %+v", s)
	}
}
