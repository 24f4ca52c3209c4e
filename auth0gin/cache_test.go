package auth0gin_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
)

func TestMemoryCacheBounds(t *testing.T) {
	u := &auth0gin.Auth0User{ID: "auth0|x"}
	until := time.Now().Add(time.Hour)
	c := auth0gin.NewTestCache(160, 1<<30)
	for i := range 10_000 {
		c.Set(t.Context(), fmt.Sprintf("token-%d", i), u, until)
	}
	if n := c.Len(); n > 160 || n < 16 {
		t.Errorf("entry bound: %d entries", n)
	}
	for _, bound := range []int{1, 10, 17} { // the shards' bounds add up to it, even under 16
		small := auth0gin.NewTestCache(bound, 1<<30)
		for i := range 1000 {
			small.Set(t.Context(), fmt.Sprintf("token-%d", i), u, until)
		}
		if n := small.Len(); n > bound || n == 0 {
			t.Errorf("entry bound %d: %d entries", bound, n)
		}
	}
	if _, ok := c.Get(t.Context(), "token-9999"); !ok {
		t.Error("the most recent entry was evicted")
	}
	if _, ok := c.Get(t.Context(), "token-0"); ok {
		t.Error("the oldest entry survived 10,000 inserts")
	}

	// Bytes: 1,000 tokens of 2 KiB in a 2 MiB cache.
	c = auth0gin.NewTestCache(1_000_000, 2<<20)
	for i := range 1000 {
		c.Set(t.Context(), fmt.Sprintf("%d-%s", i, strings.Repeat("x", 2048)), u, until)
	}
	if n := c.Len(); n*2048 > 2<<20 || n == 0 || n == 1000 {
		t.Errorf("byte bound: %d entries of 2 KiB", n)
	}
}

func TestMemoryCacheExpiry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := auth0gin.NewTestCache(100, 1<<20)
		u := &auth0gin.Auth0User{ID: "auth0|x"}
		c.Set(t.Context(), "past", u, time.Now().Add(-time.Second))
		if _, ok := c.Get(t.Context(), "past"); ok {
			t.Error("an already-expired entry was stored")
		}
		c.Set(t.Context(), "soon", u, time.Now().Add(20*time.Millisecond))
		time.Sleep(20*time.Millisecond - time.Nanosecond)
		if _, ok := c.Get(t.Context(), "soon"); !ok {
			t.Fatal("entry missing before its expiry")
		}
		time.Sleep(time.Nanosecond)
		if _, ok := c.Get(t.Context(), "soon"); ok {
			t.Error("entry returned at its expiry")
		}
	})
}

func TestMemoryCacheDelete(t *testing.T) {
	c := auth0gin.NewTestCache(1000, 1<<20)
	until := time.Now().Add(time.Hour)
	alice, bob := &auth0gin.Auth0User{ID: "auth0|alice", Issuer: "https://a/"}, &auth0gin.Auth0User{ID: "auth0|bob", Issuer: "https://a/"}
	aliceOfB := &auth0gin.Auth0User{ID: "auth0|alice", Issuer: "https://b/"}
	for i := range 50 {
		c.Set(t.Context(), fmt.Sprint("a", i), alice, until)
		c.Set(t.Context(), fmt.Sprint("b", i), bob, until)
		c.Set(t.Context(), fmt.Sprint("B", i), aliceOfB, until)
	}
	c.DeleteUser(t.Context(), "https://a/", "auth0|alice")
	if c.Len() != 100 {
		t.Errorf("after DeleteUser: %d entries, want bob's 50 and B's alice's 50", c.Len())
	}
	c.Delete(t.Context(), "b0")
	if _, ok := c.Get(t.Context(), "b0"); ok || c.Len() != 99 {
		t.Error("Delete did not remove the token")
	}
}

// TestCacheNeverBypassesScopes: a token cached by a scope-less route is still
// refused by a scoped one.
func TestCacheNeverBypassesScopes(t *testing.T) {
	ti := newTestIssuer(t)
	r := newEngine(t, mustNew(t, ti.config()))
	tok := bearerH(ti.token(t, map[string]any{"scope": "openid", "permissions": []string{}}))
	if got := call(t, r, "/private", tok); got.code != 200 {
		t.Fatal(got.code)
	}
	if got := call(t, r, "/scoped", tok); got.code != 403 {
		t.Errorf("cached token skipped the scope check: %d", got.code)
	}
}

