package session_test

import (
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/session"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/internal/testenv/pgtest"
	"github.com/auth0gin/auth0gin/internal/testenv/redistest"
)

// TestLoginLimitAcrossInstances (issue 24): three session Managers on one
// store, each with its own connection: one client gets exactly
// LoginsPerMinute logins through them together, on Redis and PostgreSQL;
// with the store down, a login is 503 with Retry-After (fails closed).
func TestLoginLimitAcrossInstances(t *testing.T) {
	for _, tc := range []struct {
		name string
		open func(t *testing.T) func() store.Store
	}{
		{"redis", func(t *testing.T) func() store.Store {
			p := redistest.Prefix(t)
			return func() store.Store { return redistest.OpenPrefix(t, p) }
		}},
		{"postgres", func(t *testing.T) func() store.Store {
			s := pgtest.Schema(t)
			return func() store.Store { return pgtest.OpenSchema(t, pgtest.URL(), s) }
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			open := tc.open(t)
			tenant := auth0test.NewTenant(t)
			now := time.Now().Truncate(time.Minute) // a window's start: no edge within the test
			cfg := session.Config{LoginsPerMinute: 4, KeyPrefix: "three:", Now: func() time.Time { return now }}
			es := []*env{newEnv(t, open(), tenant, cfg), newEnv(t, open(), tenant, cfg), newEnv(t, open(), tenant, cfg)}
			tok := tenant.Token(t)
			got := 0
			for i := range 15 {
				r := es[i%3].do("POST", "/auth/session", map[string]string{"Authorization": "Bearer " + tok})
				switch r.code {
				case 200:
					got++
				case 429:
				default:
					t.Fatalf("login %d: %d %s", i, r.code, r.raw)
				}
			}
			if got != 4 {
				t.Errorf("%d of 15 logins through 3 instances, want 4", got)
			}
			es[0].st.down.Store(true)
			if r := es[0].do("POST", "/auth/session", map[string]string{"Authorization": "Bearer " + tok}); r.code != 503 || r.h.Get("Retry-After") == "" {
				t.Errorf("store down: %d %s", r.code, r.raw)
			}
		})
	}
}
