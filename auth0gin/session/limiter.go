package session

import (
	"sync"
	"time"
)

// limiter is a token bucket per client IP: each client may log in perMinute
// times a minute, in bursts of as many. It remembers at most max clients in
// two generations: when the current one is full it becomes the previous one
// and the older is dropped, so a flood of addresses costs O(1) per login and
// bounded memory (forgetting a client only gives it a full bucket again).
type limiter struct {
	mu        sync.Mutex
	perMinute float64
	half      int
	cur, prev map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(perMinute, maxClients int) *limiter {
	half := max(1, maxClients/2)
	return &limiter{perMinute: float64(perMinute), half: half, cur: make(map[string]*bucket), prev: map[string]*bucket{}}
}

// allow takes one login from ip's bucket at now, or says how long to wait.
func (l *limiter) allow(ip string, now time.Time) (ok bool, wait time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.cur[ip]
	if b == nil {
		if b = l.prev[ip]; b != nil {
			delete(l.prev, ip)
		} else {
			b = &bucket{tokens: l.perMinute, last: now}
		}
		if len(l.cur) >= l.half {
			l.prev, l.cur = l.cur, make(map[string]*bucket, l.half)
		}
		l.cur[ip] = b
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
