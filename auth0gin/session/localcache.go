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
	user    *auth0gin.Auth0User // a template: each request gets a copy
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
	shards   [16]cacheShard
}

type cacheShard struct {
	mu sync.RWMutex
	m  map[id]*entry
}

func newLocalCache(size int) *localCache {
	c := &localCache{perShard: max(1, size/16)}
	for i := range c.shards {
		c.shards[i].m = make(map[id]*entry)
	}
	return c
}

func (c *localCache) shard(sid id) *cacheShard { return &c.shards[sid[0]&15] }

func (c *localCache) get(sid id) *entry {
	s := c.shard(sid)
	s.mu.RLock()
	e := s.m[sid]
	s.mu.RUnlock()
	return e
}

// put remembers e, evicting an arbitrary entry when the shard is full: an
// evicted session is simply read from the store again.
func (c *localCache) put(sid id, e *entry) {
	s := c.shard(sid)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[sid]; !ok && len(s.m) >= c.perShard {
		for k := range s.m {
			delete(s.m, k)
			break
		}
	}
	s.m[sid] = e
}

// drop forgets one session.
func (c *localCache) drop(sid id) {
	s := c.shard(sid)
	s.mu.Lock()
	delete(s.m, sid)
	s.mu.Unlock()
}

// dropUser forgets every session of a user.
func (c *localCache) dropUser(userID string) {
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
