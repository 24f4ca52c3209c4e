package auth0gin

import (
	"context"
	"hash/maphash"
	"math"
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
// its packed user: its slot (and the slots slice's spare capacity), its map
// slot, and the allocator rounding the string that holds both up to a size
// class. Measure it again when the entry changes: TestCacheMemoryFlat and the
// load harness's flood report the heap a full cache holds. An entry's first
// hit adds the unpacked user (unpackedOverhead and its list array) to its
// size, and evicts for it.
const entryOverhead = 256

// unpackedOverhead is the unpacked user an entry gains at its first hit.
const unpackedOverhead = int64(unsafe.Sizeof(Auth0User{}))

// memoryCache is the default TokenCache: a cache bounded both in entries and
// in approximate bytes, split into 16 shards (each holding a sixteenth of the
// bounds) so that concurrent requests rarely share a lock. A flood of distinct
// tokens evicts old entries; it cannot grow memory past the bounds. It evicts
// with CLOCK (second chance, an approximation of least recently used): a hit
// only marks its own entry, where moving it to the front of a list wrote two
// other entries, cache misses of their own when thousands of tokens take
// turns. Make one with NewMemoryCache.
type memoryCache struct {
	seed   maphash.Seed
	shards [cacheShards]cacheShard
}

type cacheShard struct {
	mu sync.Mutex
	// m finds a token's slot by the token's hash; a hit compares the token
	// in full. Entries live in slots, linked by index: neither m nor the
	// links hold a pointer, so a full cache is one slice for the garbage
	// collector to scan, with one pointer per entry (its token and packed
	// user, a single pointer-free string) and one per user unpacked, not a
	// map of pointers to tens of thousands of objects each holding five.
	// With one core, a cache filling with tokens seen once each paid a
	// few percent of every request for that marking.
	m          map[uint64]int32
	slots      []cacheEntry // slots[0] is never used: index 0 means none
	free       int32        // the first free slot, chained through next; 0 when none
	hand       int32        // CLOCK's hand: the slot evict looks at next
	bytes      int64
	maxEntries int
	maxBytes   int64
	evicted    int64 // entries evicted for room, read atomically by telemetry.go
}

// cacheEntry holds a token and the user it was verified as. The user is
// kept packed (see packedUser: pointer-free, whatever the claims), and
// unpacked once, at the entry's first hit, into a user every later hit
// returns as is: a hot token's hit allocates nothing, and a flood of tokens
// seen once each (the cache full of entries never hit) costs the collector
// one pointer each. The unpacked user is never changed once made: its
// slices are capped at their length, so an append by a careless handler
// copies them.
type cacheEntry struct {
	all        string     // the token, then its packed user's data: one allocation
	user       *Auth0User // nil until the first hit; guarded by the shard's lock
	packed     packedUser // its data is "": it is all[keyLen:] (see unpacked)
	hash       uint64
	expires    int64 // unix nanoseconds
	size       int64
	keyLen     int32
	next       int32 // the next free slot, while this one is free
	referenced bool  // hit since the hand last passed (CLOCK)
	shaped     bool  // the token passed canonicalShape when it was set
}

// key is the entry's token.
func (e *cacheEntry) key() string { return e.all[:e.keyLen] }

// unpacked is the entry's packed user, with its data.
func (e *cacheEntry) unpacked() packedUser {
	p := e.packed
	p.data = e.all[e.keyLen:]
	return p
}

// NewMemoryCache returns an in-memory cache holding at most maxEntries tokens
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
		s.m = make(map[uint64]int32)
		s.slots = make([]cacheEntry, 1) // slot 0: none
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
	u, _, ok := c.get(token, time.Now().UnixNano())
	return u, ok
}

