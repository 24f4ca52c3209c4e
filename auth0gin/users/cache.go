package users

import (
	"sync"
	"time"
)

// cache holds resolved users per Auth0 id until a TTL, bounded in size. A
// read takes a shared lock and allocates nothing.
type cache[U any] struct {
	ttl time.Duration
	max int
	now func() time.Time

	mu sync.RWMutex
	m  map[string]cacheEntry[U]
	// gen counts invalidations: a resolution that began before one must
	// not cache what it read (see putIf).
	gen uint64
}

type cacheEntry[U any] struct {
	cur     *Current[U]
	expires int64 // unix nanoseconds
}

func newCache[U any](ttl time.Duration, size int, now func() time.Time) *cache[U] {
	return &cache[U]{ttl: ttl, max: size, now: now, m: make(map[string]cacheEntry[U])}
}

func (c *cache[U]) get(id string) (*Current[U], bool) {
	if c.ttl <= 0 {
		return nil, false
	}
	c.mu.RLock()
	e, ok := c.m[id]
	c.mu.RUnlock()
	if !ok || c.now().UnixNano() >= e.expires {
		return nil, false
	}
	return e.cur, true
}

// generation returns the count of invalidations so far, for putIf.
func (c *cache[U]) generation() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.gen
}

// putIf caches cur unless the cache was invalidated since generation gen was
// read: the row it was read from may have changed since.
func (c *cache[U]) putIf(id string, cur *Current[U], gen uint64) {
	if c.ttl <= 0 {
		return
	}
	now := c.now().UnixNano()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if _, ok := c.m[id]; !ok && len(c.m) >= c.max {
		// Full: drop expired entries, and if none expired, an arbitrary one
		// (map order is random), so a flood of new users cannot grow memory.
		for k, e := range c.m {
			if now >= e.expires {
				delete(c.m, k)
			}
		}
		for k := range c.m {
			if len(c.m) < c.max {
				break
			}
			delete(c.m, k)
		}
	}
	c.m[id] = cacheEntry[U]{cur: cur, expires: now + int64(c.ttl)}
}

func (c *cache[U]) delete(id string) {
	c.mu.Lock()
	delete(c.m, id)
	c.gen++
	c.mu.Unlock()
}

func (c *cache[U]) clear() {
	c.mu.Lock()
	clear(c.m)
	c.gen++
	c.mu.Unlock()
}
