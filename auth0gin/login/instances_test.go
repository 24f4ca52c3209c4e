package login_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/login"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/internal/testenv/pgtest"
	"github.com/auth0gin/auth0gin/internal/testenv/redistest"
)

// TestLimitAcrossInstances (issue 24): three instances (three Managers,
// each with its own connection) on one store, behind one address: a client
// gets exactly LoginsPerMinute attempts, not three times as many, whichever
// instance each attempt reaches; the username's budget holds across them
// too. On Redis and on PostgreSQL.
func TestLimitAcrossInstances(t *testing.T) {
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
			now := time.Unix(1_700_000_000, 0) // hh:mm:20: 40 s of the window left
			const limit = 5
			hs := []*harness{newHarness(t, nil, open(), limited(limit, &now))}
			for range 2 {
				hs = append(hs, newHarness(t, hs[0].tenant, open(), limited(limit, &now)))
			}
			// One address, many usernames: the address's budget.
			got := 0
			for i := range 30 {
				r := hs[i%3].loginFrom("198.51.100.7", fmt.Sprintf("nobody%d@example.com", i), "wrong")
				switch r.status {
				case 401:
					got++
				case 429:
					if r.header.Get("Retry-After") != "40" {
						t.Fatalf("429 with Retry-After %q", r.header.Get("Retry-After"))
					}
				default:
					t.Fatalf("attempt %d: %d %s", i, r.status, r.body)
				}
			}
			if got != limit {
				t.Errorf("%d of 30 attempts from one address reached the tenant through 3 instances, want %d", got, limit)
			}
			// One username, many addresses: the username's budget.
			got = 0
			for i := range 30 {
				if r := hs[i%3].loginFrom(fmt.Sprintf("203.0.113.%d", i+1), "alice@example.com", "wrong"); r.status == 401 {
					got++
				}
			}
			if got != limit {
				t.Errorf("%d of 30 attempts for one username through 3 instances, want %d", got, limit)
			}
		})
	}
}

// TestLimitOutage: a store that cannot count refuses a login with 503 and
// Retry-After (the limit fails closed) before the tenant is asked; with
// LimitOutage "local" the login goes on, counted in memory.
func TestLimitOutage(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	h := newHarness(t, nil, nil, limited(5, &now))
	h.st.down.Store(true)
	r := h.loginFrom("198.51.100.7", "alice@example.com", "wrong")
	if r.status != 503 || r.header.Get("Retry-After") == "" {
		t.Fatalf("store down, default: %d %s", r.status, r.body)
	}
	if n := h.tenant.Stats().Grants["http://auth0.com/oauth/grant-type/password-realm"] + h.tenant.Stats().Grants["password"]; n != 0 {
		t.Errorf("the tenant was asked %d times", n)
	}

	local := newHarness(t, nil, nil, limited(2, &now), func(c *login.Config) { c.LimitOutage = "local" })
	local.st.down.Store(true)
	for i, want := range []int{401, 401, 429} {
		if r := local.loginFrom("198.51.100.7", fmt.Sprintf("u%d@example.com", i), "wrong"); r.status != want {
			t.Errorf("store down, LimitOutage local, attempt %d: %d %s", i, r.status, r.body)
		}
	}
	keys, _ := login.ParseKeys(keyA)
	if _, err := login.New(h.auth, newMemStore(), login.Config{Keys: keys, LimitOutage: "open"}); err == nil {
		t.Error(`LimitOutage "open" accepted`)
	}
}
