package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/store"
)

// Shared is what a Counter in a store needs of it: package store's Store
// has these.
type Shared interface {
	Incr(ctx context.Context, key string, expiresAt time.Time) (int64, error)
	Get(ctx context.Context, key string) ([]byte, error)
	Set(ctx context.Context, key string, value []byte, expiresAt time.Time) error
	Delete(ctx context.Context, keys ...string) error
}

// What a Limiter in a store does when the store fails (Config.Outage).
const (
	// OutageRefuse refuses: the flow answers 503 with Retry-After (the
	// limit fails closed). The default.
	OutageRefuse = "refuse"
	// OutageLocal counts in this instance's memory while the store fails:
	// the flow goes on, each instance allowing the whole budget.
	OutageLocal = "local"
)

// EnvOutage names the environment variable both FromEnvs read for the
// outage policy ("refuse" or "local").
const EnvOutage = "AUTH0GIN_LIMIT_OUTAGE"

// ParseOutage checks an outage policy: "" (OutageRefuse), OutageRefuse or
// OutageLocal.
func ParseOutage(s string) (string, error) {
	switch s {
	case "", OutageRefuse:
		return OutageRefuse, nil
	case OutageLocal:
		return OutageLocal, nil
	}
	return "", fmt.Errorf("limit outage %q: want %q or %q", s, OutageRefuse, OutageLocal)
}

// window is the fixed window a store counter counts: one minute, the unit
// of every budget. Windows are aligned on the clock (unix minutes), so that
// every instance counts into the same key.
const window = time.Minute

// storeCounter keeps a tier's counts in a store shared by every instance:
// one Incr per Take (a fixed window per minute, its key carrying the
// window's number, expiring at the window's end) and one Incr, Get, Set or
// Delete per Add and Reset. Keys are prefix + tier + ":" + key, each its
// own key group (no braces), so they spread over a cluster's nodes.
//
// A fixed window lets a client spend a budget at the end of one minute and
// another at the start of the next: up to twice PerMinute within a few
// seconds, never more than PerMinute within one minute of the clock. The
// memory Counter's buckets have no such edge; the store's price is one
// operation per decision rather than a read and a write.
type storeCounter struct {
	st     Shared
	prefix string
	local  Counter // OutageLocal: counts while the store fails; else nil
}

func newStoreCounter(st Shared, prefix, tier string, local Counter) *storeCounter {
	return &storeCounter{st: st, prefix: prefix + tier + ":", local: local}
}

// fail is the answer when the store failed: the local count, or the error.
func (c *storeCounter) failed(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return fmt.Errorf("ratelimit: counting in the store: %w", err)
}

// expiry is when a key that now lasts d more by the Limiter's clock
// expires by the store's: expiries are the store's wall clock, while the
// Limiter's clock may be a test's. A window key lives one window longer
// than its window (instances' clocks differ a little; its name carries the
// window's number, so a longer life counts nothing twice).
func expiry(d time.Duration) time.Time { return time.Now().Add(d) }

func (c *storeCounter) Take(ctx context.Context, key string, perMinute, burst float64, now time.Time) (bool, time.Duration, error) {
	n := now.Unix() / int64(window/time.Second)
	end := time.Unix((n+1)*int64(window/time.Second), 0)
	got, err := c.st.Incr(ctx, c.prefix+key+":"+strconv.FormatInt(n, 10), expiry(end.Sub(now)+window))
	if err != nil {
		if c.local != nil {
			return c.local.Take(ctx, key, perMinute, burst, now)
		}
		return false, 0, c.failed(err)
	}
	if float64(got) <= min(perMinute, burst) {
		return true, 0, nil
	}
	return false, end.Sub(now), nil
}

func (c *storeCounter) Add(ctx context.Context, key string, n int, ttl time.Duration, now time.Time) (int, error) {
	k := c.prefix + key
	var got int64
	var err error
	switch {
	case n == 0:
		var b []byte
		if b, err = c.st.Get(ctx, k); err == nil {
			got, err = strconv.ParseInt(string(b), 10, 64)
		} else if errors.Is(err, store.ErrNotFound) {
			return 0, nil
		}
	case n == 1:
		got, err = c.st.Incr(ctx, k, expiry(ttl))
	default: // counted as n at once (the tenant blocked): set, not add
		got, err = int64(n), c.st.Set(ctx, k, []byte(strconv.Itoa(n)), expiry(ttl))
	}
	if err != nil {
		if c.local != nil {
			return c.local.Add(ctx, key, n, ttl, now)
		}
		return 0, c.failed(err)
	}
	return int(got), nil
}

func (c *storeCounter) Reset(ctx context.Context, key string) error {
	if c.local != nil {
		_ = c.local.Reset(ctx, key)
	}
	if err := c.st.Delete(ctx, c.prefix+key); err != nil {
		if c.local != nil {
			return nil
		}
		return c.failed(err)
	}
	return nil
}
