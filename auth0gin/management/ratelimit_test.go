package management

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

// offsetToReset puts the fake clock 300 ms into a second, so the dev
// tenant's X-RateLimit-Reset (the next second) lies exactly 700 ms ahead.
const offsetToReset = 700 * time.Millisecond

func resetAhead() time.Time {
	return time.Now().Truncate(time.Second).Add(time.Second - offsetToReset)
}

func newRateFixture(t *testing.T, cfg func(*Config)) (*fixture, *fakeClock) {
	t.Helper()
	f, ck := newClockFixture(t, resetAhead(), cfg)
	if _, err := f.client.GetUser(context.Background(), devtenant.Alice.ID); err != nil { // the token
		t.Fatal(err)
	}
	return f, ck
}

// A 429 is retried once the reset has come, not before: the wait is exactly
// X-RateLimit-Reset minus now.
func TestRateLimitWaitsForReset(t *testing.T) {
	f, ck := newRateFixture(t, nil)
	f.tenant.FailNext(1)
	calls := f.wire.apiCalls.Load()
	u, err := f.client.GetUser(context.Background(), devtenant.Alice.ID)
	if err != nil || u.ID != devtenant.Alice.ID {
		t.Fatalf("%+v, %v", u, err)
	}
	if w := ck.Waits(); len(w) != 1 || w[0] != offsetToReset {
		t.Errorf("waits %v, want [%v]", w, offsetToReset)
	}
	if n := f.wire.apiCalls.Load() - calls; n != 2 {
		t.Errorf("%d API calls, want 2", n)
	}
}

// The token endpoint's 429 is waited out the same way.
func TestRateLimitOnTokenFetch(t *testing.T) {
	f, ck := newClockFixture(t, resetAhead(), nil)
	f.tenant.FailNext(1)
	if _, err := f.client.GetUser(context.Background(), devtenant.Alice.ID); err != nil {
		t.Fatal(err)
	}
	if w := ck.Waits(); len(w) != 1 || w[0] != offsetToReset {
		t.Errorf("waits %v, want [%v]", w, offsetToReset)
	}
	if n := f.wire.tokenFetches.Load(); n != 2 {
		t.Errorf("%d token fetches, want 2", n)
	}
}

// Retries are bounded by MaxRetries; then ErrRateLimited.
func TestRateLimitRetriesBounded(t *testing.T) {
	f, ck := newRateFixture(t, func(c *Config) { c.MaxRetries = 2 })
	f.tenant.FailNext(10)
	defer f.tenant.FailNext(0)
	calls := f.wire.apiCalls.Load()
	_, err := f.client.GetUser(context.Background(), devtenant.Alice.ID)
	var e *Error
	if !errors.Is(err, ErrRateLimited) || !errors.As(err, &e) || e.StatusCode != 429 || e.ErrorCode != "too_many_requests" {
		t.Fatalf("err = %v", err)
	}
	if n := f.wire.apiCalls.Load() - calls; n != 3 {
		t.Errorf("%d API calls, want 3 (1 + 2 retries)", n)
	}
	if w := ck.Waits(); len(w) != 2 {
		t.Errorf("waits %v, want 2", w)
	}
	t.Log(err)
}

// With a deadline before the reset, the call fails at once: no wait, and the
// context is still alive when it returns.
func TestRateLimitDeadlineBeforeReset(t *testing.T) {
	f, ck := newRateFixture(t, nil)
	f.tenant.FailNext(1)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := f.client.GetUser(ctx, devtenant.Alice.ID)
	var e *Error
	if !errors.Is(err, ErrRateLimited) || !errors.As(err, &e) || e.RetryAfter != offsetToReset {
		t.Fatalf("err = %v", err)
	}
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("the call waited for the deadline: %v", err)
	}
	if w := ck.Waits(); len(w) != 0 {
		t.Errorf("waited %v", w)
	}
	t.Log(err)
}

