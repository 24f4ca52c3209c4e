package login_test

import (
	"context"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/redis"
	"github.com/auth0gin/auth0gin/internal/testenv"
)

// openCluster opens n stores (n instances) on one Redis Cluster of the
// test's own: three masters, three replicas.
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

// TestCluster (issue 24): password login on a three-master Redis Cluster,
// which refuses a SetMany or Delete across key groups. Racing refreshes of
// one token at two instances make exactly one refresh grant; refresh,
// logout and log out everywhere work.
func TestCluster(t *testing.T) {
	c := testenv.StartRedisCluster(t)
	sts := openCluster(t, c, 2)

	t.Run("RaceTwoInstances", func(t *testing.T) {
		a := newHarness(t, nil, sts[0])
		b := newHarness(t, a.tenant, sts[1])
		raceRefreshes(t, []*harness{a, b}, 10)
	})
	t.Run("Flows", func(t *testing.T) {
		a := newHarness(t, nil, sts[0])
		b := newHarness(t, a.tenant, sts[1])
		x := a.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
		x1 := b.refresh(x.AccessToken).answer(t)
		if r := a.refresh(x.AccessToken); r.status != 200 || r.answer(t).AccessToken != x1.AccessToken {
			t.Fatalf("grace answer at the other instance: %d %s", r.status, r.body)
		}
		if r := a.bearer("/auth/logout", x.AccessToken); r.status != 204 {
			t.Fatalf("logout: %d %s", r.status, r.body)
		}
		if r := b.refresh(x1.AccessToken); r.status != 401 {
			t.Fatalf("refresh after logout: %d %s", r.status, r.body)
		}
		y := a.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
		z := b.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
		if err := b.m.LogoutUser(context.Background(), a.auth.Config().Issuers[0], devtenant.Alice.ID); err != nil {
			t.Fatal(err)
		}
		for _, tok := range []string{y.AccessToken, z.AccessToken} {
			if r := a.refresh(tok); r.status != 401 {
				t.Errorf("refresh after log out everywhere: %d %s", r.status, r.body)
			}
		}
	})
}
