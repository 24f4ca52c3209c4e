package auth0gin

import (
	"context"
	"hash/maphash"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
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
	// Get returns the user a token was validated as, if still cached. It may
	// be shared with every other request carrying the token (the memory cache
	// returns the same immutable user on every hit): neither the cache nor
	// its callers may change it after Set. Verify copies it before adjusting
	// anything.
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
// heap a full cache holds. An entry's first hit adds the unpacked user
// (unpackedOverhead and its list array) to its size, and evicts for it.
const entryOverhead = 256

// unpackedOverhead is the unpacked user an entry gains at its first hit.
const unpackedOverhead = int64(unsafe.Sizeof(Auth0User{}))

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

// cacheEntry holds a token and the user it was verified as. The user is
// kept packed (see packedUser: a few pointers for the garbage collector,
// whatever the claims), and unpacked once, at the entry's first hit, into a
// user every later hit returns as is: a hot token's hit allocates nothing,
// and a flood of tokens seen once each (the cache full of entries never hit)
// costs the collector no more than before. The unpacked user is never
// changed once made: its slices are capped at their length, so an append by
// a careless handler copies them.
type cacheEntry struct {
	hash       uint64
	key        string     // the token; it and packed.data share one allocation
	packed     packedUser // never changed once stored
	user       *Auth0User // nil until the first hit; guarded by the shard's lock
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

// hashedTail is how much of a token's end the cache hashes: part of the
// signature, which differs between any two tokens an issuer signed. Hashing
// the whole token (up to several KiB) would cost more than the rest of a hit;
// a hit still compares the token in full, and two tokens that share a tail
// only share a map slot, the later replacing the earlier.
const hashedTail = 64

// shard hashes token once: the hash picks the shard and keys its map.
func (c *memoryCache) shard(token string) (*cacheShard, uint64) {
	h := maphash.String(c.seed, token[max(0, len(token)-hashedTail):])
	return &c.shards[h%cacheShards], h
}

// Get implements TokenCache. Every hit on a token returns the same user,
// which nobody may change: only the first hit allocates, to unpack it.
func (c *memoryCache) Get(_ context.Context, token string) (*Auth0User, bool) {
	return c.get(token, time.Now().UnixNano())
}

// get is Get at now (unix nanoseconds), which Verify reads once for the
// lookup and the checks of the hit.
func (c *memoryCache) get(token string, now int64) (*Auth0User, bool) {
	s, h := c.shard(token)
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
	if s.head.next != e { // a hot token is at the front already: no pointer to move
		s.unlink(e)
		s.pushFront(e)
	}
	u := e.user
	if u == nil {
		// The first hit: unpack once, under the lock so that no two hits
		// race to do it, and count the user in the shard's bytes, evicting
		// from the LRU tail (never e, now at the front) to stay within the
		// bound: a cache whose entries are all hit once, with no Set to
		// evict, would otherwise hold up to twice its bound.
		u = new(Auth0User)
		grew := unpackedOverhead + int64(e.packed.unpackTo(u))
		lo, hi, _ := payloadSpan(e.key) // Verify cached only a verified JWS
		u.payload = e.key[lo:hi]
		e.user, e.size, s.bytes = u, e.size+grew, s.bytes+grew
		for s.bytes > s.maxBytes && s.head.prev != e {
			s.remove(s.head.prev)
			atomic.AddInt64(&s.evicted, 1)
		}
	}
	s.mu.Unlock()
	return u, true
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
	e := &cacheEntry{hash: h, key: all[:len(token)], packed: p, expires: expiresAt.UnixNano(), size: int64(len(all)) + entryOverhead}
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
			if id, iss := e.packed.idIssuer(); id == userID && iss == issuer {
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