// A reset further than MaxWait fails at once too.
func TestRateLimitBeyondMaxWait(t *testing.T) {
	f, ck := newRateFixture(t, func(c *Config) { c.MaxWait = 500 * time.Millisecond })
	f.tenant.FailNext(1)
	if _, err := f.client.GetUser(context.Background(), devtenant.Alice.ID); !errors.Is(err, ErrRateLimited) {
		t.Fatalf("err = %v", err)
	}
	if w := ck.Waits(); len(w) != 0 {
		t.Errorf("waited %v", w)
	}
}

// Without X-RateLimit-Reset, Retry-After is used, and without either the
// client backs off 1 s, 2 s, ...
func TestRateLimitWithoutResetHeader(t *testing.T) {
	f, ck := newRateFixture(t, nil)
	var mu sync.Mutex
	n := 0
	f.wire.setMangle(func(_ *http.Request, res *http.Response) {
		mu.Lock()
		defer mu.Unlock()
		if res.StatusCode != http.StatusTooManyRequests {
			return
		}
		res.Header.Del("X-RateLimit-Reset")
		if n++; n == 1 {
			res.Header.Set("Retry-After", "3")
		}
	})
	f.tenant.FailNext(3)
	if _, err := f.client.GetUser(context.Background(), devtenant.Alice.ID); err != nil {
		t.Fatal(err)
	}
	if w := ck.Waits(); len(w) != 3 || w[0] != 3*time.Second || w[1] != 2*time.Second || w[2] != 4*time.Second {
		t.Errorf("waits %v, want [3s 2s 4s]", w)
	}
}

// The acceptance test on the wall clock: the dev tenant injects a 429 whose
// X-RateLimit-Reset is up to a second ahead; the retry is not sent before it.
func TestRateLimitRealWait(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	if _, err := f.client.GetUser(ctx, devtenant.Alice.ID); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var reset time.Time
	var sent []time.Time
	f.wire.setOnAPI(func(*http.Request) {
		mu.Lock()
		sent = append(sent, time.Now())
		mu.Unlock()
	})
	f.wire.setMangle(func(_ *http.Request, res *http.Response) {
		if res.StatusCode == http.StatusTooManyRequests {
			sec, _ := strconv.ParseInt(res.Header.Get("X-RateLimit-Reset"), 10, 64)
			mu.Lock()
			reset = time.Unix(sec, 0)
			mu.Unlock()
		}
	})
	f.tenant.FailNext(1)
	start := time.Now()
	u, err := f.client.GetUser(ctx, devtenant.Alice.ID)
	elapsed := time.Since(start)
	if err != nil || u.ID != devtenant.Alice.ID {
		t.Fatalf("%+v, %v", u, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(sent) != 2 || reset.IsZero() {
		t.Fatalf("%d requests, reset %v", len(sent), reset)
	}
	if sent[1].Before(reset) {
		t.Errorf("retried at %v, before the reset %v", sent[1], reset)
	}
	if want := reset.Sub(start); elapsed < want {
		t.Errorf("succeeded after %v, before the reset (%v after the request)", elapsed, want)
	}
	t.Logf("reset %v after the request; succeeded after %v", reset.Sub(start).Round(time.Millisecond), elapsed.Round(time.Millisecond))
}

// A caller cancelled while waiting for the reset stops waiting.
func TestRateLimitWaitCancelled(t *testing.T) {
	f, _ := newRateFixture(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	f.client.sleep = func(ctx context.Context, d time.Duration) error {
		cancel()
		return sleep(ctx, time.Hour)
	}
	f.tenant.FailNext(1)
	_, err := f.client.GetUser(ctx, devtenant.Alice.ID)
	if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrRateLimited) {
		t.Errorf("err = %v, want context.Canceled and ErrRateLimited", err)
	}
	if err := sleep(context.Background(), time.Millisecond); err != nil {
		t.Errorf("sleep: %v", err)
	}
}
