package session_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/session"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/internal/testenv"
)

// opsOf is what f counted since the snapshot before.
type opsSnap struct{ reads, writes, incrs int64 }

func snap(f *faulty) opsSnap {
	_, r, _, w := f.counts()
	return opsSnap{r, w, f.incrs.Load()}
}

func (a opsSnap) since(b opsSnap) string {
	r, w, i := a.reads-b.reads, a.writes-b.writes, a.incrs-b.incrs
	return fmt.Sprintf("%d (%d reads, %d writes, %d Incr)", r+w+i, r, w, i)
}

// TestCost (issue 24) counts the store operations of a session login, of
// the first request of a session on another instance, of a later request
// there, and of a login refused by the limiter (429), on one Redis and on a
// three-master Redis Cluster; the cluster adds none (each operation names
// one key group: one round trip to one node). Logged for docs/stores.md.
func TestCost(t *testing.T) {
	srv := testenv.StartRedis(t)
	open := func(url string) store.Store {
		st, err := store.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	c := testenv.StartRedisCluster(t)
	measure := func(url string) []string {
		tenant := auth0test.NewTenant(t)
		now := time.Now().Truncate(time.Minute)
		cfg := session.Config{LoginsPerMinute: 2, Now: func() time.Time { return now }, KeyPrefix: "cost:"}
		a, b := newEnv(t, open(url), tenant, cfg), newEnv(t, open(url), tenant, cfg)
		tok := tenant.Token(t)
		a.login(tok) // fetches the tenant's keys once
		s0 := snap(a.st)
		ck := a.login(tok)
		login := snap(a.st).since(s0)
		s0 = snap(b.st)
		if r := b.do("GET", "/api/private", cookieH(ck)); r.code != 200 {
			t.Fatalf("first request at B: %d %s", r.code, r.raw)
		}
		first := snap(b.st).since(s0)
		s0 = snap(b.st)
		b.do("GET", "/api/private", cookieH(ck))
		again := snap(b.st).since(s0)
		s0 = snap(a.st)
		if r := a.do("POST", "/auth/session", map[string]string{"Authorization": "Bearer " + tok}); r.code != 429 {
			t.Fatalf("third login: %d %s", r.code, r.raw)
		}
		limited := snap(a.st).since(s0)
		return []string{login, first, again, limited}
	}
	one, cl := measure(srv.URL()), measure(c.URL())
	for i, what := range []string{"session login (IPv4)", "first request of a session on an instance", "next request there (local cache)", "login refused by the limiter (429)"} {
		t.Logf("| %s | %s | %s |", what, one[i], cl[i])
		if one[i] != cl[i] {
			t.Errorf("%s: %s on one Redis, %s on the cluster", what, one[i], cl[i])
		}
	}
}
