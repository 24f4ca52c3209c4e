package auth0gin_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// gobCache is a TokenCache that keeps users as bytes, as a Redis or
// memcached one would: every hit decodes a user that went through gob (and so
// through Auth0User's MarshalBinary), with no pointer shared with the writer.
type gobCache struct {
	mu   sync.Mutex
	m    map[string][]byte
	sets int
}

func newGobCache() *gobCache { return &gobCache{m: map[string][]byte{}} }

func (c *gobCache) Get(_ context.Context, token string) (*auth0gin.Auth0User, bool) {
	c.mu.Lock()
	b, ok := c.m[token]
	c.mu.Unlock()
	if !ok {
		return nil, false
	}
	var u auth0gin.Auth0User
	if gob.NewDecoder(bytes.NewReader(b)).Decode(&u) != nil {
		return nil, false
	}
	return &u, true
}

func (c *gobCache) Set(_ context.Context, token string, u *auth0gin.Auth0User, _ time.Time) {
	var b bytes.Buffer
	if gob.NewEncoder(&b).Encode(u) != nil {
		return
	}
	c.mu.Lock()
	c.m[token] = b.Bytes()
	c.sets++
	c.mu.Unlock()
}

func (c *gobCache) Delete(_ context.Context, token string) {
	c.mu.Lock()
	delete(c.m, token)
	c.mu.Unlock()
}

func (c *gobCache) DeleteUser(context.Context, string, string) {}

// fullChecks is how many times Verify verified a token in full and cached it.
func (c *gobCache) fullChecks() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sets
}

// A cache that stores bytes serves hits as the memory cache does: trusted
// without a second verification, with namespaced claims and custom claims
// (RequireClaims) intact.
func TestBinaryCacheServesHits(t *testing.T) {
	ti := newTestIssuer(t)
	cache := newGobCache()
	cfg := ti.config()
	cfg.Cache = cache
	a := mustNew(t, cfg)
	r := gin.New()
	r.GET("/org", auth0gin.RequireClaims[orgClaims](a, auth0gin.Roles("admin")), func(c *gin.Context) {
		claims, err := auth0gin.ClaimsFrom[orgClaims](c)
		if err != nil {
			c.AbortWithStatusJSON(500, gin.H{"error": err.Error()})
			return
		}
		u := auth0gin.MustUser(c)
		c.JSON(200, gin.H{"org": claims.OrgID, "email": u.Email})
	})
	tok := ti.token(t, map[string]any{"org_id": "org_123"})
	for i := range 3 {
		got := call(t, r, "/org", bearerH(tok))
		if got.code != 200 || got.body["org"] != "org_123" || got.body["email"] != "alice@example.com" {
			t.Fatalf("request %d: %d %v", i, got.code, got.body)
		}
	}
	if n := cache.fullChecks(); n != 1 {
		t.Errorf("%d full verifications for 3 requests with one token; want 1", n)
	}
}

// Two APIs sharing a cache but reading roles (or email) from different
// claims must not lend each other the user: each reads its own claims.
func TestSharedCacheKeepsEachAPIsClaims(t *testing.T) {
	ti := newTestIssuer(t)
	for name, shared := range map[string]auth0gin.TokenCache{"memory": auth0gin.NewTestCache(0, 0), "bytes": newGobCache()} {
		t.Run(name, func(t *testing.T) {
			cfgA, cfgB := ti.config(), ti.config() // A reads https://example.com/roles
			cfgA.Cache, cfgB.Cache = shared, shared
			cfgB.RolesClaim = "https://b.example.com/roles"
			a, b := mustNew(t, cfgA), mustNew(t, cfgB)
			rB := gin.New()
			rB.GET("/admin", b.Require(auth0gin.Roles("admin")), userJSON)
			tok := ti.token(t, map[string]any{testRolesClaim: []string{"admin"}, "https://b.example.com/roles": []string{"viewer"}})
			// B knows the keys (else it could not trust any hit), A caches alice as admin.
			if _, err := b.Verify(t.Context(), ti.token(t, map[string]any{"jti": "warm-up"})); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Verify(t.Context(), tok); err != nil {
				t.Fatal(err)
			}
			if got := call(t, rB, "/admin", bearerH(tok)); got.code != 403 {
				t.Errorf("B let a viewer in with the roles A read: %d", got.code)
			}
		})
	}
}

