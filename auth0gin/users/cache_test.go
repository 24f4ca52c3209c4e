package users_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/users"
)

// clock is a test clock moved by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// TestCache: a resolved user is served from memory until its TTL or an
// Invalidate, and the cache holds at most CacheSize users.
func TestCache(t *testing.T) {
	tenant := newTenant(t)
	auth := auth0gin.MustNew(tenant.Config())
	ctx := context.Background()
	alice := verify(t, auth, tenant.Token(t))
	bob := verify(t, auth, tenant.Token(t, auth0test.User(devtenant.Bob.Email)))
	id := func(res *users.Resolver[users.User], u *auth0gin.Auth0User) int64 {
		t.Helper()
		cur, err := res.Resolve(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		return cur.User.ID
	}

	t.Run("TTL and Invalidate", func(t *testing.T) {
		st := sqliteStore(t)
		clk := &clock{now: time.Unix(1_800_000_000, 0)}
		res := newResolver(t, users.Config[users.User]{Store: st, CacheTTL: time.Minute, Now: clk.Now})
		first := id(res, alice)
		if err := st.Delete(ctx, base(auth), devtenant.Alice.ID); err != nil {
			t.Fatal(err)
		}
		clk.add(59 * time.Second)
		if got := id(res, alice); got != first {
			t.Fatalf("within the TTL: row %d, want the cached %d", got, first)
		}
		clk.add(time.Second)
		second := id(res, alice)
		if second == first {
			t.Fatal("past the TTL the deleted row was still served")
		}
		if err := st.Delete(ctx, base(auth), devtenant.Alice.ID); err != nil {
			t.Fatal(err)
		}
		res.Invalidate(base(auth), devtenant.Alice.ID)
		if id(res, alice) == second {
			t.Fatal("after Invalidate the deleted row was still served")
		}
	})

	t.Run("bounded", func(t *testing.T) {
		st := sqliteStore(t)
		res := newResolver(t, users.Config[users.User]{Store: st, CacheSize: 1})
		first := id(res, alice)
		id(res, bob) // evicts alice: the cache holds one user
		if err := st.Delete(ctx, base(auth), devtenant.Alice.ID); err != nil {
			t.Fatal(err)
		}
		if id(res, alice) == first {
			t.Fatal("a cache of one user still held alice after bob")
		}
	})
}
