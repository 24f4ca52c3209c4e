package auth0gin

import (
	"context"
	"hash/maphash"
	"sync"
	"sync/atomic"
	"time"
)

// TokenCache remembers validated tokens so each is verified once and then
// trusted until it expires. Keys are the exact token strings; a shared
// implementation (Redis, memcached) should store a hash of them instead, and
// each user as the bytes of its MarshalBinary (which carry the unexported
// state Verify checks), treating bytes UnmarshalBinary refuses as a miss.
// Implementations must be safe for concurrent use. Verify re-checks every
// hit against its own Config (issuer, audience, algorithm, published key,
// expiry, CacheMaxTTL, and the claims Email and Roles were read from), so a
// cache may be shared between APIs; an entry that lost fields on the way is
// simply verified again.
type TokenCache interface {
	// Get returns the user a token was validated as, if still cached: a copy
	// the caller owns, since Verify hands it to one request, whose handler may
	// change it.
	Get(ctx context.Context, token string) (*Auth0User, bool)
	// Set remembers that token was valid for u until expiresAt. u goes on to
	// serve the request that verified it: Set must keep a copy, not u itself.
	Set(ctx context.Context, token string, u *Auth0User, expiresAt time.Time)
	// Delete forgets one token.
	Delete(ctx context.Context, token string)
	// DeleteUser forgets every token of the user with this ID that issuer
	// issued (Auth0User.Issuer and ID): the same ID from another issuer may
	// be another person.
	DeleteUser(ctx context.Context, issuer, userID string)
}

// Forget removes a token from the cache, so that its next use is verified
// again, in full. It does not revoke the token: a token still valid passes
// that verification.
func (a *Auth0) Forget(ctx context.Context, token string) {
	if a.cache != nil {
		a.cache.Delete(ctx, token)
	}
}

// ForgetUser removes every cached token of a user (on logout, say), so that
// each is verified again in full at its next use. The user is
// (Auth0User.UserBase, Auth0User.ID): tokens of every issuer sharing that
// user base are forgotten, and no other issuer's. Like Forget it revokes
// nothing; it keeps a logged-out user's tokens from lingering in memory.
func (a *Auth0) ForgetUser(ctx context.Context, userBase, userID string) {
	if a.cache == nil {
		return
	}
	for _, is := range a.issuers {
		if is.userBase == userBase {
			a.cache.DeleteUser(ctx, is.iss, userID)
		}
	}
}

const cacheShards = 16

// entryOverhead approximates the memory an entry costs beyond its token and
// its packed user: the entry itself, its map slot, and the allocator rounding
// the string that holds both up to a size class. Measure it again when the
// entry changes: TestCacheMemoryFlat and the load harness's flood report the
// heap a full cache holds.
const entryOverhead = 256

// memoryCache is the default TokenCache: an LRU bounded both in entries and
// in approximate bytes, split into 16 shards (each holding a sixteenth of the
// bounds) so that concurrent requests rarely share a lock. A flood of distinct
// tokens evicts old entries; it cannot grow memory past the bounds. Make one
// with NewMemoryCache.
type memoryCache struct {
	seed   maphash.Seed
	shards [cacheShards]cacheShard
}

type cacheShard struct {
	mu         sync.Mutex
	m          map[uint64]*cacheEntry // by the token's hash; a hit compares the token in full
	head       cacheEntry             // sentinel: head.next is the most recently used
	bytes      int64
	maxEntries int
	maxBytes   int64
	evicted    int64 // entries evicted for room, read atomically by telemetry.go
}

type cacheEntry struct {
	hash       uint64
	key        string     // the token; it and user.data share one allocation
	user       packedUser // never changed once stored
	expires    int64      // unix nanoseconds
	size       int64
	prev, next *cacheEntry
}

