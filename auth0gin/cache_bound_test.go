package auth0gin

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// An entry's first hit unpacks its user and grows the shard's bytes: the
// hit itself evicts another entry, so a full cache whose entries are all
// hit once stays within its byte bound with no Set to evict.
func TestCacheFirstHitsStayWithinByteBound(t *testing.T) {
	const maxBytes = 16 * 64 << 10 // 64 KiB a shard
	c := NewTestCache(1_000_000, maxBytes)
	ctx := context.Background()
	exp := time.Now().Add(time.Hour)
	var toks []string
	for i := range 4000 {
		tok := "aGVhZGVy.cGF5bG9hZA." + fmt.Sprintf("%064d", i)
		u := &Auth0User{ID: "auth0|u", Permissions: []string{"read:a", "write:a"}, Scopes: []string{"openid"}, ExpiresAt: exp, Issuer: "https://t/"}
		c.Set(ctx, tok, u, exp)
		toks = append(toks, tok)
	}
	total := func() (b int64) {
		for i := range c.shards {
			s := &c.shards[i]
			s.mu.Lock()
			b += s.bytes
			s.mu.Unlock()
		}
		return b
	}
	before := total()
	hits := 0
	for _, tok := range toks {
		if u, ok := c.Get(ctx, tok); ok {
			hits++
			if u == nil || u.ID != "auth0|u" {
				t.Fatalf("hit returned %+v", u)
			}
		}
	}
	after := total()
	t.Logf("entries %d, hits %d, bytes before hits %d, after %d, bound %d", c.Len(), hits, before, after, maxBytes)
	if after > maxBytes {
		t.Errorf("the cache holds %d bytes (%.0f%% of its bound) after first hits", after, 100*float64(after)/maxBytes)
	}
	for i := range c.shards {
		s := &c.shards[i]
		if s.bytes > s.maxBytes {
			t.Errorf("shard %d holds %d bytes, bound %d", i, s.bytes, s.maxBytes)
		}
	}
	if hits == 0 {
		t.Error("no hit at all")
	}
}

// TestCacheSecondChance: eviction spares an entry hit since the hand last
// passed it (CLOCK), and takes one that was not.
func TestCacheSecondChance(t *testing.T) {
	c := NewTestCache(2*cacheShards, 0) // two entries a shard
	var same []string                   // tokens of one shard
	for i := 0; len(same) < 3; i++ {
		tok := fmt.Sprintf("h.p.sig%04d", i)
		if s, _ := c.shard(tok); s == &c.shards[0] {
			same = append(same, tok)
		}
	}
	a, b, d := same[0], same[1], same[2]
	u := &Auth0User{ID: "auth0|x", ExpiresAt: time.Now().Add(time.Hour)}
	until := time.Now().Add(time.Hour)
	c.Set(t.Context(), a, u, until)
	c.Set(t.Context(), b, u, until)
	if _, ok := c.Get(t.Context(), a); !ok {
		t.Fatal("a: miss")
	}
	c.Set(t.Context(), d, u, until) // evicts b, never hit, and spares a
	for tok, want := range map[string]bool{a: true, b: false, d: true} {
		if _, ok := c.Get(t.Context(), tok); ok != want {
			t.Errorf("%s cached: %v, want %v", tok, ok, want)
		}
	}
}
