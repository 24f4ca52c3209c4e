package login_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/redis"
	"github.com/auth0gin/auth0gin/internal/testenv"
	"github.com/auth0gin/auth0gin/internal/testenv/redistest"
)

// TestRaceTwoInstancesRedis: two instances on one Redis, 10 concurrent
// refreshes of one access token at each: one refresh grant, 20 identical
// answers, no reuse detection.
func TestRaceTwoInstancesRedis(t *testing.T) {
	prefix := redistest.Prefix(t)
	a := newHarness(t, nil, redistest.OpenPrefix(t, prefix))
	b := newHarness(t, a.tenant, redistest.OpenPrefix(t, prefix))
	raceRefreshes(t, []*harness{a, b}, 10)
}

// TestRedisHoldsCiphertext: the Redis values under the test's prefix hold no
// refresh token (nor access token) in plaintext.
func TestRedisHoldsCiphertext(t *testing.T) {
	prefix := redistest.Prefix(t)
	h := newHarness(t, nil, redistest.OpenPrefix(t, prefix))
	x := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
	y := h.refresh(x.AccessToken).answer(t)
	z := h.login(devtenant.Bob.Email, devtenant.Bob.Password).answer(t)

	o, err := goredis.ParseURL(redistest.URL())
	if err != nil {
		t.Fatal(err)
	}
	c := goredis.NewClient(o)
	defer c.Close()
	ctx := context.Background()
	var all strings.Builder
	n := 0
	iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		key := iter.Val()
		all.WriteString(key)
		switch typ := c.Type(ctx, key).Val(); typ {
		case "string":
			all.WriteString(c.Get(ctx, key).Val())
		case "hash":
			for k, v := range c.HGetAll(ctx, key).Val() {
				all.WriteString(k + v)
			}
		case "zset":
			all.WriteString(strings.Join(c.ZRange(ctx, key, 0, -1).Val(), ""))
		default:
			t.Logf("key of type %s not searched", typ)
		}
		n++
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 3 {
		t.Fatalf("only %d keys under the prefix: the search would prove little", n)
	}
	noLeak(t, "Redis", all.String(), h.tap.tokens())
	for _, at := range []string{x.AccessToken, y.AccessToken, z.AccessToken} {
		if strings.Contains(all.String(), at) {
			t.Error("an access token is stored in Redis in plaintext")
		}
	}
}

// TestRedisDown: a Redis of the test's own, stopped mid-flow: refresh,
// login and logout answer 503 with Retry-After (never 401), and once Redis
// is back the same access token refreshes (its row was kept).
func TestRedisDown(t *testing.T) {
	srv := testenv.StartRedis(t)
	st, err := store.Open(context.Background(), srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h := newHarness(t, nil, st)
	a := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
	srv.Pause() // a server that answers nothing: the worst case for timeouts
	for name, r := range map[string]reply{
		"refresh": h.refresh(a.AccessToken),
		"login":   h.login(devtenant.Alice.Email, devtenant.Alice.Password),
		"logout":  h.bearer("/auth/logout", a.AccessToken),
	} {
		if r.status != 503 || r.header.Get("Retry-After") == "" {
			t.Errorf("%s with Redis paused: %d %s", name, r.status, r.body)
		}
	}
	srv.Resume()
	// The store refuses at once until its probe sees Redis again (503, as
	// during the outage); then the same token refreshes. The paused Redis
	// may have applied the refresh's lock after its timeout; this instance
	// recognises its own lock and goes on.
	resumed := time.Now()
	if err := testenv.Eventually(context.Background(), 30*time.Second, func() error {
		if r := h.refresh(a.AccessToken); r.status != 200 {
			if r.status != 503 {
				t.Fatalf("refresh after Redis is back: %d %s", r.status, r.body)
			}
			return fmt.Errorf("%d %s", r.status, r.body)
		}
		return nil
	}); err != nil {
		t.Fatalf("refresh after Redis is back: %v", err)
	}
	t.Logf("refreshes again %v after Redis resumed", time.Since(resumed).Round(time.Millisecond))
	if s := h.tenant.Stats(); s.RefreshReuseRevocations != 0 || s.Grants["refresh_token"] != 1 {
		t.Errorf("tenant counters: %+v", s)
	}
}
