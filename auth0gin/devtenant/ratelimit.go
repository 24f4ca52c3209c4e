package devtenant

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// tooManyRequests is Auth0's 429 description.
const tooManyRequests = "Too many requests. Check the X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset headers."

// rateLimiter counts requests in one-second windows, as Auth0's buckets
// report them.
type rateLimiter struct {
	limit int // enforced when > 0

	mu     sync.Mutex
	window int64 // unix second
	used   int
}

// take counts one request and returns the header values and whether it is
// over an enforced limit.
func (l *rateLimiter) take(now time.Time) (limit, remaining int, reset int64, over bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if sec := now.Unix(); sec != l.window {
		l.window, l.used = sec, 0
	}
	l.used++
	limit = l.limit
	if limit <= 0 {
		limit = defaultRateLimit
	}
	remaining = max(limit-l.used, 0)
	return limit, remaining, l.window + 1, l.limit > 0 && l.used > l.limit
}

// FailNext makes the next n requests, whatever they are, answer 429
// too_many_requests with Auth0's body and X-RateLimit-Remaining 0, to test
// how a client copes with rate limiting. n <= 0 cancels pending failures.
func (t *Tenant) FailNext(n int) {
	t.failNext.Store(int64(max(n, 0)))
}

// rateLimit sets the X-RateLimit-* headers and answers 429 when the request
// must fail; it reports whether it answered.
func (t *Tenant) rateLimit(w http.ResponseWriter, r *http.Request) bool {
	limit, remaining, reset, over := t.rl.take(t.now())
	injected := false
	for {
		n := t.failNext.Load()
		if n <= 0 {
			break
		}
		if t.failNext.CompareAndSwap(n, n-1) {
			injected = true
			break
		}
	}
	if injected || over {
		remaining = 0
	}
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset, 10))
	if !injected && !over {
		return false
	}
	if strings.HasPrefix(r.URL.Path, "/api/v2/") {
		writeMgmtError(w, http.StatusTooManyRequests, tooManyRequests, "too_many_requests")
	} else {
		writeOAuthError(w, http.StatusTooManyRequests, "too_many_requests", tooManyRequests)
	}
	return true
}