// get is Get at now (unix nanoseconds), which Verify reads once for the
// lookup and the checks of the hit. shaped reports that the token passed
// canonicalShape when it was set.
func (c *memoryCache) get(token string, now int64) (u *Auth0User, shaped, ok bool) {
	s, h := c.shard(token)
	s.mu.Lock()
	i, ok := s.m[h]
	if !ok {
		s.mu.Unlock()
		return nil, false, false
	}
	e := &s.slots[i] // nothing below appends to slots
	if e.key() != token {
		s.mu.Unlock()
		return nil, false, false
	}
	if now >= e.expires {
		s.remove(i)
		s.mu.Unlock()
		return nil, false, false
	}
	if !e.referenced { // a hot token is marked already: no write
		e.referenced = true
	}
	u, shaped = e.user, e.shaped
	if u == nil {
		// The first hit: unpack once, under the lock so that no two hits
		// race to do it, and count the user in the shard's bytes, evicting
		// others (never e) to stay within the bound: a cache whose entries
		// are all hit once, with no Set to evict, would otherwise hold up
		// to twice its bound.
		u = new(Auth0User)
		p := e.unpacked()
		grew := unpackedOverhead + int64(p.unpackTo(u))
		key := e.key()
		lo, hi, _ := payloadSpan(key) // Verify cached only a verified JWS
		u.payload = key[lo:hi]
		e.user, e.size, s.bytes = u, e.size+grew, s.bytes+grew
		for s.bytes > s.maxBytes && s.evict(i) {
		}
	}
	s.mu.Unlock()
	return u, shaped, true
}

// Set implements TokenCache.
func (c *memoryCache) Set(_ context.Context, token string, u *Auth0User, expiresAt time.Time) {
	if !expiresAt.After(time.Now()) || len(token) > math.MaxInt32/2 {
		return
	}
	// Checked here, outside the lock and off the hot path, so that Verify
	// serves a hit on a shaped entry without checking the shape again.
	shaped := canonicalShape(token)
	// Outside the lock. pack copies the token: it may be a substring of a much
	// larger header value, which the entry would otherwise keep alive unbounded.
	s, h := c.shard(token)
	all, p := pack(token, u)
	p.data = "" // it is all[len(token):]
	size := int64(len(all)) + entryOverhead
	s.mu.Lock()
	defer s.mu.Unlock()
	if size > s.maxBytes || s.maxEntries == 0 {
		return
	}
	if old, ok := s.m[h]; ok { // this token, or (once in 2^64) another: replaced either way
		s.remove(old)
	}
	i := s.alloc()
	s.slots[i] = cacheEntry{all: all, keyLen: int32(len(token)), packed: p, hash: h, expires: expiresAt.UnixNano(), size: size, shaped: shaped}
	s.m[h] = i
	s.bytes += size
	for (len(s.m) > s.maxEntries || s.bytes > s.maxBytes) && s.evict(i) {
	}
}

// Delete implements TokenCache.
func (c *memoryCache) Delete(_ context.Context, token string) {
	s, h := c.shard(token)
	s.mu.Lock()
	defer s.mu.Unlock()
	if i, ok := s.m[h]; ok && s.slots[i].key() == token {
		s.remove(i)
	}
}

// DeleteUser implements TokenCache. It scans every entry: logouts are rare
// and a per-user index would cost every insert.
func (c *memoryCache) DeleteUser(_ context.Context, issuer, userID string) {
	for k := range c.shards {
		s := &c.shards[k]
		s.mu.Lock()
		for _, i := range s.m {
			p := s.slots[i].unpacked()
			if id, iss := p.idIssuer(); id == userID && iss == issuer {
				s.remove(i)
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

// alloc returns a free slot: a freed one, or a new one at the end.
func (s *cacheShard) alloc() int32 {
	if i := s.free; i != 0 {
		s.free = s.slots[i].next
		return i
	}
	s.slots = append(s.slots, cacheEntry{})
	return int32(len(s.slots) - 1)
}

// evict removes one entry other than keep, the first the hand finds that
// was not hit since it last passed (clearing the marks of those that were),
// and counts it. It reports false when keep is the only entry.
func (s *cacheShard) evict(keep int32) bool {
	if len(s.m) <= 1 {
		return false
	}
	// Two turns at most: the first clears every mark it passes.
	for range 2 * len(s.slots) {
		if s.hand++; int(s.hand) >= len(s.slots) {
			s.hand = 1
		}
		e := &s.slots[s.hand]
		switch {
		case e.all == "" || s.hand == keep: // free, or kept
		case e.referenced:
			e.referenced = false
		default:
			s.remove(s.hand)
			atomic.AddInt64(&s.evicted, 1)
			return true
		}
	}
	return false
}

// remove forgets slot i and frees it, dropping its token and user for the
// collector.
func (s *cacheShard) remove(i int32) {
	delete(s.m, s.slots[i].hash)
	s.bytes -= s.slots[i].size
	s.slots[i] = cacheEntry{next: s.free}
	s.free = i
}
