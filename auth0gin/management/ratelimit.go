package management

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// maxRetryAfter is where a Retry-After saturates: far past any MaxWait.
const maxRetryAfter = 1000 * time.Hour

// retryAfter reads when a rate limit resets: X-RateLimit-Reset (epoch
// seconds, as Auth0 sends it), else Retry-After in seconds. ok is false when
// neither is there.
func retryAfter(h http.Header, now time.Time) (d time.Duration, ok bool) {
	if s := h.Get("X-RateLimit-Reset"); s != "" {
		if sec, err := strconv.ParseInt(s, 10, 64); err == nil && sec > 0 {
			return max(time.Unix(sec, 0).Sub(now), 0), true
		}
	}
	if s := h.Get("Retry-After"); s != "" {
		if sec, err := strconv.ParseInt(s, 10, 64); err == nil && sec >= 0 {
			// Saturate: a value past what a Duration holds must not wrap
			// around to a short (or negative) wait.
			if sec > int64(maxRetryAfter/time.Second) {
				return maxRetryAfter, true
			}
			return time.Duration(sec) * time.Second, true
		}
	}
	return 0, false
}

// rateLimitWait decides whether the rate-limited e (the retries-th) is retried
// and after how long; when it is not, the error says why, at once.
func (c *Client) rateLimitWait(ctx context.Context, e *Error, retries int) (time.Duration, error) {
	wait := e.RetryAfter
	if !e.resetKnown { // no reset announced: back off 1 s, 2 s, 4 s, ...
		wait = time.Second << min(retries, 10)
	}
	switch {
	case retries >= c.maxRetries:
		return 0, fmt.Errorf("%w; gave up after %d retries", e, retries)
	case wait > c.maxWait:
		return 0, fmt.Errorf("%w; not retried: the reset is further than MaxWait (%v)", e, c.maxWait)
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
		return 0, fmt.Errorf("%w; not retried: the reset is after the context's deadline", e)
	}
	return wait, nil
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