// TestCachedTokenNotTrustedPastExp: the cache keeps a token no longer than its exp.
func TestCachedTokenNotTrustedPastExp(t *testing.T) {
	ti := newTestIssuer(t)
	synctest.Test(t, func(t *testing.T) {
		a := mustNew(t, ti.inBubble(ti.config()))
		exp := time.Now().Add(2 * time.Second)
		tok := ti.token(t, map[string]any{"exp": exp.Unix()})
		if _, err := a.Verify(t.Context(), tok); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Until(exp) - time.Nanosecond)
		if _, err := a.Verify(t.Context(), tok); err != nil {
			t.Fatalf("a nanosecond before exp: %v", err)
		}
		time.Sleep(time.Second + time.Nanosecond) // the validator's exp is in whole seconds
		if _, err := a.Verify(t.Context(), tok); !errors.Is(err, auth0gin.ErrExpired) {
			t.Errorf("expired token served from the cache: %v", err)
		}
	})
}

// setCounter is a TokenCache that counts Set calls: Verify calls Set only
// after a full verification, never for a hit it trusted.
type setCounter struct {
	*auth0gin.MemoryCache
	sets int
}

func (c *setCounter) Set(ctx context.Context, token string, u *auth0gin.Auth0User, until time.Time) {
	c.sets++
	c.MemoryCache.Set(ctx, token, u, until)
}

// The validator lets ClockSkew run past exp; the cache takes it off, so a
// token in its last ClockSkew is verified in full on every use, even when a
// cache shared with a more trusting API holds it.
func TestCacheTrustEndsClockSkewBeforeExp(t *testing.T) {
	ti := newTestIssuer(t)
	shared := &setCounter{MemoryCache: auth0gin.NewTestCache(0, 0)}
	cfg := ti.config()
	cfg.Cache = shared
	cfg.ClockSkew = time.Minute
	a := mustNew(t, cfg)
	cfg.ClockSkew = 0
	lenient := mustNew(t, cfg)

	far := ti.token(t, map[string]any{"exp": time.Now().Add(time.Hour).Unix()})
	near := ti.token(t, map[string]any{"exp": time.Now().Add(30 * time.Second).Unix()})
	for range 3 {
		for _, tok := range []string{far, near} {
			if _, err := a.Verify(t.Context(), tok); err != nil {
				t.Fatal(err)
			}
		}
	}
	if shared.Len() != 1 || shared.sets != 4 {
		t.Fatalf("cached %d tokens after %d full verifications; want 1 (the far one) after 4 (far once, near each time)", shared.Len(), shared.sets)
	}
	if _, err := lenient.Verify(t.Context(), near); err != nil {
		t.Fatal(err)
	}
	if shared.Len() != 2 {
		t.Fatalf("with no skew, near should be cached: %d entries", shared.Len())
	}
	sets := shared.sets
	if _, err := a.Verify(t.Context(), near); err != nil {
		t.Fatal(err)
	}
	if shared.sets != sets+1 {
		t.Error("a hit within ClockSkew of exp was trusted, not verified in full")
	}
}

func TestCacheServesWithoutReverifying(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, ti.config())
	tok := ti.token(t, nil)
	if _, err := a.Verify(t.Context(), tok); err != nil {
		t.Fatal(err)
	}
	ti.setMode("5xx", 0)
	hits := ti.jwksHits.Load()
	for range 100 {
		if _, err := a.Verify(t.Context(), tok); err != nil {
			t.Fatal(err)
		}
	}
	if ti.jwksHits.Load() != hits {
		t.Error("a cached token touched the key set")
	}
	a.ForgetUser(t.Context(), ti.iss(), "auth0|alice")
	a.Forget(t.Context(), tok)
}

// TestCacheMemoryFlat: a flood of distinct valid tokens leaves the heap bounded
// by the cache limits, not by the number of tokens.
func TestCacheMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("signs 4,000 tokens")
	}
	ti := newTestIssuer(t)
	cfg := ti.config()
	cfg.Cache = auth0gin.NewMemoryCache(300, 0)
	a := mustNew(t, cfg)
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	flood := func(from, n int) {
		for i := from; i < from+n; i++ {
			if _, err := a.Verify(t.Context(), ti.token(t, map[string]any{"jti": fmt.Sprint(i)})); err != nil {
				t.Fatal(err)
			}
		}
	}
	flood(0, 1000)
	before := heap()
	flood(1000, 3000)
	after := heap()
	// Unbounded, 3,000 more entries would hold some 5 MiB.
	t.Logf("heap after 1k tokens %d KiB, after 4k %d KiB", before>>10, after>>10)
	if after > before+(1<<20) {
		t.Errorf("heap grew from %d KiB to %d KiB across 3,000 more tokens", before>>10, after>>10)
	}
}
