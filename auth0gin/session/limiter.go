package session

import (
	"sync"
	"time"
)

// limiter is a token bucket per client IP, bounded in the clients it
// remembers: each client may log in perMinute times a minute, in bursts of as
// many.
type limiter struct {
	mu        sync.Mutex
	perMinute float64
	max       int
	buckets   map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(perMinute, maxClients int) *limiter {
	return &limiter{perMinute: float64(perMinute), max: maxClients, buckets: make(map[string]*bucket)}
}

// allow takes one login from ip's bucket at now, or says how long to wait.
func (l *limiter) allow(ip string, now time.Time) (ok bool, wait time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[ip]
	if b == nil {
		if len(l.buckets) >= l.max {
			l.evict(now)
		}
		b = &bucket{tokens: l.perMinute, last: now}
		l.buckets[ip] = b
	}
	if d := now.Sub(b.last); d > 0 {
		b.tokens = min(l.perMinute, b.tokens+d.Minutes()*l.perMinute)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.perMinute * float64(time.Minute))
}

// evict makes room: first every bucket that has refilled (forgetting it
// changes nothing), then, under a flood of addresses, the least recently used.
func (l *limiter) evict(now time.Time) {
	var oldest string
	var oldestAt time.Time
	for ip, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Minutes()*l.perMinute >= l.perMinute {
			delete(l.buckets, ip)
			continue
		}
		if oldest == "" || b.last.Before(oldestAt) {
			oldest, oldestAt = ip, b.last
		}
	}
	if len(l.buckets) >= l.max && oldest != "" {
		delete(l.buckets, oldest)
	}
}