// Each API holds hits to its own CacheMaxTTL, whoever cached the token.
func TestSharedCacheKeepsEachAPIsMaxTTL(t *testing.T) {
	ti := newTestIssuer(t)
	shared := newGobCache()
	cfgA, cfgB := ti.config(), ti.config()
	cfgA.Cache, cfgB.Cache = shared, shared
	cfgB.CacheMaxTTL = time.Nanosecond
	a, b := mustNew(t, cfgA), mustNew(t, cfgB)
	tok := ti.token(t, nil)
	if _, err := a.Verify(t.Context(), tok); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := b.Verify(t.Context(), tok); err != nil {
			t.Fatal(err)
		}
	}
	if n := shared.fullChecks(); n != 3 {
		t.Errorf("%d full verifications; want 3: A once, and B every time, its CacheMaxTTL being 1ns", n)
	}
}

// The token a request carries may be a small part of a huge header value (a
// run of spaces after "Bearer"). The cache keeps a copy of the token, not the
// header, so its byte bound still holds.
func TestCacheKeysDoNotPinHeaders(t *testing.T) {
	ti := newTestIssuer(t)
	cfg := ti.config()
	cache := auth0gin.NewTestCache(0, 1<<20)
	cfg.Cache = cache
	a := mustNew(t, cfg)
	tokens := make([]string, 100)
	for i := range tokens {
		tokens[i] = ti.token(t, map[string]any{"jti": fmt.Sprint(i)})
	}
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := heap()
	for _, tok := range tokens {
		header := strings.Repeat(" ", 900<<10) + tok // as bearer() leaves it: a substring
		if _, err := a.Verify(t.Context(), header[900<<10:]); err != nil {
			t.Fatal(err)
		}
	}
	if grew := int64(heap()) - int64(before); grew > 16<<20 || cache.Len() != len(tokens) {
		t.Errorf("%d tokens cached under a 1 MiB bound, and the heap grew by %d MiB", cache.Len(), grew>>20)
	}
}

// An API with ClockSkew accepts a token shortly before its nbf or iat; that
// verdict is not cached, so an API sharing the cache with no skew still
// refuses the token.
func TestSharedCacheKeepsEachAPIsLeeway(t *testing.T) {
	ti := newTestIssuer(t)
	cfg := ti.config()
	cfg.Cache = auth0gin.NewTestCache(0, 0)
	strict := mustNew(t, cfg)
	cfg.ClockSkew = 10 * time.Minute
	lenient := mustNew(t, cfg)
	for _, claim := range []string{"nbf", "iat"} {
		tok := ti.token(t, map[string]any{claim: time.Now().Add(5 * time.Minute).Unix()})
		if _, err := strict.Verify(t.Context(), tok); !errors.Is(err, auth0gin.ErrNotYetValid) {
			t.Fatalf("%s in 5 minutes, no skew: %v", claim, err)
		}
		if _, err := lenient.Verify(t.Context(), tok); err != nil {
			t.Fatalf("%s in 5 minutes, 10 minutes of skew: %v", claim, err)
		}
		if _, err := strict.Verify(t.Context(), tok); !errors.Is(err, auth0gin.ErrNotYetValid) {
			t.Errorf("%s in 5 minutes: the strict API took the lenient one's cached verdict: %v", claim, err)
		}
	}
}

// aheadCache stores users as another instance whose clock runs an hour ahead
// would: their verification time an hour from now.
type aheadCache struct {
	*gobCache
}

func (c *aheadCache) Set(ctx context.Context, token string, u *auth0gin.Auth0User, until time.Time) {
	b, err := u.MarshalBinary()
	if err != nil {
		panic(err)
	}
	// version, exp, verifiedAt (varints), then the rest: move verifiedAt.
	_, n1 := binary.Varint(b[1:])
	verified, n2 := binary.Varint(b[1+n1:])
	out := binary.AppendVarint(append([]byte(nil), b[:1+n1]...), verified+int64(time.Hour))
	out = append(out, b[1+n1+n2:]...)
	var ahead auth0gin.Auth0User
	if err := ahead.UnmarshalBinary(out); err != nil {
		panic(err)
	}
	c.gobCache.Set(ctx, token, &ahead, until)
}

// A cached verification dated in the future would stretch CacheMaxTTL by
// the clocks' difference: it is not trusted, and the token is verified again.
func TestCacheDistrustsVerificationsFromTheFuture(t *testing.T) {
	ti := newTestIssuer(t)
	cache := &aheadCache{gobCache: newGobCache()}
	cfg := ti.config()
	cfg.Cache = cache
	a := mustNew(t, cfg)
	tok := ti.token(t, nil)
	for range 2 {
		if _, err := a.Verify(t.Context(), tok); err != nil {
			t.Fatal(err)
		}
	}
	if n := cache.fullChecks(); n != 2 {
		t.Errorf("%d full verifications of 2 requests; a hit verified an hour from now was trusted", n)
	}
}
