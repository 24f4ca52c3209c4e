package session_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/session"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/redis"
	"github.com/auth0gin/auth0gin/internal/testenv"
)

// openCluster opens n stores (n instances) on the Redis Cluster c.
func openCluster(t *testing.T, c *testenv.RedisCluster, n int) []store.Store {
	t.Helper()
	out := make([]store.Store, n)
	for i := range out {
		st, err := store.Open(context.Background(), c.URL())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		out[i] = st
	}
	return out
}

// TestSessionsOnCluster (issue 24): sessions on a three-master Redis Cluster,
// which refuses a multi-key call across key groups, at two instances: a
// session made at one works at the other, ping and logout work, and the
// logout reaches the other instance's local cache.
func TestSessionsOnCluster(t *testing.T) {
	sts := openCluster(t, testenv.StartRedisCluster(t), 2)
	tenant := auth0test.NewTenant(t)
	cfg := session.Config{KeyPrefix: "cl:"}
	a := newEnv(t, sts[0], tenant, cfg)
	b := newEnv(t, sts[1], tenant, cfg)
	for range 3 { // three sessions: three groups, most likely on other nodes
		c := a.login(tenant.Token(t))
		if r := b.do("GET", "/api/private", cookieH(c)); r.code != 200 {
			t.Fatalf("the session at B: %d %s", r.code, r.raw)
		}
		if r := b.do("POST", "/auth/ping", cookieH(c)); r.code != 204 {
			t.Fatalf("ping at B: %d %s", r.code, r.raw)
		}
		if r := a.do("POST", "/auth/logout", cookieH(c)); r.code != 204 {
			t.Fatalf("logout at A: %d %s", r.code, r.raw)
		}
		if err := testenv.Eventually(context.Background(), 5*time.Second, func() error {
			if r := b.do("GET", "/api/private", cookieH(c)); r.code != 401 {
				return fmt.Errorf("still %d", r.code)
			}
			return nil
		}); err != nil {
			t.Fatalf("B after the logout: %v", err)
		}
	}
}
