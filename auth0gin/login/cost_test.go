package login_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/internal/testenv"
)

// TestCost (issue 24) counts the store operations of a password login, a
// refresh and a refused (429) login, with the limits on, on one Redis and
// on a three-master Redis Cluster, and checks that the cluster adds none:
// every operation names one key group, so each is one round trip to one
// node. The figures are logged for docs/stores.md.
func TestCost(t *testing.T) {
	srv := testenv.StartRedis(t)
	single, err := store.Open(context.Background(), srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { single.Close() })
	cluster := openCluster(t, testenv.StartRedisCluster(t), 1)[0]

	measure := func(st store.Store) map[string]string {
		// A clock that stands still: every decision falls in one window.
		// Not truncated to the minute: the refresh lock's expiry, from this
		// clock, must be in the store's future.
		now := time.Now()
		h := newHarness(t, nil, st, limited(3, &now))
		out := map[string]string{}
		h.st.reset()
		a := h.loginFrom("198.51.100.1", devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
		out["password login (IPv4)"] = opsString(h.st.reset())
		h.refresh(a.AccessToken).answer(t)
		out["refresh"] = opsString(h.st.reset())
		for range 3 {
			h.loginFrom("198.51.100.2", "nobody@example.com", "wrong")
		}
		h.st.reset()
		if r := h.loginFrom("198.51.100.2", "nobody@example.com", "wrong"); r.status != 429 {
			t.Fatalf("4th attempt: %d %s", r.status, r.body)
		}
		out["login refused by the address limit (429)"] = opsString(h.st.reset())
		return out
	}
	one, cl := measure(single), measure(cluster)
	for _, k := range []string{"password login (IPv4)", "refresh", "login refused by the address limit (429)"} {
		t.Logf("| %s | %s | %s |", k, one[k], cl[k])
		if one[k] != cl[k] {
			t.Errorf("%s: %s on one Redis, %s on the cluster", k, one[k], cl[k])
		}
	}
}

// opsString writes ops as "n (Op×k, ...)".
func opsString(ops map[string]int) string {
	var names []string
	for k := range ops {
		names = append(names, k)
	}
	sort.Strings(names)
	var parts []string
	for _, k := range names {
		parts = append(parts, fmt.Sprintf("%s×%d", k, ops[k]))
	}
	return fmt.Sprintf("%d (%s)", total(ops), strings.Join(parts, ", "))
}
