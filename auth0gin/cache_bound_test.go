package auth0gin

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// An entry's first hit unpacks its user and grows the shard's bytes: the
// hit itself evicts from the LRU tail, so a full cache whose entries are all
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
