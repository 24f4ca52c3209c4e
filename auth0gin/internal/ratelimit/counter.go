package ratelimit

import (
	"context"
	"sync"
	"time"
)

// Counter keeps one tier's counts: budgets (Take) and failure tallies
// (Add, Reset), each under a key. The Limiter asks nothing else of it. Two
// implementations: newMemory, one process's memory (token buckets), and
// newStoreCounter, a store shared by every instance (fixed windows, one
// store operation per call). An error is the store's: the Limiter returns
// it, and the flow answers 503 (the limit fails closed).
type Counter interface {
	// Take spends one attempt of key's budget: perMinute a minute, in bursts
	// of at most burst. When none is left it spends nothing and says how
	// long until one is.
	Take(ctx context.Context, key string, perMinute, burst float64, now time.Time) (ok bool, wait time.Duration, err error)
	// Add adds n to key's tally and returns the new value; the tally is
	// forgotten ttl after the last Add with n > 0 (in a store: after the
	// first). n == 0 only reads.
	Add(ctx context.Context, key string, n int, ttl time.Duration, now time.Time) (int, error)
	// Reset forgets key's tally.
	Reset(ctx context.Context, key string) error
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

func (c *memory) Take(_ context.Context, key string, perMinute, burst float64, now time.Time) (bool, time.Duration, error) {
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
		return true, 0, nil
	}
	return false, time.Duration((1 - e.tokens) / perMinute * float64(time.Minute)), nil
}

func (c *memory) Add(_ context.Context, key string, n int, ttl time.Duration, now time.Time) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n == 0 {
		e := c.m[key]
		if e == nil || !now.Before(e.until) {
			return 0, nil
		}
		return e.count, nil
	}
	e, _ := c.get(key)
	if !now.Before(e.until) {
		e.count = 0
	}
	e.count += n
	e.until = now.Add(ttl)
	return e.count, nil
}

func (c *memory) Reset(_ context.Context, key string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.m[key]; e != nil {
		e.prev.next, e.next.prev = e.next, e.prev
		delete(c.m, key)
	}
	return nil
}

// len is how many keys the counter holds (for tests).
func (c *memory) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
