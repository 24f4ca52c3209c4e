package session

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// entry is a session as one instance remembers it between store reads.
// Everything but the two activity times is fixed when the entry is made.
type entry struct {
	user    *auth0gin.Auth0User // read-only: every request of the session gets it
	userID  string
	created time.Time
	end     time.Time
	fetched time.Time // when it was read from the store (or made, at login)

	seen    atomic.Int64 // the last activity this instance knows of (unix ns)
	written atomic.Int64 // the last activity written to the store (unix ns)
}

// localCache is an instance's bounded memory of sessions, in shards so that
// concurrent requests rarely share a lock. It is keyed by session id (the
// secret's hash), never by the secret.
type localCache struct {
	perShard int
	ttl      time.Duration
	start    time.Time
	shards   [16]cacheShard

	// usersDropped remembers when each user recently logged out everywhere
	// was dropped, for the same reason as cacheShard.dropped: a read (or a
	// login) that began before must not put that user's session back.
	usersMu      sync.Mutex
	usersDropped map[string]time.Duration
}

type cacheShard struct {
	mu sync.RWMutex
	m  map[id]*entry
	// dropped remembers when each recently invalidated session was dropped
	// (monotonic time since the cache began), so that a store read that
	// started before a logout cannot put the session back afterwards.
	dropped map[id]time.Duration
}

func newLocalCache(size int, ttl time.Duration) *localCache {
	c := &localCache{perShard: max(1, size/16), ttl: ttl, start: time.Now(), usersDropped: make(map[string]time.Duration)}
	for i := range c.shards {
		c.shards[i].m = make(map[id]*entry)
		c.shards[i].dropped = make(map[id]time.Duration)
	}
	return c
}

// since is the cache's monotonic clock: the wall clock may step, and tests
// inject theirs into Config.Now, but the race this guards is in real time.
func (c *localCache) since() time.Duration { return time.Since(c.start) }

func (c *localCache) shard(sid id) *cacheShard { return &c.shards[sid[0]&15] }

func (c *localCache) get(sid id) *entry {
	s := c.shard(sid)
	s.mu.RLock()
	e := s.m[sid]
	s.mu.RUnlock()
	return e
}

// put remembers e, read from the store at readAt (see since), unless the
// session or its user was dropped since. It evicts an arbitrary entry when the shard is
// full: an evicted session is simply read from the store again.
func (c *localCache) put(sid id, e *entry, readAt time.Duration) {
	s := c.shard(sid)
	s.mu.Lock()
	defer s.mu.Unlock()
	if at, ok := s.dropped[sid]; ok && at >= readAt {
		return
	}
	// Under the shard's lock: dropUser marks the user before it sweeps the
	// shards, so either this sees the mark or the sweep sees the entry.
	c.usersMu.Lock()
	at, ok := c.usersDropped[e.userID]
	c.usersMu.Unlock()
	if ok && at >= readAt {
		return
	}
	if _, ok := s.m[sid]; !ok && len(s.m) >= c.perShard {
		for k := range s.m {
			delete(s.m, k)
			break
		}
	}
	s.m[sid] = e
}

// drop forgets one session, and keeps it out for a while: a read that began
// before the drop must not put it back.
func (c *localCache) drop(sid id) {
	s := c.shard(sid)
	now := c.since()
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, sid)
	if len(s.dropped) >= c.perShard {
		// Reads last far less than the TTL: older marks guard nothing.
		for k, at := range s.dropped {
			if now-at > c.ttl {
				delete(s.dropped, k)
			}
		}
	}
	if len(s.dropped) < 2*c.perShard {
		s.dropped[sid] = now
	}
}

// dropUser forgets every session of a user, and keeps them out for a while
// as drop does.
func (c *localCache) dropUser(userID string) {
	now := c.since()
	c.usersMu.Lock()
	limit := c.perShard * len(c.shards)
	if len(c.usersDropped) >= limit {
		for k, at := range c.usersDropped {
			if now-at > c.ttl {
				delete(c.usersDropped, k)
			}
		}
	}
	if len(c.usersDropped) < 2*limit {
		c.usersDropped[userID] = now
	}
	c.usersMu.Unlock()
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		for k, e := range s.m {
			if e.userID == userID {
				delete(s.m, k)
			}
		}
		s.mu.Unlock()
	}
}