// NewMemoryCache returns an in-memory LRU holding at most maxEntries tokens
// and about maxBytes bytes; zero or less means defaultCacheMaxEntries and
// defaultCacheMaxBytes. The byte bound is raised, if needed, so that every
// shard can hold a token of defaultMaxTokenBytes.
func NewMemoryCache(maxEntries int, maxBytes int64) TokenCache {
	if maxEntries <= 0 {
		maxEntries = defaultCacheMaxEntries
	}
	if maxBytes <= 0 {
		maxBytes = defaultCacheMaxBytes
	}
	c := &memoryCache{seed: maphash.MakeSeed()}
	perBytes := max(3*defaultMaxTokenBytes+entryOverhead, maxBytes/cacheShards)
	for i := range c.shards {
		s := &c.shards[i]
		s.m = make(map[uint64]*cacheEntry)
		s.head.next, s.head.prev = &s.head, &s.head
		// The shards' entry bounds add up to maxEntries exactly; under 16,
		// some shards hold none, and their tokens are verified every time.
		s.maxEntries, s.maxBytes = maxEntries/cacheShards, perBytes
		if i < maxEntries%cacheShards {
			s.maxEntries++
		}
	}
	return c
}

// shard hashes token once: the hash picks the shard and keys its map.
func (c *memoryCache) shard(token string) (*cacheShard, uint64) {
	h := maphash.String(c.seed, token)
	return &c.shards[h%cacheShards], h
}

// Get implements TokenCache. Each call returns a new copy of the user.
func (c *memoryCache) Get(_ context.Context, token string) (*Auth0User, bool) {
	s, h := c.shard(token)
	now := time.Now().UnixNano()
	s.mu.Lock()
	e, ok := s.m[h]
	if !ok || e.key != token {
		s.mu.Unlock()
		return nil, false
	}
	if now >= e.expires {
		s.remove(e)
		s.mu.Unlock()
		return nil, false
	}
	s.unlink(e)
	s.pushFront(e)
	s.mu.Unlock()
	return e.user.unpack(), true // outside the lock: an entry never changes
}

// Set implements TokenCache.
func (c *memoryCache) Set(_ context.Context, token string, u *Auth0User, expiresAt time.Time) {
	if !expiresAt.After(time.Now()) {
		return
	}
	// Outside the lock. pack copies the token: it may be a substring of a much
	// larger header value, which the entry would otherwise keep alive unbounded.
	s, h := c.shard(token)
	all, p := pack(token, u)
	e := &cacheEntry{hash: h, key: all[:len(token)], user: p, expires: expiresAt.UnixNano(), size: int64(len(all)) + entryOverhead}
	s.mu.Lock()
	defer s.mu.Unlock()
	if e.size > s.maxBytes || s.maxEntries == 0 {
		return
	}
	if old, ok := s.m[h]; ok { // this token, or (once in 2^64) another: replaced either way
		s.remove(old)
	}
	s.m[h] = e
	s.bytes += e.size
	s.pushFront(e)
	for len(s.m) > s.maxEntries || s.bytes > s.maxBytes {
		s.remove(s.head.prev)
		atomic.AddInt64(&s.evicted, 1)
	}
}

// Delete implements TokenCache.
func (c *memoryCache) Delete(_ context.Context, token string) {
	s, h := c.shard(token)
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.m[h]; ok && e.key == token {
		s.remove(e)
	}
}

// DeleteUser implements TokenCache. It scans every entry: logouts are rare
// and a per-user index would cost every insert.
func (c *memoryCache) DeleteUser(_ context.Context, issuer, userID string) {
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		for _, e := range s.m {
			if id, iss := e.user.idIssuer(); id == userID && iss == issuer {
				s.remove(e)
			}
		}
		s.mu.Unlock()
	}
}

// Len returns the number of cached tokens.
func (c *memoryCache) Len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		n += len(s.m)
		s.mu.Unlock()
	}
	return n
}

func (s *cacheShard) pushFront(e *cacheEntry) {
	e.prev, e.next = &s.head, s.head.next
	s.head.next.prev = e
	s.head.next = e
}

func (s *cacheShard) unlink(e *cacheEntry) {
	e.prev.next, e.next.prev = e.next, e.prev
}

func (s *cacheShard) remove(e *cacheEntry) {
	s.unlink(e)
	delete(s.m, e.hash)
	s.bytes -= e.size
}
