package ratelimit

import (
	"sync"
	"time"
)

// Counter keeps one tier's counts: token buckets (Take) and failure tallies
// (Add, Reset), each under a key. The Limiter asks nothing else of it, so
// the counts can move into a shared store (issue 24) by implementing these
// three methods; the default is newMemory, one process's memory.
type Counter interface {
	// Take spends one token from key's bucket, which refills perMinute
	// tokens a minute and holds at most burst (a key not seen yet starts
	// full). When the bucket holds less than one token it spends nothing
	// and says how long until it will.
	Take(key string, perMinute, burst float64, now time.Time) (ok bool, wait time.Duration)
	// Add adds n to key's tally and returns the new value; the tally is
	// forgotten ttl after the last Add with n > 0. n == 0 only reads.
	Add(key string, n int, ttl time.Duration, now time.Time) int
	// Reset forgets key's tally.
	Reset(key string)
}

// memory is a Counter in one process's memory holding at most max keys.
// When a new key arrives and it is full, the key used longest ago is
// dropped (an O(1) LRU): a flood of unique addresses can only make the
// limiter forget the quietest clients, which then start again with a full
// allowance. It never refuses a new key: refusing (fail closed) would let
// anyone who owns enough addresses lock every other client out.
type memory struct {
	mu   sync.Mutex
	max  int
	m    map[string]*entry
	root entry // root.next is the most recently used, root.prev the least
}

type entry struct {
	key        string
	prev, next *entry

	tokens float64   // bucket
	at     time.Time // bucket: when tokens was last brought up to date
	count  int       // tally
	until  time.Time // tally: when it is forgotten
}

func newMemory(max int) *memory {
	c := &memory{max: max, m: make(map[string]*entry)}
	c.root.next, c.root.prev = &c.root, &c.root
	return c
}

// get returns key's entry, made and marked most recently used; fresh
// reports whether it was just made.
func (c *memory) get(key string) (e *entry, fresh bool) {
	if e = c.m[key]; e != nil {
		e.prev.next, e.next.prev = e.next, e.prev
	} else {
		if len(c.m) >= c.max {
			old := c.root.prev
			old.prev.next, old.next.prev = old.next, old.prev
			delete(c.m, old.key)
		}
		e = &entry{key: key}
		c.m[key] = e
		fresh = true
	}
	e.prev, e.next = &c.root, c.root.next
	c.root.next.prev = e
	c.root.next = e
	return e, fresh
}

func (c *memory) Take(key string, perMinute, burst float64, now time.Time) (bool, time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, fresh := c.get(key)
	if fresh {
		e.tokens, e.at = burst, now
	} else if d := now.Sub(e.at); d > 0 {
		e.tokens = min(burst, e.tokens+d.Minutes()*perMinute)
		e.at = now
	}
	if e.tokens >= 1 {
		e.tokens--
		return true, 0
	}
	return false, time.Duration((1 - e.tokens) / perMinute * float64(time.Minute))
}

func (c *memory) Add(key string, n int, ttl time.Duration, now time.Time) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n == 0 {
		e := c.m[key]
		if e == nil || !now.Before(e.until) {
			return 0
		}
		return e.count
	}
	e, _ := c.get(key)
	if !now.Before(e.until) {
		e.count = 0
	}
	e.count += n
	e.until = now.Add(ttl)
	return e.count
}

func (c *memory) Reset(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.m[key]; e != nil {
		e.prev.next, e.next.prev = e.next, e.prev
		delete(c.m, key)
	}
}

// len is how many keys the counter holds (for tests).
func (c *memory) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
