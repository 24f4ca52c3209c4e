package login

import (
	"net/netip"
	"sync"
	"time"
)

// maxLimiterEntries bounds the per-IP table: past it, the fullest buckets
// (idle IPs) are dropped first, so a flood of addresses cannot grow memory.
const maxLimiterEntries = 100_000

// limiter is a token bucket per client IP (per /64 for IPv6): perMinute attempts a minute, with
// as large a burst. The clock is injected, so tests never sleep.
type limiter struct {
	perMinute int
	now       func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(perMinute int, now func() time.Time) *limiter {
	return &limiter{perMinute: perMinute, now: now, buckets: map[string]*bucket{}}
}

// allow takes one attempt for ip; when none is left it reports how long
// until the next.
func (l *limiter) allow(ip string) (bool, time.Duration) {
	if l.perMinute < 0 {
		return true, 0
	}
	ip = bucketKey(ip)
	now := l.now()
	rate := float64(l.perMinute) / float64(time.Minute) // tokens per ns
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[ip]
	if b == nil {
		if len(l.buckets) >= maxLimiterEntries {
			l.evict(now, rate)
		}
		b = &bucket{tokens: float64(l.perMinute), at: now}
		l.buckets[ip] = b
	}
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(float64(l.perMinute), b.tokens+float64(d)*rate)
		b.at = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / rate)
}

// evict drops every bucket that has refilled (its IP is idle), or, when
// none has, an arbitrary tenth of them.
func (l *limiter) evict(now time.Time, rate float64) {
	for ip, b := range l.buckets {
		if b.tokens+float64(now.Sub(b.at))*rate >= float64(l.perMinute) {
			delete(l.buckets, ip)
		}
	}
	for ip := range l.buckets {
		if len(l.buckets) < maxLimiterEntries*9/10 {
			break
		}
		delete(l.buckets, ip)
	}
}

// bucketKey is the bucket an address counts against: an IPv4 address alone,
// an IPv6 address with its whole /64 (one host or network commonly holds
// it, and could otherwise take a fresh bucket per address). Anything that
// does not parse is its own key.
func bucketKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is4() {
		return a.String()
	}
	p, err := a.WithZone("").Prefix(64)
	if err != nil {
		return ip
	}
	return p.String()
}
